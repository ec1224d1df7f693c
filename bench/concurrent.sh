#!/usr/bin/env bash
# Peak memory under concurrent pushes: N (default 8) monolithic pushes of SIZE_MB (default 1024)
# at once into each registry, its peak RSS (VmHWM) and the wall time. Berth variants as in run.sh
# (BENCH_VARIANTS="name:command;..."), distribution 2.8.2 beside them. Not a test.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$HERE")" || exit 1
N=${N:-8}
SIZE_MB=${SIZE_MB:-1024}
BENCH_VARIANTS=${BENCH_VARIANTS:-"jvm:java -jar target/quarkus-app/quarkus-run.jar"}
TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/berth-concurrent.XXXXXX")
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listener_pid() { ss -Hltnp "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

log "generating $N blobs of $SIZE_MB MiB"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >"$TMP/blob"
for i in $(seq "$N"); do
  cp "$TMP/blob" "$TMP/blob.$i" && printf '%016d' "$i" | dd of="$TMP/blob.$i" bs=1 count=16 conv=notrunc status=none
  sha256sum "$TMP/blob.$i" | cut -d' ' -f1 >"$TMP/digest.$i"
done
rm "$TMP/blob"

run() { # name command-or-"dist"
  local name=$1 cmd=$2 port data pid t0 t1 codes
  port=$(free_port); data="$TMP/data-$port"; mkdir -p "$data"
  if [[ $cmd == dist ]]; then
    printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage:\n  filesystem: {rootdirectory: %s}\n  delete: {enabled: true}\n  maintenance: {uploadpurging: {enabled: false}}\nhttp: {addr: 127.0.0.1:%s}\n' "$data" "$port" >"$TMP/dist.yml"
    docker-registry serve "$TMP/dist.yml" >"$TMP/log-$port" 2>&1 &
  else
    env BERTH_STORAGE_FILESYSTEM_ROOT="$data" QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_LEVEL=WARN \
      bash -c "exec $cmd" >"$TMP/log-$port" 2>&1 &
  fi
  PIDS+=($!)
  for _ in $(seq 600); do [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/") == 200 ]] && break; sleep 0.1; done
  pid=$(listener_pid "$port")
  sleep 2
  local idle; idle=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  t0=$(date +%s.%N)
  local pushes=()
  for i in $(seq "$N"); do
    (loc=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$port/v2/c$i/blobs/uploads/" | awk -F': ' 'tolower($1)=="location"{print $2}' | tr -d '\r')
     case $loc in http*) ;; *) loc="http://127.0.0.1:$port$loc";; esac
     case $loc in *\?*) sep='&';; *) sep='?';; esac
     curl -s -o /dev/null -w '%{http_code}\n' -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' \
       -T "$TMP/blob.$i" "$loc${sep}digest=sha256:$(cat "$TMP/digest.$i")" >"$TMP/code.$port.$i") &
    pushes+=($!)
  done
  wait "${pushes[@]}"
  t1=$(date +%s.%N)
  codes=$(cat "$TMP"/code.$port.* | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
  local hwm; hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  printf '| %s | %.1f | %.1f | %.1f | %s|\n' "$name" "$(echo "$idle/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$codes"
  kill "$pid" 2>/dev/null; sleep 1; rm -rf "$data"
}

echo "$N concurrent monolithic pushes of $SIZE_MB MiB each ($(date -Iseconds), $(nproc) cores)"
echo
echo "| registry | idle RSS (MiB) | peak RSS (MiB) | wall (s) | HTTP statuses |"
echo "|---|---:|---:|---:|---|"
IFS=';' read -r -a variants <<<"$BENCH_VARIANTS"
for v in "${variants[@]}"; do run "Berth (${v%%:*})" "${v#*:}"; done
run "distribution 2.8.2" dist
