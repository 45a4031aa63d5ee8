#!/usr/bin/env bash
# Creates, or deletes, a NORMAL RocketMQ topic and its consumer groups on the local engine (idempotent): a test run
# that must not share the app's topic and groups creates its own and deletes them when it is done, so they do not
# pile up on the broker (each one costs it housekeeping).
#   scripts/infra/topic.sh create|delete <topic> <group> [<group>...]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[ $# -ge 3 ] && [[ "$1" == create || "$1" == delete ]] || die "usage: topic.sh create|delete <topic> <group> [<group>...]"
resolve_java
action="$1" topic="$2"
shift 2
ns="127.0.0.1:$ROCKETMQ_NAMESRV_PORT"
run() { # mqadmin exits 0 on failure: success is read from its output
  local out; out=$(mqadmin "$@" 2>&1) || true
  grep -q ' success' <<<"$out" || { printf '%s\n' "$out" | tail -n 20 >&2; die "mqadmin $1 failed"; }
}
if [[ "$action" == create ]]; then
  run updateTopic -n "$ns" -c "$ROCKETMQ_CLUSTER" -t "$topic" -r 4 -w 4 -a "+message.type=NORMAL" &
else
  run deleteTopic -n "$ns" -c "$ROCKETMQ_CLUSTER" -t "$topic" &
fi
pids=($!)
for group in "$@"; do
  if [[ "$action" == create ]]; then
    run updateSubGroup -n "$ns" -c "$ROCKETMQ_CLUSTER" -g "$group" -o false &
  else
    run deleteSubGroup -n "$ns" -c "$ROCKETMQ_CLUSTER" -g "$group" &
  fi
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
((failed == 0)) || die "could not $action topic $topic with groups $*"
log "topic $topic with groups $*: ${action}d"
