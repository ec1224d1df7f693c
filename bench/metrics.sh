#!/usr/bin/env bash
# Manifest GET req/s of Berth with its metrics on and off, in the same run: two Berths side by
# side (BERTH_METRICS_ENABLED=true / false), the same small image in each, then wrk on each in
# turns (on, off, on, off, ...) so machine noise falls on both. Prints the median req/s and server
# CPU time per request of each, their ratios and the overhead. Not a test; see bench/README.md. Needs curl, wrk, sha256sum.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$HERE")" || exit 1

ROUNDS=${ROUNDS:-5}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
WRK_WARMUP=${WRK_WARMUP:-20s}
BENCH_BERTH_CMD=${BENCH_BERTH_CMD:-java -jar target/quarkus-app/quarkus-run.jar}
ACCEPT='application/vnd.oci.image.manifest.v1+json'
for tool in curl wrk sha256sum; do command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-metrics-bench.XXXXXX")
# start runs in a $(...) subshell: the servers' PIDs go to files, which cleanup reads.
cleanup() { local p; for f in "$TMP"/*.pid; do [[ -f $f ]] && p=$(cat "$f") && kill "$p" 2>/dev/null; done; sleep 1; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() { # name enabled -> prints the port
  local port; port=$(free_port)
  mkdir -p "$TMP/data-$1"
  BERTH_METRICS_ENABLED=$2 BERTH_STORAGE_FILESYSTEM_ROOT="$TMP/data-$1" QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_LOG_LEVEL=WARN bash -c "exec $BENCH_BERTH_CMD" >"$TMP/$1.log" 2>&1 &
  echo $! >"$TMP/$1.pid"
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && { echo "$port"; return 0; }
    sleep 0.5
  done
  echo "Berth ($1) did not start:" >&2; cat "$TMP/$1.log" >&2; return 1
}

push() { # port: a config, a layer and a manifest tagged v1
  local base=http://127.0.0.1:$1/v2/bench/app f d
  printf '{"architecture":"amd64","os":"linux"}' >"$TMP/config"
  head -c 4096 /dev/urandom >"$TMP/layer"
  for f in config layer; do
    d=sha256:$(sha256sum "$TMP/$f" | cut -d' ' -f1)
    curl -sf -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$TMP/$f" "$base/blobs/uploads/?digest=$d" >/dev/null || return 1
  done
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":4096}]}' \
    "$ACCEPT" "$(sha256sum "$TMP/config" | cut -d' ' -f1)" "$(stat -c %s "$TMP/config")" "$(sha256sum "$TMP/layer" | cut -d' ' -f1)" >"$TMP/manifest"
  curl -sf -X PUT -H "Content-Type: $ACCEPT" --data-binary "@$TMP/manifest" "$base/manifests/v1" >/dev/null
}

ticks() { awk '{print $14 + $15}' "/proc/$(cat "$TMP/$1.pid")/stat"; } # CPU time of a server, in clock ticks

rps() { # name port [duration] -> "req/s CPU-µs-per-request"
  local before out; before=$(ticks "$1")
  out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${3:-$WRK_DURATION}" -H "Accept: $ACCEPT" \
    "http://127.0.0.1:$2/v2/bench/app/manifests/v1")
  echo "$out" | awk -v t="$(( $(ticks "$1") - before ))" -v hz="$(getconf CLK_TCK)" \
    '/Non-2xx/ {bad=1} / requests in / {n=$1} /^Requests\/sec/ {r=$2} END {if (bad || !n) print "error error"; else printf "%s %.1f\n", r, t * 1e6 / hz / n}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

ON=$(start on true) || exit 1
OFF=$(start off false) || exit 1
push "$ON" && push "$OFF" || { echo "push failed" >&2; exit 1; }
curl -sf "http://127.0.0.1:$ON/q/metrics" | grep -q '^berth_http_requests_seconds_count' || { echo "metrics on: no berth_ series" >&2; exit 1; }
curl -sf "http://127.0.0.1:$OFF/q/metrics" | grep -q 'berth_' && { echo "metrics off: berth_ series present" >&2; exit 1; }
echo "[$(date +%T)] warm-up $WRK_WARMUP each; then $ROUNDS rounds of wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION" >&2
rps on "$ON" "$WRK_WARMUP" >/dev/null; rps off "$OFF" "$WRK_WARMUP" >/dev/null
: >"$TMP/on"; : >"$TMP/off"
for i in $(seq 1 "$ROUNDS"); do
  # alternate who goes first, so neither always runs on a machine the other just heated
  if (( i % 2 )); then a=on; b=off; else a=off; b=on; fi
  for v in $a $b; do
    port=$ON; [[ $v == off ]] && port=$OFF
    r=$(rps "$v" "$port"); echo "$r" >>"$TMP/$v"; echo "[$(date +%T)] round $i metrics $v: ${r% *} req/s, ${r#* } µs CPU per request" >&2
  done
done
grep -q error "$TMP/on" "$TMP/off" && { echo "non-2xx responses" >&2; exit 1; }
on=$(cut -d' ' -f1 "$TMP/on" | median); off=$(cut -d' ' -f1 "$TMP/off" | median)
con=$(cut -d' ' -f2 "$TMP/on" | median); coff=$(cut -d' ' -f2 "$TMP/off" | median)
# CPU time per request is the steadier number on a shared machine: another process's load lowers
# both servers' req/s by chance, but hardly what one request costs the server that answers it.
awk -v on="$on" -v off="$off" -v con="$con" -v coff="$coff" -v n="$ROUNDS" 'BEGIN {
  printf "| Manifest GET, median of %d rounds | metrics on | metrics off | on / off | overhead |\n|---|---:|---:|---:|---:|\n", n
  printf "| req/s | %.0f | %.0f | %.3f | %.1f %% |\n", on, off, on / off, (1 - on / off) * 100
  printf "| server CPU per request (µs) | %.1f | %.1f | %.3f | %.1f %% |\n", con, coff, con / coff, (con / coff - 1) * 100 }'
