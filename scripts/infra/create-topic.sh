#!/usr/bin/env bash
# Creates a NORMAL RocketMQ topic and consumer groups on the local engine (idempotent), e.g. for a test run that
# must not share the app's topic and groups:  scripts/infra/create-topic.sh <topic> <group> [<group>...]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || die "usage: create-topic.sh <topic> <group> [<group>...]"
resolve_java
topic="$1"; shift
ns="127.0.0.1:$ROCKETMQ_NAMESRV_PORT"
run() { # mqadmin exits 0 on failure: success is read from its output
  local out; out=$(mqadmin "$@" 2>&1) || true
  grep -q ' success\.' <<<"$out" || { printf '%s\n' "$out" | tail -n 20 >&2; die "mqadmin $1 failed"; }
}
run updateTopic -n "$ns" -c "$ROCKETMQ_CLUSTER" -t "$topic" -r 4 -w 4 -a "+message.type=NORMAL" &
pids=($!)
for group in "$@"; do
  run updateSubGroup -n "$ns" -c "$ROCKETMQ_CLUSTER" -g "$group" -o false &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
log "topic $topic with groups $* ready"
