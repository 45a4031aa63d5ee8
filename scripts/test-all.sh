#!/usr/bin/env bash
# Runs every test (unit, contract suites on every adapter, e2e) against real engines, and prints "N passed, N failed".
# Starts RocketMQ and Elasticsearch (fetched from Maven Central) and checks PostgreSQL and Redis first.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/infra/up.sh; then
  echo "test-all: the engines did not start (see above); no tests were run" >&2
  exit 1
fi

# the split e2e test runs the built apps as separate processes
if ! npm run build; then
  echo "test-all: the build failed; no tests were run" >&2
  exit 1
fi

mkdir -p reports
npx jest --ci --maxWorkers=2 --json --outputFile=reports/jest.json "$@"
status=$?

node -e '
  const r = require("./reports/jest.json");
  const failed = r.numFailedTests + r.testResults.filter((s) => s.status === "failed" && !s.assertionResults.length).length;
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
' || echo "0 passed, 1 failed"
exit $status
