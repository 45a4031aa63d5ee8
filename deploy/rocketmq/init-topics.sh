#!/usr/bin/env bash
# One-shot `rmqinit` service of docker-compose.yml: creates the topic and consumer groups Switchboard needs on the
# `rmqbroker` service. Safe to run again (updateTopic / updateSubGroup create or update). Mirrors scripts/infra/up.sh.
set -uo pipefail

NAMESRV="${NAMESRV_ADDR:-rmqnamesrv:9876}"
CLUSTER="${ROCKETMQ_CLUSTER:-DefaultCluster}"
BROKER="${ROCKETMQ_BROKER_NAME:-broker-a}"
TOPIC="${ROCKETMQ_TOPIC:-switchboard-messages}"
CONSUMER_GROUPS="${ROCKETMQ_GROUPS:-switchboard-history switchboard-offline}"
WAIT_SECONDS="${ROCKETMQ_INIT_TIMEOUT:-180}"
MQADMIN="sh ${ROCKETMQ_HOME}/bin/mqadmin"

log() { printf '[rmqinit %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# The broker registers with the name server 0-17 s after the proxy's gRPC port opens, and updateTopic -c needs it.
deadline=$((SECONDS + WAIT_SECONDS))
until $MQADMIN clusterList -n "$NAMESRV" 2>/dev/null | grep -Eq "^${CLUSTER}[[:space:]]+${BROKER}[[:space:]]"; do
  if ((SECONDS >= deadline)); then
    log "broker ${BROKER} did not register in ${CLUSTER} at ${NAMESRV} within ${WAIT_SECONDS}s"
    exit 1
  fi
  log "waiting for broker ${BROKER} to register at ${NAMESRV}"
  sleep 3
done
log "broker ${BROKER} is registered in ${CLUSTER}"

# mqadmin exits 0 even when a command fails, so success is read from its output.
admin() { # <label> <mqadmin args...>
  local label="$1" out
  shift
  out="$($MQADMIN "$@" 2>&1)"
  if grep -q ' success\.' <<<"$out"; then
    log "created ${label}"
  else
    log "FAILED to create ${label}:"
    printf '%s\n' "$out" | tail -n 20 >&2
    return 1
  fi
}

failed=0
admin "topic ${TOPIC} (NORMAL)" updateTopic -n "$NAMESRV" -c "$CLUSTER" -t "$TOPIC" -r 4 -w 4 -a +message.type=NORMAL || failed=1
for group in $CONSUMER_GROUPS; do
  admin "consumer group ${group}" updateSubGroup -n "$NAMESRV" -c "$CLUSTER" -g "$group" -o false || failed=1
done
((failed == 0)) || exit 1
log "done"
