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
CHUNK_MB=${CHUNK_MB:-64}
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

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

for tool in curl wrk jq awk ss split sha256sum; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
command -v "${DIST_CMD%% *}" >/dev/null || die "missing $DIST_CMD (apt-get install docker-registry)"
[[ $SIZE_MB =~ ^[0-9]+$ && $SIZE_MB -gt 0 ]] || die "SIZE_MB must be a positive integer"
[[ $CHUNK_MB =~ ^[0-9]+$ && $CHUNK_MB -gt 0 ]] || die "CHUNK_MB must be a positive integer"
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

stop_one() { # idx
  local i=$1 p
  for p in ${PIDS[$i]:-} ${LAUNCH_PIDS[$i]:-}; do
    kill -TERM "$p" 2>/dev/null
  done
  for _ in $(seq 100); do
    kill -0 "${PIDS[$i]:-0}" 2>/dev/null || kill -0 "${LAUNCH_PIDS[$i]:-0}" 2>/dev/null || break
    sleep 0.1
  done
  for p in ${PIDS[$i]:-} ${LAUNCH_PIDS[$i]:-}; do
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  done
  [[ -n ${LAUNCH_PIDS[$i]:-} ]] && wait "${LAUNCH_PIDS[$i]}" 2>/dev/null
  PIDS[$i]="" LAUNCH_PIDS[$i]=""
}
cleanup() {
  local i
  trap - EXIT INT TERM
  for ((i = 0; i < NREG; i++)); do stop_one "$i"; done
  if [[ $KEEP_TMP == 1 ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

# ---- small helpers ----
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
with_query() { if [[ $1 == *\?* ]]; then echo "$1&$2"; else echo "$1?$2"; fi; }
abs_url() { # base location
  case $2 in
    http://* | https://*) echo "$2" ;;
    /*) echo "$1$2" ;;
    *) echo "$1/$2" ;;
  esac
}
err() { ERRORS+=("$*"); log "ERROR: $*"; }

free_port() { # sets PORT
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ $USED_PORTS == *" $p "* ]] && continue
    if [[ -z $(ss -Hltn "( sport = :$p )" 2>/dev/null) ]]; then
      USED_PORTS+="$p "
      PORT=$p
      return 0
    fi
  done
  die "no free port"
}

# The PID of whatever listens on the port (the real server even behind a wrapper script).
listener_pid() { ss -Hltnp "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
kb_to_mib() { [[ -n $1 ]] && awk -v v="$1" 'BEGIN { printf "%.1f", v / 1024 }' || echo ERR; }

write_dist_config() { # file data port
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: error"
    echo "  accesslog: {disabled: true}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $2}"
    echo "  delete: {enabled: true}"
    echo "  maintenance: {uploadpurging: {enabled: false}}"
    [[ -n $DIST_CACHE ]] && echo "  cache: {blobdescriptor: $DIST_CACHE}"
    echo "http:"
    echo "  addr: 127.0.0.1:$3"
  } >"$1"
}

start_one() { # idx; sets STARTUP[idx]
  local i=$1 data="$TMP/data-$1" logf="$TMP/server-$1.log" t0 code pid
  mkdir -p "$data"
  free_port
  PORTS[$i]=$PORT BASES[$i]="http://127.0.0.1:$PORT" LOGS[$i]=$logf DATAS[$i]=$data
  t0=$(now)
  if [[ ${KINDS[$i]} == berth ]]; then
    env BERTH_STORAGE_FILESYSTEM_ROOT="$data" QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
      QUARKUS_LOG_LEVEL="${BENCH_LOG_LEVEL:-WARN}" \
      bash -c "exec ${CMDS[$i]}" >"$logf" 2>&1 </dev/null &
  else
    write_dist_config "$TMP/dist-config.yml" "$data" "$PORT"
    CMDS[$i]="$DIST_CMD serve $TMP/dist-config.yml"
    bash -c "exec $DIST_CMD serve '$TMP/dist-config.yml'" >"$logf" 2>&1 </dev/null &
  fi
  LAUNCH_PIDS[$i]=$!
  PIDS[$i]=""
  while :; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "${BASES[$i]}/v2/")
    [[ $code == 200 ]] && break
    if ! kill -0 "${LAUNCH_PIDS[$i]}" 2>/dev/null; then
      tail -30 "$logf" >&2
      die "${NAMES[$i]} exited during startup (command: ${CMDS[$i]})"
    fi
    if awk -v a="$t0" -v b="$(now)" -v t="$START_TIMEOUT_S" 'BEGIN { exit !(b - a > t) }'; then
      tail -30 "$logf" >&2
      die "${NAMES[$i]} not ready after ${START_TIMEOUT_S}s (GET /v2/ -> $code)"
    fi
    sleep 0.05
  done
  STARTUP[$i]=$(elapsed "$t0" "$(now)")
  pid=$(listener_pid "$PORT")
  PIDS[$i]=${pid:-${LAUNCH_PIDS[$i]}}
  log "${NAMES[$i]} ready on ${BASES[$i]} in ${STARTUP[$i]}s (pid ${PIDS[$i]}: $(tr '\0' ' ' </proc/${PIDS[$i]}/cmdline | cut -c1-100))"
}

# ---- registry operations (each prints its result on stdout, returns non-zero on failure) ----
start_upload() { # base repo -> absolute upload URL
  local out code loc
  out=$(curl -sS -o "$TMP/resp" -X POST -H 'Content-Length: 0' -w '%{http_code} %header{location}' "$1/v2/$2/blobs/uploads/") || return 1
  code=${out%% *} loc=${out#* }
  if [[ $code != 202 || -z $loc ]]; then
    echo "POST /v2/$2/blobs/uploads/ -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
  abs_url "$1" "$loc"
}

push_blob() { # base repo file digest -> seconds for POST + PUT
  local t0 url code
  t0=$(now)
  url=$(start_upload "$1" "$2") || return 1
  code=$(curl -sS -o "$TMP/resp" -T "$3" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    -w '%{http_code}' "$(with_query "$url" "digest=$4")") || return 1
  if [[ $code != 201 ]]; then
    echo "PUT (monolithic) $2 -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
  elapsed "$t0" "$(now)"
}

push_chunked() { # base repo digest chunk-prefix -> "total_seconds finalize_seconds"
  local base=$1 repo=$2 digest=$3 prefix=$4 t0 url out code loc off=0 len end fin c
  t0=$(now)
  url=$(start_upload "$base" "$repo") || return 1
  for c in "$prefix".*; do
    len=$(stat -c %s "$c")
    end=$((off + len - 1))
    out=$(curl -sS -o "$TMP/resp" -X PATCH -T "$c" -H 'Expect:' -H "Content-Range: $off-$end" \
      -H 'Content-Type: application/octet-stream' -w '%{http_code} %header{location}' "$url") || return 1
    code=${out%% *} loc=${out#* }
    if [[ $code != 202 || -z $loc ]]; then
      echo "PATCH $repo bytes $off-$end -> $code $(head -c 300 "$TMP/resp")" >&2
      return 1
    fi
    url=$(abs_url "$base" "$loc")
    off=$((off + len))
  done
  out=$(curl -sS -o "$TMP/resp" -X PUT -H 'Content-Length: 0' -H 'Expect:' \
    -w '%{http_code} %{time_total}' "$(with_query "$url" "digest=$digest")") || return 1
  code=${out%% *} fin=${out#* }
  if [[ $code != 201 ]]; then
    echo "PUT (finalize) $repo -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
  echo "$(elapsed "$t0" "$(now)") $fin"
}

pull_blob() { # base repo digest size -> seconds
  local out code got t
  out=$(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$1/v2/$2/blobs/$3") || return 1
  read -r code got t <<<"$out"
  if [[ $code != 200 || $got != "$4" ]]; then
    echo "GET blob $2 -> $code, $got of $4 bytes" >&2
    return 1
  fi
  echo "$t"
}

put_manifest() { # base repo reference file
  local code
  code=$(curl -sS -o "$TMP/resp" -T "$4" -H 'Expect:' -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    -w '%{http_code}' "$1/v2/$2/manifests/$3") || return 1
  if [[ $code != 201 ]]; then
    echo "PUT manifest $2:$3 -> $code $(head -c 300 "$TMP/resp")" >&2
    return 1
  fi
}

# wrk; prints "req_per_s p99_ms" and keeps the raw output in $TMP/wrk-<label>.txt
to_ms() { # "1.23ms" / "850.00us" / "1.02s" / "1.5m"
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}
run_wrk() { # label url [wrk header args...]
  local label=$1 url=$2 raw rps p99 bad
  shift 2
  if [[ $WRK_WARMUP != 0 ]]; then
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_WARMUP" "$@" "$url" >/dev/null 2>&1
  fi
  raw="$TMP/wrk-$label.txt"
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --latency "$@" "$url" >"$raw" 2>&1
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$raw")
  p99=$(awk '$1 == "99%" { print $2 }' "$raw")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$raw")
  if [[ -n $bad ]]; then
    echo "wrk $label: $bad non-2xx responses" >&2
    return 1
  fi
  if grep -q 'Socket errors' "$raw"; then
    echo "wrk $label: $(grep 'Socket errors' "$raw" | sed 's/^ *//')" >&2
  fi
  [[ -n $rps && -n $p99 ]] || { echo "wrk $label: cannot parse output" >&2; return 1; }
  echo "$rps $(to_ms "$p99")"
}

# ---- result bookkeeping: VALS[metric|idx] = space-separated per-run values ----
declare -A VALS
declare -a STARTUP
record() { VALS["$1|$2"]+="$3 "; }
median() {
  printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "ERR"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ---- go ----
SIZE=$((SIZE_MB * 1024 * 1024))
CHUNK=$((CHUNK_MB * 1024 * 1024))
NCHUNKS=$(((SIZE + CHUNK - 1) / CHUNK))
STAMP=$(date +%Y%m%d-%H%M%S)
DATE=$(date -Iseconds)
CPU=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
FS=$(df -T "$TMP" | awk 'NR == 2 { print $2 }')
JAVA_VERSION=$(java -version 2>&1 | head -1)
DIST_VERSION=$($DIST_CMD --version 2>/dev/null | head -1)

NEED_MB=$(((2 + 2 * RUNS * NREG) * SIZE_MB + 2 * WARMUP_MB * NREG + 256))
FREE_MB=$(df -Pm "$TMP" | awk 'NR == 2 { print $4 }')
((FREE_MB >= NEED_MB)) || die "$TMP has $FREE_MB MiB free, the run needs about $NEED_MB MiB (set BENCH_TMPDIR, SIZE_MB or RUNS)"
log "temp dir $TMP ($FS); size ${SIZE_MB} MiB, chunks ${CHUNK_MB} MiB ($NCHUNKS), runs $RUNS, wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION"
for ((i = 0; i < NREG; i++)); do start_one "$i"; done
sleep "$SETTLE_S"
for ((i = 0; i < NREG; i++)); do
  RSS_IDLE[$i]=$(kb_to_mib "$(proc_kb "${PIDS[$i]}" VmRSS)")
  log "${NAMES[$i]}: idle RSS ${RSS_IDLE[$i]} MiB"
done

log "generating ${SIZE_MB} MiB of random data"
FILE="$TMP/blob.bin"
head -c "$SIZE" /dev/urandom >"$FILE" || die "cannot write $FILE"
# The chunks are pre-split files so a PATCH costs the client what the monolithic PUT does
# (curl -T <file>, a known Content-Length, no extra process in a pipe).
split -b "$CHUNK" -d -a 5 "$FILE" "$TMP/chunk." || die "cannot split $FILE"
CHUNK_FILES=("$TMP"/chunk.*)
[[ ${#CHUNK_FILES[@]} == "$NCHUNKS" ]] || die "split made ${#CHUNK_FILES[@]} chunks, expected $NCHUNKS"

# Unmeasured warm-up (a JIT compiles the hot paths; a long-running registry is warm): the first
# WARMUP_MB MiB of the blob, pushed whole and in 4 chunks and pulled back, on every registry.
if ((WARMUP_MB > 0)); then
  W=$((WARMUP_MB < SIZE_MB ? WARMUP_MB : SIZE_MB))
  head -c $((W * 1024 * 1024)) "$FILE" >"$TMP/warmup.bin"
  WDIGEST="sha256:$(sha256sum "$TMP/warmup.bin" | cut -d' ' -f1)"
  split -n 4 -d -a 5 "$TMP/warmup.bin" "$TMP/wchunk." || die "cannot split the warm-up blob"
  for ((i = 0; i < NREG; i++)); do
    log "${NAMES[$i]}: warm-up with $W MiB"
    { push_blob "${BASES[$i]}" bench/warmup "$TMP/warmup.bin" "$WDIGEST" &&
      push_chunked "${BASES[$i]}" bench/warmup-chunked "$WDIGEST" "$TMP/wchunk" &&
      pull_blob "${BASES[$i]}" bench/warmup "$WDIGEST" $((W * 1024 * 1024)); } >/dev/null ||
      err "${NAMES[$i]}: warm-up failed"
  done
  rm -f "$TMP/warmup.bin" "$TMP"/wchunk.*
fi

# Every push uploads a blob no registry holds yet: the first 64 bytes of the file (and of the first
# chunk) are rewritten per push. Pushing the same digest again would let a registry skip work at
# finalize (Berth then drops the upload instead of committing it). Each blob goes to every
# registry, so all of them get the same content.
stamp_blob() { # label -> sets DIGEST
  local head
  head=$(printf '%-63s\n' "berth-bench $STAMP $1")
  printf '%s' "$head" | dd of="$FILE" conv=notrunc bs=64 count=1 status=none || die "cannot stamp $FILE"
  printf '%s' "$head" | dd of="${CHUNK_FILES[0]}" conv=notrunc bs=64 count=1 status=none || die "cannot stamp the first chunk"
  DIGEST="sha256:$(sha256sum "$FILE" | cut -d' ' -f1)"
  log "blob $1: $DIGEST"
}
declare -A PULL_REPO PULL_DIGEST
# Runs are interleaved (run 1 on every registry, then run 2...) so machine noise spreads evenly.
for ((r = 1; r <= RUNS; r++)); do
  stamp_blob "mono-$r"
  for ((i = 0; i < NREG; i++)); do
    if t=$(push_blob "${BASES[$i]}" "bench/mono-$r" "$FILE" "$DIGEST"); then
      record mono "$i" "$t"; log "${NAMES[$i]}: monolithic push $r: ${t}s"
      PULL_REPO["$r|$i"]="bench/mono-$r" PULL_DIGEST["$r|$i"]=$DIGEST
    else err "${NAMES[$i]}: monolithic push $r failed"; fi
  done
done
for ((r = 1; r <= RUNS; r++)); do
  stamp_blob "chunked-$r"
  for ((i = 0; i < NREG; i++)); do
    if out=$(push_chunked "${BASES[$i]}" "bench/chunked-$r" "$DIGEST" "$TMP/chunk"); then
      record chunk "$i" "${out% *}"; record final "$i" "${out#* }"
      log "${NAMES[$i]}: chunked push $r: ${out% *}s (finalize ${out#* }s)"
      [[ -n ${PULL_REPO["$r|$i"]:-} ]] || PULL_REPO["$r|$i"]="bench/chunked-$r" PULL_DIGEST["$r|$i"]=$DIGEST
    else err "${NAMES[$i]}: chunked push $r failed"; fi
  done
done
for ((r = 1; r <= RUNS; r++)); do
  for ((i = 0; i < NREG; i++)); do
    [[ -n ${PULL_REPO["$r|$i"]:-} ]] || { err "${NAMES[$i]}: nothing to pull in run $r"; continue; }
    if t=$(pull_blob "${BASES[$i]}" "${PULL_REPO["$r|$i"]}" "${PULL_DIGEST["$r|$i"]}" "$SIZE"); then
      record pull "$i" "$t"; log "${NAMES[$i]}: pull $r: ${t}s"
    else err "${NAMES[$i]}: pull $r failed"; fi
  done
done

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
  code=$(curl -s -o "$TMP/resp" -w '%{http_code}' -H "Accept: $ACCEPT" "$base/v2/$IMG/manifests/v1")
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
  ntags=$(curl -s "$base/v2/$IMG/tags/list" | jq '.tags | length')
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

# ---- report ----
# metric key | label | unit | better (hi/lo) | printf format
METRICS=(
  "startup|Startup until GET /v2/ answers|s|lo|%.2f"
  "mono|Monolithic push ${SIZE_MB} MiB (POST + one PUT)|s|lo|%.2f"
  "mono_mbs|Monolithic push throughput|MiB/s|hi|%.1f"
  "chunk|Chunked push ${SIZE_MB} MiB (POST + ${NCHUNKS} × ${CHUNK_MB} MiB PATCH + PUT)|s|lo|%.2f"
  "chunk_mbs|Chunked push throughput|MiB/s|hi|%.1f"
  "final|Chunked push: finalize PUT alone|ms|lo|%.1f"
  "pull|Pull ${SIZE_MB} MiB (GET blob)|s|lo|%.2f"
  "pull_mbs|Pull throughput|MiB/s|hi|%.1f"
  "man_rps|Manifest GET (wrk -c${WRK_CONNECTIONS})|req/s|hi|%.0f"
  "man_p99|Manifest GET p99 latency|ms|lo|%.2f"
  "tags_rps|Tag list GET, $((TAG_COUNT + 1)) tags (wrk -c${WRK_CONNECTIONS})|req/s|hi|%.0f"
  "tags_p99|Tag list GET p99 latency|ms|lo|%.2f"
  "rss_idle|RSS idle (VmRSS ${SETTLE_S}s after startup)|MiB|lo|%.1f"
  "rss_peak|RSS peak (VmHWM after all runs)|MiB|lo|%.1f"
)
value() { # key idx -> summary value (median) or ERR
  local k=$1 i=$2 m
  case $k in
    startup) echo "${STARTUP[$i]:-ERR}" ;;
    rss_idle) echo "${RSS_IDLE[$i]:-ERR}" ;;
    rss_peak) echo "${RSS_PEAK[$i]:-ERR}" ;;
    final) m=$(median ${VALS["final|$i"]:-}); [[ $m == ERR ]] && echo ERR || awk -v v="$m" 'BEGIN { print v * 1000 }' ;;
    *_mbs)
      m=$(median ${VALS["${k%_mbs}|$i"]:-})
      [[ $m == ERR ]] && echo ERR || awk -v v="$m" -v s="$SIZE_MB" 'BEGIN { print (v > 0 ? s / v : "ERR") }' ;;
    *) median ${VALS["$k|$i"]:-} ;;
  esac
}
fmt() { [[ $2 == ERR || -z $2 ]] && echo "error" || awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; }
ratio() { # better berth dist
  [[ $2 == ERR || $3 == ERR ]] && { echo "–"; return; }
  awk -v b="$1" -v x="$2" -v d="$3" 'BEGIN {
    r = (b == "hi") ? (d > 0 ? x / d : -1) : (x > 0 ? d / x : -1)
    if (r < 0) print "–"; else printf "%.2f×", r }'
}

