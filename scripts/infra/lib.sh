# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared settings and helpers for up.sh / down.sh / status.sh. Sourced, not run.

INFRA_HOME="${SWITCHBOARD_INFRA_HOME:-$HOME/.cache/switchboard-infra}"
# Config, data, logs and pid files. A second set of engines beside the first (a test that kills its own broker) needs
# only its own state dir and ports; the downloads and unpacked engines in INFRA_HOME are shared.
INFRA_STATE="${SWITCHBOARD_INFRA_STATE:-$INFRA_HOME}"

ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-9200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-9300}"
ES_HEAP="${ES_HEAP:-512m}"
ES_USER="${ES_USER:-switchboard-es}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"

ROCKETMQ_VERSION="${ROCKETMQ_VERSION:-5.3.3}"
ROCKETMQ_NAMESRV_PORT="${ROCKETMQ_NAMESRV_PORT:-9876}"
ROCKETMQ_PROXY_PORT="${ROCKETMQ_PROXY_PORT:-8081}"
ROCKETMQ_PROXY_REMOTING_PORT="${ROCKETMQ_PROXY_REMOTING_PORT:-8082}"
ROCKETMQ_BROKER_PORT="${ROCKETMQ_BROKER_PORT:-10911}"
ROCKETMQ_CLUSTER="${ROCKETMQ_CLUSTER:-DefaultCluster}"
ROCKETMQ_BROKER_NAME="${ROCKETMQ_BROKER_NAME:-broker-a}"
ROCKETMQ_NAMESRV_HEAP="${ROCKETMQ_NAMESRV_HEAP:-256m}"
ROCKETMQ_PROXY_HEAP="${ROCKETMQ_PROXY_HEAP:-512m}"
ROCKETMQ_START_TIMEOUT="${ROCKETMQ_START_TIMEOUT:-120}"
# Linux timer slack, in ns, for the engine JVMs: how late the kernel may fire a sleep that expires on its own, so that
# the brokers' fixed-interval loops (the commit-log reput sleeps 1 ms) coalesce their wake-ups. A socket that becomes
# readable still wakes a thread at once. 0 keeps the kernel's default (50 µs). See docs/architecture.md §10.
INFRA_TIMER_SLACK_NS="${INFRA_TIMER_SLACK_NS:-20000000}"

ROCKETMQ_TOPIC="${ROCKETMQ_TOPIC:-switchboard-messages}"
ROCKETMQ_FIFO_TOPIC="${ROCKETMQ_FIFO_TOPIC:-switchboard-messages-fifo}"
ROCKETMQ_GROUP_HISTORY="${ROCKETMQ_GROUP_HISTORY:-switchboard-history}"
ROCKETMQ_GROUP_OFFLINE="${ROCKETMQ_GROUP_OFFLINE:-switchboard-offline}"
ROCKETMQ_GROUP_HISTORY_FIFO="${ROCKETMQ_GROUP_HISTORY_FIFO:-${ROCKETMQ_GROUP_HISTORY}-fifo}"
ROCKETMQ_GROUP_OFFLINE_FIFO="${ROCKETMQ_GROUP_OFFLINE_FIFO:-${ROCKETMQ_GROUP_OFFLINE}-fifo}"

PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

# Layout of the cache dir.
DOWNLOAD_DIR="$INFRA_HOME/downloads"
ES_HOME="$INFRA_HOME/elasticsearch-$ES_VERSION"
ES_DATA="$INFRA_STATE/data/elasticsearch"
ES_LOGS="$INFRA_STATE/logs/elasticsearch"
ES_RUN="$INFRA_STATE/run/elasticsearch"
ES_PID="$ES_RUN/es.pid"
ES_LOG_FILE="$ES_LOGS/switchboard.log"
ROCKETMQ_HOME="$INFRA_HOME/rocketmq-$ROCKETMQ_VERSION"
RMQ_LIB="$ROCKETMQ_HOME/lib"
RMQ_CONF="$INFRA_STATE/conf/rocketmq"
RMQ_DATA="$INFRA_STATE/data/rocketmq"
RMQ_LOGS="$INFRA_STATE/logs/rocketmq"
RUN_DIR="$INFRA_STATE/run"
NAMESRV_PID="$RUN_DIR/namesrv.pid"
PROXY_PID="$RUN_DIR/proxy.pid"
NAMESRV_OUT="$RMQ_LOGS/namesrv.out"
PROXY_OUT="$RMQ_LOGS/proxy.out"
export ROCKETMQ_HOME

log() { printf '[infra %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# Pick a Java 17 home (ES 8 and RocketMQ 5 both run on it).
resolve_java() {
  if [[ -n "${SWITCHBOARD_JAVA_HOME:-}" ]]; then
    JAVA_HOME_INFRA="$SWITCHBOARD_JAVA_HOME"
  elif [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
    JAVA_HOME_INFRA=/usr/lib/jvm/java-17-openjdk-amd64
  else
    local java_bin
    java_bin="$(command -v java)" || die "no java on PATH; install openjdk-17-jdk-headless"
    java_bin="$(readlink -f "$java_bin")"
    JAVA_HOME_INFRA="${java_bin%/bin/java}"
  fi
  JAVA_BIN="$JAVA_HOME_INFRA/bin/java"
  [[ -x "$JAVA_BIN" ]] || die "java not found at $JAVA_BIN"
}

# true if the pid in file $1 is a live process
pid_alive() {
  local f="$1" pid
  [[ -s "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# prints the listener pid (if any) of a TCP port, empty if free
port_owner() { ss -Hltnp "sport = :$1" 2>/dev/null | head -n1; }

es_healthy() {
  local body
  body="$(curl -fsS --max-time 3 "http://127.0.0.1:$ES_PORT/_cluster/health" 2>/dev/null)" || return 1
  [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]
}

mqadmin() {
  "$JAVA_BIN" -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Duser.home="$RMQ_LOGS" -Drmq.logback.configurationFile=rmq.tools.logback.xml \
    -cp "$RMQ_LIB/*" org.apache.rocketmq.tools.command.MQAdminStartup "$@"
}

broker_registered() {
  [[ -d "$RMQ_LIB" ]] || return 1
  mqadmin clusterList -n "127.0.0.1:$ROCKETMQ_NAMESRV_PORT" 2>/dev/null |
    grep -Eq "^${ROCKETMQ_CLUSTER}[[:space:]]+${ROCKETMQ_BROKER_NAME}[[:space:]]"
}

pg_ok() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
  else
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d test -tAc 'select 1' >/dev/null 2>&1
  fi
}

redis_ok() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
