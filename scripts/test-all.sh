#!/usr/bin/env bash
# Runs every test (unit, contract suites on every adapter, e2e, then the browser tests in Chromium, then the chaos run of
# the split at CI size) against real engines, and prints "N passed, N failed" over all three. With arguments, only jest
# runs (with them).
# Installs Debian's Chromium if missing, starts RocketMQ and Elasticsearch (fetched from Maven Central) and checks
# PostgreSQL and Redis first; then builds and checks the import rules (npm run lint:deps) before any test runs.
set -uo pipefail
cd "$(dirname "$0")/.."

# the browser tests drive Debian's Chromium (no browser downloads are reachable); fonts so CJK and emoji render
if [ $# -eq 0 ] && { [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk fonts-noto-color-emoji >/dev/null 2>&1; }; then
  echo "test-all: installing Chromium and fonts from Debian's packages (apt-get)"
  if ! { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null; }; then
    echo "test-all: could not install Chromium (apt-get needs root); no tests were run" >&2
    exit 1
  fi
fi

if ! bash scripts/infra/up.sh; then
  echo "test-all: the engines did not start (see above); no tests were run" >&2
  exit 1
fi

# the split e2e test runs the built apps as separate processes
if ! npm run build; then
  echo "test-all: the build failed; no tests were run" >&2
  exit 1
fi

# the import rules of docs/architecture.md ('Import rules'): a violation fails the run like a broken build
if ! npm run lint:deps; then
  echo "test-all: the import rules are broken; no tests were run" >&2
  exit 1
fi

mkdir -p reports
rm -f reports/jest.json reports/playwright.json
npx jest --ci --maxWorkers=2 --json --outputFile=reports/jest.json "$@"
status=$?
runners=jest

if [ $# -eq 0 ]; then
  # the web app in a real browser (Debian's Chromium), against the one-process server and the split
  npx playwright test -c test/browser/playwright.config.ts || status=1
  # the delivery contract on the split under every fault (kills, outages, drops), at CI size: npm run chaos is full size
  rm -f reports/chaos/report.json
  CHAOS_PRESET=ci TS_NODE_PROJECT=bench/tsconfig.bench.json \
    node -r ts-node/register -r tsconfig-paths/register bench/chaos/run-chaos.ts || status=1
  runners=jest,playwright,chaos
fi

node scripts/tally.js "$runners" || echo "0 passed, 1 failed"
exit $status