table() {
  local header="| Metric | unit |" sep="|---|---|" line spec k label unit better f i v
  for ((i = 0; i < NREG; i++)); do header+=" ${NAMES[$i]} |"; sep+="---:|"; done
  for ((i = 0; i < DIST; i++)); do
    if ((DIST == 1)); then header+=" ratio (>1× = Berth better) |"; else header+=" ratio ${NAMES[$i]} (>1× = better) |"; fi
    sep+="---:|"
  done
  echo "$header"
  echo "$sep"
  for spec in "${METRICS[@]}"; do
    IFS='|' read -r k label unit better f <<<"$spec"
    line="| $label | $unit |"
    for ((i = 0; i < NREG; i++)); do line+=" $(fmt "$f" "$(value "$k" "$i")") |"; done
    for ((i = 0; i < DIST; i++)); do line+=" $(ratio "$better" "$(value "$k" "$i")" "$(value "$k" "$DIST")") |"; done
    echo "$line"
  done
}

wu() { [[ $1 == 0 ]] && echo "no warm-up" || echo "a $1${2:-} warm-up"; }
report() {
  local i k
  echo "# Berth vs distribution 2.8.2 — $DATE"
  echo
  echo "- Machine: $(nproc) CPUs ($CPU), $MEM RAM, $(uname -sr); data on $FS ($BENCH_TMPDIR); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Sizes: blob ${SIZE_MB} MiB, chunks ${CHUNK_MB} MiB, ${RUNS} run(s) per transfer (median shown); wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${WRK_DURATION} --latency after $(wu "$WRK_WARMUP"); ${TAG_COUNT} extra tags; transfers after $(wu "$WARMUP_MB" " MiB") push+pull"
  for ((i = 0; i < NREG; i++)); do echo "- ${NAMES[$i]}: \`${CMDS[$i]}\` (pid ${PIDS[$i]:-?})"; done
  echo "- $JAVA_VERSION; $DIST_VERSION; distribution blobdescriptor cache: ${DIST_CACHE:-none}"
  echo
  echo "Ratio: higher-is-better metrics (MiB/s, req/s) are Berth ÷ distribution; lower-is-better ones"
  echo "(seconds, ms, MiB) are distribution ÷ Berth. So **>1× always means Berth is better**."
  echo
  table
  if ((${#ERRORS[@]})); then
    echo
    echo "Errors:"
    for e in "${ERRORS[@]}"; do echo "- $e"; done
  fi
}

raw() {
  local i k
  echo
  echo "## Raw numbers (per run, in run order)"
  echo
  echo "| registry | metric | values |"
  echo "|---|---|---|"
  for ((i = 0; i < NREG; i++)); do
    echo "| ${NAMES[$i]} | startup s | ${STARTUP[$i]:-} |"
    for k in mono chunk final pull man_rps man_p99 tags_rps tags_p99; do
      echo "| ${NAMES[$i]} | $k | ${VALS["$k|$i"]:-} |"
    done
    echo "| ${NAMES[$i]} | rss idle / peak MiB | ${RSS_IDLE[$i]:-} / ${RSS_PEAK[$i]:-} |"
  done
  echo
  echo "(mono, chunk, pull: seconds; final: finalize PUT seconds (curl time_total); *_rps: req/s; *_p99: ms)"
  for f in "$TMP"/wrk-*.txt; do
    [[ -f $f ]] || continue
    i=${f##*-}; i=${i%.txt}
    echo
    echo "### $(basename "$f" .txt | sed 's/-[0-9]*$//') — ${NAMES[$i]}"
    echo
    echo '```'
    cat "$f"
    echo '```'
  done
}

mkdir -p "$OUT_DIR"
RESULT="$OUT_DIR/results-$STAMP.md"
{ report; raw; } >"$RESULT"
echo
report
echo
echo "Raw numbers: $RESULT"
((${#ERRORS[@]} == 0))
