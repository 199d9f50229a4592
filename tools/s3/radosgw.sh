#!/usr/bin/env bash
# A single-node Ceph RADOS Gateway on loopback: a real S3 server for the tests.
#
#   tools/s3/radosgw.sh start    # start (or reuse) it, print the S3 env to stdout
#   tools/s3/radosgw.sh stop     # stop it and remove its state
#   tools/s3/radosgw.sh status   # exit 0 if it is running and answering
#   tools/s3/radosgw.sh env      # print the S3 env file
#
# Environment: RADOSGW_DIR (default $REPO/.stack/radosgw), RADOSGW_PORT (7480),
# RADOSGW_MON_PORT (3300), RADOSGW_MEMSTORE_BYTES (4 GiB), S3_ACCESS_KEY, S3_SECRET_KEY.
# Why radosgw and the settings below: see shared/reference/s3-test-server.md.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Absolute: the daemons chdir to / when they detach.
DIR="$(realpath -m "${RADOSGW_DIR:-$REPO/.stack/radosgw}")"
PORT="${RADOSGW_PORT:-7480}"
MON_PORT="${RADOSGW_MON_PORT:-3300}"
MEMSTORE_BYTES="${RADOSGW_MEMSTORE_BYTES:-$((4 * 1024 * 1024 * 1024))}"
ACCESS_KEY="${S3_ACCESS_KEY:-kubemq-s3-test}"
SECRET_KEY="${S3_SECRET_KEY:-kubemq-s3-test-secret}"
REGION="us-east-1"
ENDPOINT="http://127.0.0.1:$PORT"
CONF="$DIR/ceph.conf"
ENV_FILE="$DIR/s3.env"
DAEMONS=(mon.a osd.0 client.rgw.a)

