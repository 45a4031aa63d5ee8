#!/usr/bin/env bash
# Stop Elasticsearch, the RocketMQ proxy (with its in-process broker) and namesrv.
# Idempotent. --purge also deletes their data dirs (downloads and engines stay).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

PURGE=0
ONLY=""
while (($#)); do
  case "$1" in
    --purge) PURGE=1 ;;
    --only)
      ONLY="${2:-}"
      [[ "$ONLY" == rocketmq ]] || die "--only takes: rocketmq"
      shift
      ;;
    -h | --help) echo "usage: $0 [--purge] [--only rocketmq]"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"

# stop_pidfile <name> <pidfile>: SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL.
stop_pidfile() {
  local name="$1" pidfile="$2" pid
  if ! pid_alive "$pidfile"; then
    log "$name: not running"
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$name: still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "$pidfile"
  log "$name: stopped"
}

# Broker (inside the proxy) first, so it can unregister from namesrv.
[[ "$ONLY" == rocketmq ]] || stop_pidfile "Elasticsearch" "$ES_PID"
stop_pidfile "RocketMQ proxy+broker" "$PROXY_PID"
stop_pidfile "RocketMQ namesrv" "$NAMESRV_PID"

if ((PURGE)); then
  log "purging $INFRA_STATE/data"
  [[ "$ONLY" == rocketmq ]] || rm -rf "$ES_DATA"
  rm -rf "$RMQ_DATA"
fi
log "infra down"
