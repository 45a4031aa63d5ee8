#!/usr/bin/env bash
# Fetch (from Maven Central, via mvn), start and health-check Elasticsearch 8 and
# RocketMQ 5 (namesrv + proxy in local mode), and check PostgreSQL and Redis.
# Idempotent: engines that already answer are left alone.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

FETCH_ONLY=0
ONLY=""
while (($#)); do
  case "$1" in
    --fetch-only) FETCH_ONLY=1 ;;
    --only)
      ONLY="${2:-}"
      [[ "$ONLY" == rocketmq ]] || die "--only takes: rocketmq"
      shift
      ;;
    -h | --help) echo "usage: $0 [--fetch-only] [--only rocketmq]"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done
# --only rocketmq: RocketMQ alone (and the PostgreSQL/Redis check), e.g. a second broker that a test may kill
es_wanted() { [[ "$ONLY" != rocketmq ]]; }

MVN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
T_START=$SECONDS
PHASE_START=$SECONDS
phase() { PHASE_NAME="$1"; PHASE_START=$SECONDS; log "== $1"; }
phase_done() { log "   $PHASE_NAME: $((SECONDS - PHASE_START))s"; }

command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
command -v curl >/dev/null || die "curl not found"
command -v unzip >/dev/null || die "unzip not found (apt-get install unzip)"
[[ $EUID -eq 0 ]] || die "run as root: Elasticsearch is started as system user $ES_USER via runuser"
resolve_java
export ES_JAVA_HOME="$JAVA_HOME_INFRA"
[[ "$INFRA_TIMER_SLACK_NS" =~ ^[0-9]+$ ]] && ((10#$INFRA_TIMER_SLACK_NS <= 100000000)) ||
  die "INFRA_TIMER_SLACK_NS must be a whole number of nanoseconds from 0 to 100000000 (100 ms), got '$INFRA_TIMER_SLACK_NS'"
INFRA_TIMER_SLACK_NS=$((10#$INFRA_TIMER_SLACK_NS)) # leading zeros would read as octal below

# ---------------------------------------------------------------- already up?
rocketmq_resources_present() {
  local cfg="$RMQ_DATA/store/config"
  [[ -f "$cfg/topics.json" && -f "$cfg/subscriptionGroup.json" ]] || return 1
  local t g
  for t in "$ROCKETMQ_TOPIC" "$ROCKETMQ_FIFO_TOPIC"; do
    grep -q "\"$t\"" "$cfg/topics.json" || return 1
  done
  for g in "$ROCKETMQ_GROUP_HISTORY" "$ROCKETMQ_GROUP_OFFLINE" "$ROCKETMQ_GROUP_HISTORY_FIFO" "$ROCKETMQ_GROUP_OFFLINE_FIFO"; do
    grep -q "\"$g\"" "$cfg/subscriptionGroup.json" || return 1
  done
}

if ((!FETCH_ONLY)) && { ! es_wanted || es_healthy; } && pid_alive "$NAMESRV_PID" && pid_alive "$PROXY_PID" &&
  port_open "$ROCKETMQ_NAMESRV_PORT" && port_open "$ROCKETMQ_PROXY_PORT" &&
  rocketmq_resources_present && pg_ok && redis_ok; then
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config set notify-keyspace-events Ex >/dev/null
  log "already running and healthy (cache $INFRA_HOME)"
  echo "infra up: $(es_wanted && echo "ES http://127.0.0.1:$ES_PORT, ")RocketMQ gRPC 127.0.0.1:$ROCKETMQ_PROXY_PORT (namesrv 127.0.0.1:$ROCKETMQ_NAMESRV_PORT), PostgreSQL $PG_HOST:$PG_PORT, Redis $REDIS_HOST:$REDIS_PORT"
  exit 0
fi

mkdir -p "$DOWNLOAD_DIR" "$RUN_DIR" "$RMQ_CONF" "$RMQ_DATA" "$RMQ_LOGS"
log "cache: $INFRA_HOME, state: $INFRA_STATE, java: $JAVA_HOME_INFRA"

# A port that is taken by something that is not ours is a hard error.
check_port_free() {
  local port="$1" what="$2" owner
  owner="$(port_owner "$port")"
  [[ -z "$owner" ]] || die "port $port ($what) is already in use: $owner"
}

# ------------------------------------------------------------- PostgreSQL/Redis
phase "postgresql + redis"
if ((FETCH_ONLY)); then
  log "skipped (--fetch-only)"
elif ! pg_ok; then
  log "PostgreSQL not answering, starting it"
  pg_ver="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$pg_ver" ]] || die "no cluster under /etc/postgresql"
  pg_ctlcluster --skip-systemctl-redirect "$pg_ver" main start || true
  for _ in $(seq 1 30); do pg_ok && break; sleep 1; done
  pg_ok || die "PostgreSQL does not answer on $PG_HOST:$PG_PORT"
fi
if ((!FETCH_ONLY)) && ! redis_ok; then
  log "Redis not answering, starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_ok && break; sleep 1; done
  redis_ok || die "Redis does not answer on $REDIS_HOST:$REDIS_PORT"
fi
if ((!FETCH_ONLY)); then
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config set notify-keyspace-events Ex >/dev/null
  log "PostgreSQL $PG_HOST:$PG_PORT ok, Redis $REDIS_HOST:$REDIS_PORT ok (notify-keyspace-events Ex)"
fi
phase_done

# run_mvn <logfile> <mvn args...>: quiet unless it fails (honours MAVEN_OPTS,
# e.g. -Dmaven.repo.local=... to prove a fetch from an empty local repository).
run_mvn() {
  local logfile="$1"
  shift
  mkdir -p "$(dirname "$logfile")"
  if ! mvn -B -ntp -Dstyle.color=never "$@" >"$logfile" 2>&1 </dev/null; then
    tail -n 40 "$logfile" >&2
    die "mvn failed (full log: $logfile)"
  fi
}

# --------------------------------------------------------------- Elasticsearch
fetch_es() {
  local zip="$DOWNLOAD_DIR/elasticsearch-$ES_VERSION.zip"
  if [[ ! -s "$zip" ]]; then
    log "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
    run_mvn "$INFRA_HOME/logs/mvn-elasticsearch.log" "$MVN_DEP_PLUGIN:copy" \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      "-DoutputDirectory=$DOWNLOAD_DIR.tmp"
    mv "$DOWNLOAD_DIR.tmp/elasticsearch-$ES_VERSION.zip" "$zip"
    rmdir "$DOWNLOAD_DIR.tmp" 2>/dev/null || true
  fi
  if [[ ! -x "$ES_HOME/bin/elasticsearch" ]]; then
    log "unpacking $zip"
    rm -rf "$ES_HOME.tmp"
    mkdir -p "$ES_HOME.tmp"
    unzip -q "$zip" -d "$ES_HOME.tmp"
    chmod +x "$ES_HOME.tmp/elasticsearch-$ES_VERSION"/bin/*
    rm -rf "$ES_HOME"
    mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
    rmdir "$ES_HOME.tmp"
  fi
}

ensure_es_user() {
  if ! id -u "$ES_USER" >/dev/null 2>&1; then
    log "creating system user $ES_USER"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
  fi
  mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_RUN"
  chown -R "$ES_USER:" "$ES_HOME" "$ES_DATA" "$ES_LOGS" "$ES_RUN"
  # The ES user must be able to traverse every parent of the cache and state dirs
  # (root's home is 0700 on these machines): grant search (x) permission only.
  # Walk from / down to each dir so that each check sees its parents fixed.
  local d part top
  local -a parts
  for top in "$INFRA_HOME" "$INFRA_STATE"; do
    d=""
    IFS=/ read -r -a parts <<<"${top#/}"
    for part in "${parts[@]}"; do
      d="$d/$part"
      if ! runuser -u "$ES_USER" -- test -x "$d"; then
        log "granting $ES_USER traverse (x) permission on $d"
        if command -v setfacl >/dev/null; then setfacl -m "u:$ES_USER:x" "$d"; else chmod o+x "$d"; fi
      fi
    done
  done
  runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" || die "$ES_USER cannot run $ES_HOME/bin/elasticsearch"
}

write_es_config() {
  cat >"$ES_HOME/config/elasticsearch.yml" <<EOF
# generated by scripts/infra/up.sh
cluster.name: switchboard
node.name: switchboard-es
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
path.data: $ES_DATA
path.logs: $ES_LOGS
EOF
  chown "$ES_USER:" "$ES_HOME/config/elasticsearch.yml"
}

# Launch ES in the background (the launcher with -d returns once the node has
# started or failed), so RocketMQ can start meanwhile; wait_es collects it.
ES_LAUNCHER_PID=""
launch_es() {
  if es_healthy; then
    log "Elasticsearch already answers on 127.0.0.1:$ES_PORT"
    return 0
  fi
  if pid_alive "$ES_PID"; then
    log "Elasticsearch pid $(cat "$ES_PID") alive but not healthy yet; will wait"
    return 0
  fi
  check_port_free "$ES_PORT" "Elasticsearch HTTP"
  check_port_free "$ES_TRANSPORT_PORT" "Elasticsearch transport"
  rm -f "$ES_PID"
  log "starting Elasticsearch $ES_VERSION as $ES_USER (heap $ES_HEAP), in the background"
  with_timer_slack timeout "$ES_START_TIMEOUT" runuser -u "$ES_USER" -- env \
    ES_JAVA_HOME="$JAVA_HOME_INFRA" ES_PATH_CONF="$ES_HOME/config" \
    ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP -XX:-UsePerfData" \
    "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID" >"$ES_LOGS/launcher.out" 2>&1 &
  ES_LAUNCHER_PID=$!
}

es_fail() {
  log "$1"
  log "launcher output ($ES_LOGS/launcher.out):"
  tail -n 30 "$ES_LOGS/launcher.out" >&2 || true
  if [[ -f "$ES_LOG_FILE" ]]; then
    log "tail of $ES_LOG_FILE:"
    tail -n 60 "$ES_LOG_FILE" >&2
  fi
  exit 1
}

wait_es() {
  if [[ -n "$ES_LAUNCHER_PID" ]]; then
    wait "$ES_LAUNCHER_PID" || es_fail "Elasticsearch launcher failed (or took over ${ES_START_TIMEOUT}s)"
  fi
  local deadline=$((SECONDS + ES_START_TIMEOUT))
  until es_healthy; do
    if ((SECONDS >= deadline)); then es_fail "Elasticsearch not healthy within ${ES_START_TIMEOUT}s"; fi
    if ! pid_alive "$ES_PID"; then es_fail "Elasticsearch process is gone"; fi
    sleep 1
  done
  log "Elasticsearch healthy on http://127.0.0.1:$ES_PORT (pid $(cat "$ES_PID"))"
}


# -------------------------------------------------------------------- RocketMQ
fetch_rocketmq() {
  if [[ -f "$RMQ_LIB/.complete-$ROCKETMQ_VERSION" ]]; then return 0; fi
  log "fetching RocketMQ $ROCKETMQ_VERSION (namesrv, proxy, tools) with mvn"
  mkdir -p "$ROCKETMQ_HOME"
  cat >"$ROCKETMQ_HOME/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by scripts/infra/up.sh: only used to gather the RocketMQ jars -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>switchboard.infra</groupId>
  <artifactId>rocketmq-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>rocketmq-namesrv</artifactId><version>$ROCKETMQ_VERSION</version></dependency>
    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>rocketmq-proxy</artifactId><version>$ROCKETMQ_VERSION</version></dependency>
    <dependency><groupId>org.apache.rocketmq</groupId><artifactId>rocketmq-tools</artifactId><version>$ROCKETMQ_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "$RMQ_LIB"
  run_mvn "$INFRA_HOME/logs/mvn-rocketmq.log" -f "$ROCKETMQ_HOME/pom.xml" \
    "$MVN_DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime "-DoutputDirectory=$RMQ_LIB"
  [[ -f "$RMQ_LIB/rocketmq-proxy-$ROCKETMQ_VERSION.jar" ]] || die "rocketmq-proxy jar missing after mvn"
  touch "$RMQ_LIB/.complete-$ROCKETMQ_VERSION"
}

write_rocketmq_config() {
  mkdir -p "$RMQ_DATA/namesrv" "$RMQ_DATA/store" "$ROCKETMQ_HOME/conf"
  cat >"$RMQ_CONF/namesrv.properties" <<EOF
# generated by scripts/infra/up.sh
listenPort=$ROCKETMQ_NAMESRV_PORT
bindAddress=127.0.0.1
kvConfigPath=$RMQ_DATA/namesrv/kvConfig.json
configStorePath=$RMQ_DATA/namesrv/namesrv.properties
EOF
  cat >"$RMQ_CONF/broker.conf" <<EOF
# generated by scripts/infra/up.sh
brokerClusterName=$ROCKETMQ_CLUSTER
brokerName=$ROCKETMQ_BROKER_NAME
brokerId=0
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
namesrvAddr=127.0.0.1:$ROCKETMQ_NAMESRV_PORT
brokerIP1=127.0.0.1
listenPort=$ROCKETMQ_BROKER_PORT
bindAddress=127.0.0.1
storePathRootDir=$RMQ_DATA/store
storePathCommitLog=$RMQ_DATA/store/commitlog
autoCreateTopicEnable=false
autoCreateSubscriptionGroup=true
# 100 MB commit log files instead of 1 GB
mappedFileSizeCommitLog=104857600
# refuse writes only above 98 % disk use (default 90 %), clean old files above 97 %
diskSpaceWarningLevelRatio=98
diskSpaceCleanForciblyRatio=97
# The idle broker's costs (npm run bench:split-idle prints the busiest broker threads; Switchboard sends no delayed
# message, yet pop consumption needs the timer store): TimerFlushService compares the whole ~37 MB timer wheel byte by
# byte on every flush (~130 ms of CPU), so flush it every 60 s, not every 1 s (after a crash at most 60 s more timer log
# is replayed; pop revives stay at least once); one timer put and one get thread instead of three each, every one polls
# every 10 or 100 ms; one
# delay level instead of 18 scheduled every 100 ms each (a delay level from an outside producer would be clamped to 1 s)
timerFlushIntervalMs=60000
timerPutMessageThreadNum=1
timerGetMessageThreadNum=1
messageDelayLevel=1s
EOF
  # enableBatchAck: a consumer's AckMessage of many entries becomes one batch-ack record per queue in the broker, not one
  # ack record per message (the storage-worker acks up to 32 at once); measured with npm run bench:bus
  cat >"$RMQ_CONF/rmq-proxy.json" <<EOF
{
  "rocketMQClusterName": "$ROCKETMQ_CLUSTER",
  "proxyMode": "local",
  "namesrvAddr": "127.0.0.1:$ROCKETMQ_NAMESRV_PORT",
  "grpcServerPort": $ROCKETMQ_PROXY_PORT,
  "remotingListenPort": $ROCKETMQ_PROXY_REMOTING_PORT,
  "enableBatchAck": true
}
EOF
}

RMQ_JVM_OPTS=(
  -XX:+UseG1GC -XX:MaxDirectMemorySize=256m -XX:-OmitStackTraceInFastThrow
  # no hsperfdata sampler waking every 50 ms (jstat/jps cannot see these JVMs; jcmd still can)
  -XX:-UsePerfData
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  -Duser.home="$RMQ_LOGS"
  -Drocketmq.home.dir="$ROCKETMQ_HOME"
)

# with_timer_slack <command...>: sets this process's timer slack to INFRA_TIMER_SLACK_NS, then execs the command.
# Slack is inherited across fork and exec, so every thread the engine starts gets it. Meant to run as a background job
# (&): the job's pid, $!, is then the engine's own.
with_timer_slack() {
  if ((INFRA_TIMER_SLACK_NS)) && ! echo "$INFRA_TIMER_SLACK_NS" 2>/dev/null >/proc/self/timerslack_ns; then
    log "could not set the timer slack (no writable /proc/self/timerslack_ns); $1 keeps the kernel's default"
  fi
  exec "$@"
}

# start_jvm <name> <pidfile> <outfile> <heap> [-Dprops...] <main class> [args...]
# All RocketMQ jars share one lib dir, so each JVM names its logback config
# (otherwise the first one found, rmq.proxy.logback.xml, is used everywhere
# and namesrv writes no log at all).
start_jvm() {
  local name="$1" pidfile="$2" out="$3" heap="$4"
  shift 4
  log "starting $name (heap $heap)"
  with_timer_slack nohup "$JAVA_BIN" "-Xms$heap" "-Xmx$heap" "${RMQ_JVM_OPTS[@]}" -cp "$RMQ_LIB/*" "$@" \
    >"$out" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# wait_until <what> <timeout> <pidfile> <log> <command...>
wait_until() {
  local what="$1" timeout="$2" pidfile="$3" logfile="$4"
  shift 4
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)) || ! pid_alive "$pidfile"; then
      log "$what not ready within ${timeout}s (or its process died); tail of $logfile:"
      tail -n 60 "$logfile" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

start_namesrv() {
  if pid_alive "$NAMESRV_PID" && port_open "$ROCKETMQ_NAMESRV_PORT"; then
    log "namesrv already running (pid $(cat "$NAMESRV_PID"))"
    return 0
  fi
  check_port_free "$ROCKETMQ_NAMESRV_PORT" "RocketMQ namesrv"
  start_jvm namesrv "$NAMESRV_PID" "$NAMESRV_OUT" "$ROCKETMQ_NAMESRV_HEAP" \
    -Drmq.logback.configurationFile=rmq.namesrv.logback.xml \
    org.apache.rocketmq.namesrv.NamesrvStartup -c "$RMQ_CONF/namesrv.properties"
  wait_until "namesrv port $ROCKETMQ_NAMESRV_PORT" "$ROCKETMQ_START_TIMEOUT" "$NAMESRV_PID" "$NAMESRV_OUT" \
    port_open "$ROCKETMQ_NAMESRV_PORT"
  log "namesrv listening on 127.0.0.1:$ROCKETMQ_NAMESRV_PORT (pid $(cat "$NAMESRV_PID"))"
}

start_proxy() {
  if pid_alive "$PROXY_PID" && port_open "$ROCKETMQ_PROXY_PORT"; then
    log "proxy already running (pid $(cat "$PROXY_PID"))"
  else
    local p
    for p in "$ROCKETMQ_PROXY_PORT" "$ROCKETMQ_PROXY_REMOTING_PORT" "$ROCKETMQ_BROKER_PORT" \
      $((ROCKETMQ_BROKER_PORT - 2)) $((ROCKETMQ_BROKER_PORT + 1)); do
      check_port_free "$p" "RocketMQ proxy/broker"
    done
    start_jvm "proxy (local mode, broker in-process)" "$PROXY_PID" "$PROXY_OUT" "$ROCKETMQ_PROXY_HEAP" \
      -Drmq.logback.configurationFile=rmq.proxy.logback.xml \
      org.apache.rocketmq.proxy.ProxyStartup -pm local -n "127.0.0.1:$ROCKETMQ_NAMESRV_PORT" \
      -bc "$RMQ_CONF/broker.conf" -pc "$RMQ_CONF/rmq-proxy.json"
    wait_until "proxy gRPC port $ROCKETMQ_PROXY_PORT" "$ROCKETMQ_START_TIMEOUT" "$PROXY_PID" "$PROXY_OUT" \
      port_open "$ROCKETMQ_PROXY_PORT"
    log "proxy gRPC listening on 127.0.0.1:$ROCKETMQ_PROXY_PORT (pid $(cat "$PROXY_PID"))"
  fi
  wait_until "broker $ROCKETMQ_BROKER_NAME registration" "$ROCKETMQ_START_TIMEOUT" "$PROXY_PID" \
    "$RMQ_LOGS/logs/rocketmqlogs/broker.log" broker_registered
  log "broker $ROCKETMQ_BROKER_NAME registered in $ROCKETMQ_CLUSTER"
}

phase "fetch (mvn) + unpack"
if es_wanted; then fetch_es; fi
fetch_rocketmq
phase_done
if ((FETCH_ONLY)); then
  log "fetch only: engines are in $INFRA_HOME"
  exit 0
fi
if es_wanted; then
  ensure_es_user
  write_es_config
fi
write_rocketmq_config

phase "start rocketmq (elasticsearch starting in parallel)"
if es_wanted; then launch_es; fi
start_namesrv
start_proxy
phase_done

# ------------------------------------------------------ topics / consumer groups
# mqadmin exits 0 even when a command fails, so success is read from its output.
# Each mqadmin JVM takes ~4 s (mostly client shutdown), so missing resources are
# created in parallel.
resource_exists() { # <topics.json|subscriptionGroup.json> <name>
  [[ -f "$RMQ_DATA/store/config/$1" ]] && grep -q "\"$2\"" "$RMQ_DATA/store/config/$1"
}

ADMIN_JOBS=()
admin_job() { # <label> <mqadmin args...>
  local label="$1" out="$RMQ_LOGS/mqadmin-$1.out"
  shift
  log "creating $label"
  mqadmin "$@" >"$out" 2>&1 &
  ADMIN_JOBS+=("$!:$label")
}

phase "rocketmq topics + groups"
NS="127.0.0.1:$ROCKETMQ_NAMESRV_PORT"
for spec in "$ROCKETMQ_TOPIC:NORMAL" "$ROCKETMQ_FIFO_TOPIC:FIFO"; do
  t="${spec%:*}" type="${spec##*:}"
  if resource_exists topics.json "$t"; then log "topic $t exists"; continue; fi
  admin_job "topic-$t" updateTopic -n "$NS" -c "$ROCKETMQ_CLUSTER" -t "$t" -r 4 -w 4 -a "+message.type=$type"
done
for spec in "$ROCKETMQ_GROUP_HISTORY:false" "$ROCKETMQ_GROUP_OFFLINE:false" \
  "$ROCKETMQ_GROUP_HISTORY_FIFO:true" "$ROCKETMQ_GROUP_OFFLINE_FIFO:true"; do
  g="${spec%:*}" orderly="${spec##*:}"
  if resource_exists subscriptionGroup.json "$g"; then log "consumer group $g exists"; continue; fi
  admin_job "group-$g" updateSubGroup -n "$NS" -c "$ROCKETMQ_CLUSTER" -g "$g" -o "$orderly"
done
admin_failed=0
for job in "${ADMIN_JOBS[@]}"; do
  pid="${job%%:*}" label="${job#*:}"
  wait "$pid" || true
  if grep -q ' success\.' "$RMQ_LOGS/mqadmin-$label.out"; then
    log "created $label"
  else
    log "FAILED to create $label:"
    tail -n 20 "$RMQ_LOGS/mqadmin-$label.out" >&2
    admin_failed=1
  fi
done
((admin_failed == 0)) || die "could not create RocketMQ topics/groups"
phase_done

if es_wanted; then
  phase "elasticsearch wait"
  wait_es
  phase_done
fi

log "total: $((SECONDS - T_START))s"
echo "infra up: $(es_wanted && echo "ES http://127.0.0.1:$ES_PORT, ")RocketMQ gRPC 127.0.0.1:$ROCKETMQ_PROXY_PORT (namesrv 127.0.0.1:$ROCKETMQ_NAMESRV_PORT), PostgreSQL $PG_HOST:$PG_PORT, Redis $REDIS_HOST:$REDIS_PORT"
