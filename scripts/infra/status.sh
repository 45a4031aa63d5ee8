#!/usr/bin/env bash
# Print whether each engine answers; exit 0 only if all of them do.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"
resolve_java

failed=0
report() { # <name> <ok?> <detail>
  if [[ "$2" == 0 ]]; then
    printf '  %-22s up    %s\n' "$1" "$3"
  else
    printf '  %-22s DOWN  %s\n' "$1" "$3"
    failed=1
  fi
}
check() { # <name> <detail> <command...>
  local name="$1" detail="$2"
  shift 2
  if "$@"; then report "$name" 0 "$detail"; else report "$name" 1 "$detail"; fi
}
pid_of() { if pid_alive "$1"; then echo "pid $(cat "$1")"; else echo "no live pid"; fi; }

echo "switchboard infra status (cache $INFRA_HOME)"
check "Elasticsearch" "http://127.0.0.1:$ES_PORT ($(pid_of "$ES_PID"))" es_healthy
check "RocketMQ namesrv" "127.0.0.1:$ROCKETMQ_NAMESRV_PORT ($(pid_of "$NAMESRV_PID"))" port_open "$ROCKETMQ_NAMESRV_PORT"
check "RocketMQ proxy (gRPC)" "127.0.0.1:$ROCKETMQ_PROXY_PORT ($(pid_of "$PROXY_PID"))" port_open "$ROCKETMQ_PROXY_PORT"
if port_open "$ROCKETMQ_NAMESRV_PORT"; then
  check "RocketMQ broker" "$ROCKETMQ_CLUSTER/$ROCKETMQ_BROKER_NAME registered" broker_registered
else
  report "RocketMQ broker" 1 "namesrv down"
fi
check "PostgreSQL" "$PG_HOST:$PG_PORT" pg_ok
check "Redis" "$REDIS_HOST:$REDIS_PORT" redis_ok
exit "$failed"
