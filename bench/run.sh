#!/usr/bin/env bash
# Berth vs CNCF distribution 2.8.2: a side-by-side benchmark on one machine. Not a test.
# See bench/README.md. Needs: curl (>= 7.84), wrk, jq, awk, ss (iproute2), coreutils, docker-registry.
#
# Berth is NOT built by this script: by default it runs target/quarkus-app/quarkus-run.jar
# (build it with `mvn -B package -DskipTests`). BENCH_BERTH_CMD replaces the command that starts Berth;
# BENCH_VARIANTS runs several Berths side by side: "name:command;name:command" (split at ';',
# name before the first ':'), e.g.
#   BENCH_VARIANTS="jvm:java -jar target/quarkus-app/quarkus-run.jar;native:target/berth-runner"
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT" || exit 1

SIZE_MB=${SIZE_MB:-1024}
CHUNK_MB=${CHUNK_MB:-64 5}          # chunked pushes, one row per PATCH size (MiB)
BENCH_AUTH=${BENCH_AUTH:-1}           # 1: HTTP Basic (bcrypt htpasswd) on every registry
CONC_CLIENTS=${CONC_CLIENTS:-32}      # concurrent pulls ...
CONC_BLOBS=${CONC_BLOBS:-8}           # ... spread over this many distinct blobs ...
CONC_MB=${CONC_MB:-64}                # ... of this many MiB
RUNS=${RUNS:-3}
WRK_DURATION=${WRK_DURATION:-20s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
WRK_WARMUP=${WRK_WARMUP:-5s}          # an unmeasured wrk run before each measured one; 0 = none
WARMUP_MB=${WARMUP_MB:-64}            # an unmeasured push+pull of this many MiB first; 0 = none
TAG_COUNT=${TAG_COUNT:-100}
SETTLE_S=${SETTLE_S:-5}               # seconds between startup and the idle RSS reading
START_TIMEOUT_S=${START_TIMEOUT_S:-120}
DIST_CMD=${DIST_CMD:-docker-registry}
DIST_CACHE=${DIST_CACHE:-}            # e.g. "inmemory": distribution's blobdescriptor cache
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
KEEP_TMP=${KEEP_TMP:-0}
OUT_DIR=${OUT_DIR:-$HERE/out}
DEFAULT_JAR=target/quarkus-app/quarkus-run.jar
ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'

. "$HERE/lib/common.sh"
. "$HERE/lib/servers.sh"
. "$HERE/lib/ops.sh"
. "$HERE/lib/report.sh"

for tool in curl wrk jq awk ss sha256sum python3 nginx htpasswd base64 xargs; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
command -v "${DIST_CMD%% *}" >/dev/null || die "missing $DIST_CMD (apt-get install docker-registry)"
[[ $SIZE_MB =~ ^[0-9]+$ && $SIZE_MB -gt 0 ]] || die "SIZE_MB must be a positive integer"
for c in $CHUNK_MB; do [[ $c =~ ^[0-9]+$ && $c -gt 0 ]] || die "CHUNK_MB must be positive integers"; done
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "RUNS must be a positive integer"

# ---- registries: index 0..n-2 are Berth variants, the last one is distribution ----
NAMES=() KINDS=() CMDS=()
add_berth() { NAMES+=("$1"); KINDS+=(berth); CMDS+=("$2"); }
if [[ -n ${BENCH_VARIANTS:-} ]]; then
  IFS=';' read -r -a _variants <<<"${BENCH_VARIANTS//$'\n'/;}"
  for v in "${_variants[@]}"; do
    v=$(echo "$v" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    [[ -z $v ]] && continue
    if [[ $v =~ ^([A-Za-z0-9_.-]+):(.+)$ ]]; then
      add_berth "Berth (${BASH_REMATCH[1]})" "${BASH_REMATCH[2]}"
    else
      add_berth "Berth ($(( ${#NAMES[@]} + 1 )))" "$v"
    fi
  done
  [[ ${#NAMES[@]} -gt 0 ]] || die "BENCH_VARIANTS has no variant"
elif [[ -n ${BENCH_BERTH_CMD:-} ]]; then
  add_berth "Berth" "$BENCH_BERTH_CMD"
else
  [[ -f $DEFAULT_JAR ]] || die "no $ROOT/$DEFAULT_JAR: build Berth first (mvn -B package -DskipTests) or set BENCH_BERTH_CMD"
  add_berth "Berth" "java -jar $DEFAULT_JAR"
fi
NAMES+=("distribution 2.8.2"); KINDS+=(dist); CMDS+=("$DIST_CMD serve <config.yml>")
NREG=${#NAMES[@]}
DIST=$((NREG - 1))

# ---- temp dir, cleanup ----
mkdir -p "$BENCH_TMPDIR"
TMP=$(mktemp -d "$BENCH_TMPDIR/berth-bench.XXXXXX") || die "mktemp failed"
PIDS=() LAUNCH_PIDS=() PORTS=() BASES=() LOGS=() DATAS=()
USED_PORTS=" "
ERRORS=()
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

# ---- go ----
SIZE=$((SIZE_MB * 1024 * 1024))
STAMP=$(date +%Y%m%d-%H%M%S)
DATE=$(date -Iseconds)
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
FS=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')
JAVA_VERSION=$(java -version 2>&1 | head -1)
DIST_VERSION=$($DIST_CMD --version 2>/dev/null | head -1)
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/.*nginx\///')

NCHUNKROWS=$(wc -w <<<"$CHUNK_MB")
NEED_MB=$(((3 + (1 + NCHUNKROWS) * RUNS * NREG) * SIZE_MB + (NREG + 1) * CONC_BLOBS * CONC_MB + 2 * WARMUP_MB * NREG + 256))
FREE_MB=$(df -Pm "$TMP" | awk 'NR == 2 { print $4 }')
((FREE_MB >= NEED_MB)) || die "$TMP has $FREE_MB MiB free, the run needs about $NEED_MB MiB (set BENCH_TMPDIR, SIZE_MB or RUNS)"
log "temp dir $TMP ($FS); size ${SIZE_MB} MiB, chunks of ${CHUNK_MB} MiB, runs $RUNS, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION"
setup_auth
for ((i = 0; i < NREG; i++)); do start_one "$i"; done
check_auth
sleep "$SETTLE_S"
for ((i = 0; i < NREG; i++)); do
  RSS_IDLE[$i]=$(kb_to_mib "$(proc_kb "${PIDS[$i]}" VmRSS)")
  log "${NAMES[$i]}: idle RSS ${RSS_IDLE[$i]} MiB"
done

log "generating ${SIZE_MB} MiB of random data"
FILE="$TMP/blob.bin"
head -c "$SIZE" /dev/urandom >"$FILE" || die "cannot write $FILE"
start_nginx

# Unmeasured warm-up (a JIT compiles the hot paths; a long-running registry is warm): the first
# WARMUP_MB MiB of the blob, pushed whole and in chunks and pulled back, on every registry.
if ((WARMUP_MB > 0)); then
  W=$((WARMUP_MB < SIZE_MB ? WARMUP_MB : SIZE_MB))
  head -c $((W * 1024 * 1024)) "$FILE" >"$TMP/warmup.bin"
  WDIGEST="sha256:$(sha256sum "$TMP/warmup.bin" | cut -d' ' -f1)"
  for ((i = 0; i < NREG; i++)); do
    log "${NAMES[$i]}: warm-up with $W MiB"
    { push_blob "${BASES[$i]}" bench/warmup "$TMP/warmup.bin" "$WDIGEST" &&
      push_chunked "${BASES[$i]}" bench/warmup-chunked "$TMP/warmup.bin" $(((W + 3) / 4)) "$WDIGEST" &&
      pull_blob "${BASES[$i]}" bench/warmup "$WDIGEST" $((W * 1024 * 1024)); } >/dev/null ||
      err "${NAMES[$i]}: warm-up failed"
  done
  rm -f "$TMP/warmup.bin"
fi

# Every push uploads a blob no registry holds yet: the first 64 bytes of the file are rewritten
# per push (the same digest again would let a registry skip work at finalize). Each blob goes to
# every registry, so all of them get the same content.
stamp_blob() { # label -> sets DIGEST
  local head
  head=$(printf '%-63s\n' "berth-bench $STAMP $1")
  printf '%s' "$head" | dd of="$FILE" conv=notrunc bs=64 count=1 status=none || die "cannot stamp $FILE"
  DIGEST="sha256:$(sha256sum "$FILE" | cut -d' ' -f1)"
  log "blob $1: $DIGEST"
}
mbs() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.1f", (t > 0 ? s / 1048576 / t : 0) }'; }
declare -A PULL_REPO PULL_DIGEST
# Runs are interleaved (run 1 on every registry and the reference, then run 2...) so machine
# noise spreads evenly.
for ((r = 1; r <= RUNS; r++)); do
  stamp_blob "mono-$r"
  if v=$(dd_fsync "$FILE" "$SIZE"); then record mono_mbs ref "$v"; log "dd conv=fsync $r: $v MiB/s"; else err "dd $r failed"; fi
  for ((i = 0; i < NREG; i++)); do
    if t=$(push_blob "${BASES[$i]}" "bench/mono-$r" "$FILE" "$DIGEST"); then
      record mono_mbs "$i" "$(mbs "$t")"; log "${NAMES[$i]}: monolithic push $r: ${t}s"
      PULL_REPO["$r|$i"]="bench/mono-$r" PULL_DIGEST["$r|$i"]=$DIGEST
    else err "${NAMES[$i]}: monolithic push $r failed"; fi
  done
done
for c in $CHUNK_MB; do
  for ((r = 1; r <= RUNS; r++)); do
    stamp_blob "chunked-$c-$r"
    if v=$(dd_fsync "$FILE" "$SIZE"); then record "chunk${c}_mbs" ref "$v"; else err "dd failed"; fi
    for ((i = 0; i < NREG; i++)); do
      if out=$(push_chunked "${BASES[$i]}" "bench/chunked-$c-$r" "$FILE" "$c" "$DIGEST"); then
        record "chunk${c}_mbs" "$i" "$(mbs "${out% *}")"
        record "final$c" "$i" "$(awk -v v="${out#* }" 'BEGIN { print v * 1000 }')"
        log "${NAMES[$i]}: chunked push ($c MiB) $r: ${out% *}s (finalize ${out#* }s)"
      else err "${NAMES[$i]}: chunked push ($c MiB) $r failed"; fi
    done
  done
done
# Pulls: each blob once unmeasured (page cache warm, the JIT's pull path too), then measured.
ln -f "$FILE" "$TMP/www/blob.bin" 2>/dev/null || cp "$FILE" "$TMP/www/blob.bin"
for ((r = 1; r <= RUNS; r++)); do
  t=$(curl -s -o /dev/null -w '%{time_total}' "$NGINX_BASE/blob.bin") # warm
  if t=$(curl -s -o /dev/null -w '%{time_total}' "$NGINX_BASE/blob.bin"); then record pull_mbs ref "$(mbs "$t")"; fi
  for ((i = 0; i < NREG; i++)); do
    [[ -n ${PULL_REPO["$r|$i"]:-} ]] || { err "${NAMES[$i]}: nothing to pull in run $r"; continue; }
    pull_blob "${BASES[$i]}" "${PULL_REPO["$r|$i"]}" "${PULL_DIGEST["$r|$i"]}" "$SIZE" >/dev/null
    if t=$(pull_blob "${BASES[$i]}" "${PULL_REPO["$r|$i"]}" "${PULL_DIGEST["$r|$i"]}" "$SIZE"); then
      record pull_mbs "$i" "$(mbs "$t")"; log "${NAMES[$i]}: pull $r: ${t}s"
    else err "${NAMES[$i]}: pull $r failed"; fi
  done
done
# Concurrent pulls: CONC_BLOBS distinct blobs of CONC_MB MiB, CONC_CLIENTS clients spread over them.
CONC_TOTAL=$((CONC_CLIENTS * CONC_MB * 1024 * 1024))
: >"$TMP/urls-ref"
for ((b = 0; b < CONC_BLOBS; b++)); do
  head -c $((CONC_MB * 1024 * 1024)) "$FILE" >"$TMP/www/c$b.bin"
  printf '%-63s\n' "berth-bench $STAMP concurrent $b" | dd of="$TMP/www/c$b.bin" conv=notrunc bs=64 count=1 status=none
  CDIG[$b]="sha256:$(sha256sum "$TMP/www/c$b.bin" | cut -d' ' -f1)"
  for ((i = 0; i < NREG; i++)); do
    push_blob "${BASES[$i]}" bench/concurrent "$TMP/www/c$b.bin" "${CDIG[$b]}" >/dev/null || err "${NAMES[$i]}: pushing concurrent blob $b failed"
  done
done
for ((k = 0; k < CONC_CLIENTS; k++)); do echo "$NGINX_BASE/c$((k % CONC_BLOBS)).bin"; done >"$TMP/urls-ref"
for ((i = 0; i < NREG; i++)); do
  for ((k = 0; k < CONC_CLIENTS; k++)); do echo "${BASES[$i]}/v2/bench/concurrent/blobs/${CDIG[$((k % CONC_BLOBS))]}"; done >"$TMP/urls-$i"
done
for ((r = 0; r <= RUNS; r++)); do # round 0 warms caches and JITs, unmeasured
  if v=$(pull_parallel "$TMP/urls-ref" 0 "$CONC_TOTAL"); then ((r > 0)) && record cpull_mbs ref "$v"; else err "nginx concurrent pulls failed"; fi
  for ((i = 0; i < NREG; i++)); do
    if v=$(pull_parallel "$TMP/urls-$i" 1 "$CONC_TOTAL"); then
      ((r > 0)) && { record cpull_mbs "$i" "$v"; log "${NAMES[$i]}: $CONC_CLIENTS concurrent pulls $r: $v MiB/s"; }
    else err "${NAMES[$i]}: concurrent pulls failed"; fi
  done
done
stop_nginx

# A small image: a gzip tar layer, its config and an OCI image manifest.
mkdir -p "$TMP/img"
echo "berth bench $STAMP" >"$TMP/img/hello.txt"
tar -C "$TMP/img" -cf "$TMP/layer.tar" hello.txt
gzip -n -c "$TMP/layer.tar" >"$TMP/layer.tar.gz"
DIFF_ID="sha256:$(sha256sum "$TMP/layer.tar" | cut -d' ' -f1)"
LAYER_DIGEST="sha256:$(sha256sum "$TMP/layer.tar.gz" | cut -d' ' -f1)"
LAYER_SIZE=$(stat -c %s "$TMP/layer.tar.gz")
jq -cn --arg d "$DIFF_ID" '{architecture: "amd64", os: "linux", config: {}, rootfs: {type: "layers", diff_ids: [$d]}}' >"$TMP/config.json"
CONFIG_DIGEST="sha256:$(sha256sum "$TMP/config.json" | cut -d' ' -f1)"
CONFIG_SIZE=$(stat -c %s "$TMP/config.json")
jq -cn --arg cd "$CONFIG_DIGEST" --argjson cs "$CONFIG_SIZE" --arg ld "$LAYER_DIGEST" --argjson ls "$LAYER_SIZE" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]}' >"$TMP/manifest.json"
IMG=bench/small
for ((i = 0; i < NREG; i++)); do
  base=${BASES[$i]}
  if ! { push_blob "$base" "$IMG" "$TMP/config.json" "$CONFIG_DIGEST" >/dev/null &&
    push_blob "$base" "$IMG" "$TMP/layer.tar.gz" "$LAYER_DIGEST" >/dev/null &&
    put_manifest "$base" "$IMG" v1 "$TMP/manifest.json"; }; then
    err "${NAMES[$i]}: pushing the small image failed"; continue
  fi
  code=$(bcurl -s -o "$TMP/resp" -w '%{http_code}' -H "Accept: $ACCEPT" "$base/v2/$IMG/manifests/v1")
  [[ $code == 200 ]] || { err "${NAMES[$i]}: GET manifest -> $code"; continue; }
  if out=$(run_wrk "manifest-$i" "$base/v2/$IMG/manifests/v1" -H "Accept: $ACCEPT"); then
    record man_rps "$i" "${out% *}"; record man_p99 "$i" "${out#* }"
    log "${NAMES[$i]}: manifest GET ${out% *} req/s, p99 ${out#* } ms"
  else err "${NAMES[$i]}: manifest wrk failed"; fi

  ok=1
  for ((t = 1; t <= TAG_COUNT; t++)); do
    put_manifest "$base" "$IMG" "$(printf 't%03d' "$t")" "$TMP/manifest.json" || { ok=0; break; }
  done
  [[ $ok == 1 ]] || { err "${NAMES[$i]}: tagging failed"; continue; }
  ntags=$(bcurl -s "$base/v2/$IMG/tags/list" | jq '.tags | length')
  [[ $ntags == $((TAG_COUNT + 1)) ]] || err "${NAMES[$i]}: tags/list has $ntags tags, expected $((TAG_COUNT + 1))"
  if out=$(run_wrk "tags-$i" "$base/v2/$IMG/tags/list"); then
    record tags_rps "$i" "${out% *}"; record tags_p99 "$i" "${out#* }"
    log "${NAMES[$i]}: tags/list ${out% *} req/s, p99 ${out#* } ms"
  else err "${NAMES[$i]}: tags wrk failed"; fi
done

for ((i = 0; i < NREG; i++)); do
  RSS_PEAK[$i]=$(kb_to_mib "$(proc_kb "${PIDS[$i]}" VmHWM)")
  kill -0 "${PIDS[$i]}" 2>/dev/null || err "${NAMES[$i]} is no longer running"
  log "${NAMES[$i]}: peak RSS ${RSS_PEAK[$i]} MiB"
done


mkdir -p "$OUT_DIR"
RESULT="$OUT_DIR/results-$STAMP.md"
{ report; raw; } >"$RESULT"
echo
report
echo
echo "Raw numbers: $RESULT"
((${#ERRORS[@]} == 0))