log() { printf '[radosgw] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

pid_of() { # daemon name -> pid from the pid file ceph wrote, or nothing
  local f="$DIR/run/$1.pid"
  [[ -s $f ]] && tr -dc '0-9' <"$f" || true
}

alive() { # pid -> whether it is one of our ceph daemons (guards against pid reuse)
  local pid="$1"
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$CONF"
}

ceph_cli() { timeout 30 ceph -c "$CONF" "$@"; }

http_answers() { # an unsigned GET / answers S3 XML (anonymous ListBuckets)
  curl -fsS --max-time 2 "$ENDPOINT/" 2>/dev/null | grep -q '<ListAllMyBucketsResult'
}

# S3 refuses a SigV4 request without x-amz-content-sha256, which curl 7.88 does not add itself.
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

signed_list_buckets() {
  curl -fsS --max-time 5 --aws-sigv4 "aws:amz:$REGION:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: $EMPTY_SHA256" "$ENDPOINT/" 2>/dev/null |
    grep -q '<ListAllMyBucketsResult'
}

# Memstore's accounting can end up "full" after hours of runs with large objects (seen on
# 2026-12-07: "full status failsafe engaged, dropping updates, now -2147483648% full"); radosgw
# then stops answering writes. Such a server is not "running": start begins afresh.
osd_full() {
  timeout 10 ceph -c "$CONF" health 2>/dev/null | grep -qi 'full'
}

is_running() {
  [[ -f $CONF ]] || return 1
  local d
  for d in "${DAEMONS[@]}"; do alive "$(pid_of "$d")" || return 1; done
  http_answers || return 1
  if osd_full; then
    log "the OSD is full: radosgw no longer stores writes"
    return 1
  fi
}

print_logs() {
  local f
  for f in "$DIR"/log/*.log; do
    [[ -f $f ]] || continue
    printf '\n===== tail -n 40 %s =====\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

kill_daemons() {
  # SIGKILL, not SIGTERM: the state is thrown away anyway, and a memstore OSD shutting down
  # cleanly first writes everything it holds in RAM to disk (seconds, and disk space).
  local d pid pids=()
  for d in "${DAEMONS[@]}"; do
    pid="$(pid_of "$d")"
    if alive "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for pid in "${pids[@]}"; do
    local deadline=$((SECONDS + 10))
    # A zombie counts as gone: where pid 1 does not reap orphans it would stay forever.
    while kill -0 "$pid" 2>/dev/null &&
      [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]; do
      ((SECONDS < deadline)) || die "pid $pid did not exit after SIGKILL"
      sleep 0.05
    done
  done
  return 0
}

cmd_stop() {
  kill_daemons
  # Only remove a directory this script made (it holds our ceph.conf).
  if [[ -d $DIR ]]; then
    if [[ -f $CONF ]] || [[ -z "$(ls -A "$DIR")" ]]; then
      rm -rf "$DIR"
    else
      die "$DIR does not look like a radosgw state directory; not removing it"
    fi
  fi
  log "stopped"
}

wait_for() { # seconds description command...
  local secs="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < deadline)) || die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

ensure_packages() {
  command -v radosgw >/dev/null && command -v ceph-mon >/dev/null &&
    command -v ceph-osd >/dev/null && return 0
  log "installing ceph-mon ceph-osd radosgw with apt-get"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get update >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends \
    ceph-mon ceph-osd radosgw >&2
}

check_memory() {
  local avail_kb
  avail_kb="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
  # memstore allocates as objects are written, so the device size is a ceiling, not a reservation.
  if ((avail_kb * 1024 < MEMSTORE_BYTES)); then
    log "warning: memstore may grow to $((MEMSTORE_BYTES >> 20)) MiB but only" \
      "$((avail_kb >> 10)) MiB is available; set RADOSGW_MEMSTORE_BYTES lower if tests run out"
  fi
  ((avail_kb > 512 * 1024)) || die "less than 512 MiB of memory available"
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_conf() {
  cat >"$CONF" <<EOF
[global]
fsid = $1
mon_host = v2:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
keyring = /dev/null
run_dir = $DIR/run
admin_socket = $DIR/run/\$cluster-\$name.asok
log_file = $DIR/log/\$name.log
log_to_stderr = false
err_to_stderr = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_max_pg_per_osd = 2000
osd_max_object_name_len = 460
osd_max_object_namespace_len = 64

[mon]
mon_data = $DIR/mon/\$cluster-\$id
pid_file = $DIR/run/\$name.pid
mon_data_avail_warn = 1
mon_data_avail_crit = 0
# A single mon has no peers to batch for: propose map changes at once (each rgw pool is one).
paxos_propose_interval = 0.05
paxos_min_wait = 0.01

[osd]
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES
osd_data = $DIR/osd/\$cluster-\$id
pid_file = $DIR/run/\$name.pid

[client]
# Without it radosgw (and radosgw-admin) loop on "get_initial_auth_request returned -13".
ms_mon_client_mode = crc secure

[client.rgw.a]
# tcp_nodelay: beast writes a GET's headers and body separately; with Nagle on, the body waits
# for the client's delayed ACK (40 ms) on every keep-alive request (GET 1 KiB: 48 ms -> 2.4 ms).
rgw_frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw_data = $DIR/rgw/\$cluster-\$id
pid_file = $DIR/run/\$name.pid
# AWS limits: 5 GiB single PUT, 5 MiB minimum part, 10000 parts, 1000 keys per DeleteObjects.
rgw_max_put_size = 5368709120
rgw_multipart_min_part_size = 5242880
rgw_multipart_part_upload_limit = 10000
rgw_delete_multi_obj_max_num = 1000
# Deleted data lives in RAM until garbage collection: collect within a minute, not hours,
# so repeated 100 MiB test runs do not fill the memstore.
rgw_gc_obj_min_wait = 30
rgw_gc_processor_period = 30
rgw_gc_processor_max_time = 30
# Path-style addressing only (no rgw_dns_name), like the tests' forcePathStyle.
rgw_enable_usage_log = false
debug_rgw = 1
EOF
}

cmd_start() {
  if is_running; then
    log "already running at $ENDPOINT"
    cat "$ENV_FILE"
    return 0
  fi
  if [[ -e $DIR ]]; then
    log "found a stale $DIR; cleaning it up"
    cmd_stop
  fi
  ensure_packages
  check_memory
  port_free "$PORT" || die "port $PORT is in use (set RADOSGW_PORT)"
  port_free "$MON_PORT" || die "port $MON_PORT is in use (set RADOSGW_MON_PORT)"

  local t0=$SECONDS
  mkdir -p "$DIR"/{run,log,mon/ceph-a,osd/ceph-0,rgw/ceph-rgw.a}
  # Keep the daemons on failure only when asked to, for debugging.
  trap 'log "start failed"; print_logs; [[ -n ${RADOSGW_KEEP_ON_FAILURE:-} ]] || kill_daemons' EXIT

  write_conf "$(cat /proc/sys/kernel/random/uuid)"
  local fsid
  fsid="$(awk '$1 == "fsid" {print $3}' "$CONF")"

  log "starting mon.a on 127.0.0.1:$MON_PORT"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap"
  ceph-mon -c "$CONF" -i a
  mon_up() { ceph_cli mon stat >/dev/null 2>&1; }
  wait_for 60 "the monitor" mon_up

  log "starting osd.0 (memstore, $((MEMSTORE_BYTES >> 20)) MiB)"
  local osd_uuid osd_id
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  osd_id="$(ceph_cli osd new "$osd_uuid")"
  [[ $osd_id == 0 ]] || die "expected osd id 0, got '$osd_id'"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >&2
  ceph-osd -c "$CONF" -i 0
  osd_up() { ceph_cli osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
  wait_for 60 "osd.0 to be up" osd_up

  log "starting radosgw on $ENDPOINT"
  radosgw -c "$CONF" -n client.rgw.a
  wait_for 120 "radosgw to answer HTTP" http_answers

  log "creating S3 user $ACCESS_KEY"
  radosgw-admin -c "$CONF" user create --uid=test --display-name=Test \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  wait_for 30 "a signed ListBuckets to succeed" signed_list_buckets

  cat >"$ENV_FILE" <<EOF
S3_ENDPOINT=$ENDPOINT
S3_ACCESS_KEY=$ACCESS_KEY
S3_SECRET_KEY=$SECRET_KEY
S3_REGION=$REGION
EOF
  trap - EXIT
  log "ready in $((SECONDS - t0))s at $ENDPOINT (state in $DIR)"
  cat "$ENV_FILE"
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "no $ENV_FILE: run tools/s3/radosgw.sh start"
  cat "$ENV_FILE"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status)
  if is_running; then
    log "running at $ENDPOINT"
  else
    log "not running"
    exit 1
  fi
  ;;
env) cmd_env ;;
*)
  echo "usage: $0 start|stop|status|env" >&2
  exit 2
  ;;
esac
