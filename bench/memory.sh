#!/usr/bin/env bash
# Memory under load, Berth beside distribution 2.8.2 in the same run. Not a test. For each
# registry, one after the other: idle RSS SETTLE_S after the first 200 on /v2/, then the peak RSS
# (VmHWM) during CLIENTS concurrent monolithic pushes of SIZE_MB distinct random blobs (curl -T
# from files), then (the peak reset with clear_refs) during CLIENTS concurrent pulls of them.
# The variants' /proc/PID/smaps at idle and at the highest sampled RSS of each phase are broken
# down by bench/smaps.py. See bench/README.md ("Memory under load").
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT" || exit 1

SIZE_MB=${SIZE_MB:-1024}
CLIENTS=${CLIENTS:-8}
BENCH_AUTH=${BENCH_AUTH:-1}
SETTLE_S=${SETTLE_S:-5}
SAMPLE_S=${SAMPLE_S:-0.2}        # RSS sampling interval (the smaps copy at the highest sample)
BREAKDOWN=${BREAKDOWN:-native}   # variants whose smaps are broken down: names containing this ('' = none)
TARGET_MIB=${TARGET_MIB:-96}     # issue 11: native peak RSS <= 96 MiB under 8 x 1 GiB pushes
START_TIMEOUT_S=${START_TIMEOUT_S:-120}
DIST_CMD=${DIST_CMD:-docker-registry}
DIST_CACHE=${DIST_CACHE:-}
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
KEEP_TMP=${KEEP_TMP:-0}
OUT_DIR=${OUT_DIR:-$HERE/out}
if [[ -z ${BENCH_VARIANTS:-} ]]; then
  BENCH_VARIANTS="jvm:java -jar target/quarkus-app/quarkus-run.jar"
  native=$(ls target/*-runner 2>/dev/null | head -1)
  [[ -n $native ]] && BENCH_VARIANTS+=";native:$native"
fi

. "$HERE/lib/common.sh"
. "$HERE/lib/servers.sh"
. "$HERE/lib/ops.sh"
for tool in curl awk ss sha256sum python3 htpasswd base64; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
[[ $SIZE_MB =~ ^[0-9]+$ && $SIZE_MB -gt 0 && $CLIENTS =~ ^[0-9]+$ && $CLIENTS -gt 0 ]] || die "SIZE_MB and CLIENTS must be positive integers"

NAMES=() KINDS=() CMDS=()
IFS=';' read -r -a _variants <<<"$BENCH_VARIANTS"
for v in "${_variants[@]}"; do
  [[ $v =~ ^[[:space:]]*([A-Za-z0-9_.-]+):(.+)$ ]] || die "BENCH_VARIANTS entry is not name:command: $v"
  NAMES+=("${BASH_REMATCH[1]}"); KINDS+=(berth); CMDS+=("${BASH_REMATCH[2]}")
done
WITH_DIST=${WITH_DIST:-1}       # 0: Berth variants only (quicker knob comparisons; no ratio columns)
((WITH_DIST)) && { NAMES+=("distribution 2.8.2"); KINDS+=(dist); CMDS+=("$DIST_CMD serve <config.yml>"); }
NREG=${#NAMES[@]}

mkdir -p "$BENCH_TMPDIR"
TMP=$(mktemp -d "$BENCH_TMPDIR/berth-memory.XXXXXX") || die "mktemp failed"
PIDS=() LAUNCH_PIDS=() PORTS=() BASES=() LOGS=() DATAS=() USED_PORTS=" " ERRORS=()
NEED_MB=$((2 * CLIENTS * SIZE_MB + 256))
FREE_MB=$(df -Pm "$TMP" | awk 'NR == 2 { print $4 }')
((FREE_MB >= NEED_MB)) || die "$TMP has $FREE_MB MiB free, the run needs about $NEED_MB MiB"
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM
stop_nginx() { :; } # servers.sh's cleanup stops nginx; none runs here

# Samples VmRSS every SAMPLE_S until $TMP/sampling disappears; keeps smaps at the highest sample.
sampler() { # pid label
  local max=0 rss
  while [[ -f $TMP/sampling ]]; do
    rss=$(proc_kb "$1" VmRSS)
    if [[ -n $rss ]] && ((rss > max)); then
      max=$rss
      cp "/proc/$1/smaps" "$TMP/smaps-$2.tmp" 2>/dev/null && mv "$TMP/smaps-$2.tmp" "$TMP/smaps-$2"
      bcurl -s -m 2 -o "$TMP/metrics-$2" "${BASES[$3]}/q/metrics"
    fi
    sleep "$SAMPLE_S"
  done
}
# Runs CLIENTS copies of a command at once (each with its own TMP for curl's response files).
phase() { # idx label fn; fn gets: base client-number
  local i=$1 label=$2 fn=$3 k t0 ok=1 pids=()
  echo 5 >"/proc/${PIDS[$i]}/clear_refs" || err "cannot reset VmHWM of ${PIDS[$i]}"
  touch "$TMP/sampling"
  sampler "${PIDS[$i]}" "$i-$label" "$i" &
  local spid=$!
  t0=$(now)
  for ((k = 1; k <= CLIENTS; k++)); do
    (TMP="$TMP/c$k" && mkdir -p "$TMP" && "$fn" "${BASES[$i]}" "$k" >/dev/null) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || ok=0; done
  WALL=$(elapsed "$t0" "$(now)")
  rm -f "$TMP/sampling"; wait "$spid"
  HWM=$(kb_to_mib "$(proc_kb "${PIDS[$i]}" VmHWM)")
  ((ok)) || err "${NAMES[$i]}: some of the $CLIENTS concurrent ${label} requests failed"
  log "${NAMES[$i]}: $CLIENTS concurrent ${label} requests in ${WALL}s, peak RSS $HWM MiB"
}
push_one() { push_blob "$1" "mem/c$2" "$BLOBS/blob.$2" "$(cat "$BLOBS/digest.$2")"; }
pull_one() { pull_blob "$1" "mem/c$2" "$(cat "$BLOBS/digest.$2")" "$SIZE"; }
agg() { awk -v n="$CLIENTS" -v s="$SIZE_MB" -v t="$1" 'BEGIN { printf "%.0f", n * s / t }'; }

SIZE=$((SIZE_MB * 1024 * 1024))
BLOBS="$TMP/blobs"; mkdir -p "$BLOBS"
log "generating $CLIENTS distinct blobs of $SIZE_MB MiB in $TMP"
head -c "$SIZE" /dev/urandom >"$BLOBS/blob.1" || die "cannot write the blob"
for ((k = 1; k <= CLIENTS; k++)); do
  ((k > 1)) && cp "$BLOBS/blob.1" "$BLOBS/blob.$k"
  printf '%-63s\n' "berth-memory $(date +%s) $k" | dd of="$BLOBS/blob.$k" conv=notrunc bs=64 count=1 status=none
  echo "sha256:$(sha256sum "$BLOBS/blob.$k" | cut -d' ' -f1)" >"$BLOBS/digest.$k"
done
setup_auth
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()
for ((i = 0; i < NREG; i++)); do
  start_one "$i"
  sleep "$SETTLE_S"
  idle=$(kb_to_mib "$(proc_kb "${PIDS[$i]}" VmRSS)")
  cp "/proc/${PIDS[$i]}/smaps" "$TMP/smaps-$i-idle"
  bcurl -s -m 2 -o "$TMP/metrics-$i-idle" "${BASES[$i]}/q/metrics"
  EXE[$i]=$(readlink "/proc/${PIDS[$i]}/exe")
  log "${NAMES[$i]}: idle RSS $idle MiB"
  phase "$i" push push_one; push_hwm=$HWM push_wall=$WALL
  phase "$i" pull pull_one; pull_hwm=$HWM pull_wall=$WALL
  after=$(kb_to_mib "$(proc_kb "${PIDS[$i]}" VmRSS)")
  kill -0 "${PIDS[$i]}" 2>/dev/null || err "${NAMES[$i]} is no longer running"
  ROWS[$i]="$idle $push_hwm $pull_hwm $after $(agg "$push_wall") $(agg "$pull_wall")"
  stop_one "$i"
  rm -rf "${DATAS[$i]}"
done

report() {
  local i idle ph lh af pm lm didle dph dlh s line
  echo "# Memory under load — $(date -Iseconds)"
  echo
  echo "- $(nproc) CPUs, $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $CLIENTS concurrent monolithic pushes (POST + one PUT, curl -T from a file) of distinct $SIZE_MB MiB random blobs, then $CLIENTS concurrent pulls of them; auth: ${AUTH_DESC}; Berth's metrics on"
  echo "- Peak = VmHWM of the process listening on the port, reset (clear_refs) before each phase; idle = VmRSS ${SETTLE_S}s after the first 200"
  for ((i = 0; i < NREG; i++)); do echo "- ${NAMES[$i]}: \`${CMDS[$i]}\`"; done
  echo
  echo "| registry | idle RSS (MiB) | peak RSS, pushes (MiB) | peak RSS, pulls (MiB) | RSS after (MiB) | pushes, aggregate MiB/s | pulls, aggregate MiB/s | idle ÷ distribution | peak ÷ distribution | peak ≤ ${TARGET_MIB} MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  didle=0 dph=0 dlh=0
  ((WITH_DIST)) && read -r didle dph dlh _ <<<"${ROWS[$((NREG - 1))]:-ERR ERR ERR}"
  for ((i = 0; i < NREG; i++)); do
    read -r idle ph lh af pm lm <<<"${ROWS[$i]:-ERR ERR ERR ERR ERR ERR}"
    awk -v n="${NAMES[$i]}" -v i="$idle" -v ph="$ph" -v lh="$lh" -v af="$af" -v pm="$pm" -v lm="$lm" \
      -v di="$didle" -v dp="$(awk -v a="$dph" -v b="$dlh" 'BEGIN { print (a > b ? a : b) }')" -v t="$TARGET_MIB" -v last=$((WITH_DIST && i == NREG - 1)) 'BEGIN {
        p = (ph > lh ? ph : lh)
        printf "| %s | %s | %s | %s | %s | %s | %s |", n, i, ph, lh, af, pm, lm
        if (last) print " 1.00× | 1.00× | |"
        else if (di == 0) printf " – | – | %s |\n", (p <= t ? "yes" : "no")
        else printf " %.2f× | %.2f× | %s |\n", i / di, p / dp, (p <= t ? "yes" : "no")
      }'
  done
  for ((i = 0; i < NREG; i++)); do
    [[ ${KINDS[$i]} == berth && -n $BREAKDOWN && ${NAMES[$i]} == *"$BREAKDOWN"* && -f $TMP/smaps-$i-idle ]] || continue
    echo
    echo "Where ${NAMES[$i]}'s resident memory is (/proc/PID/smaps by mapping, MiB; pushes/pulls: at the highest RSS sampled every ${SAMPLE_S}s):"
    echo
    echo "| kind | idle | pushes | pulls |"
    echo "|---|---:|---:|---:|"
    python3 "$HERE/smaps.py" "${EXE[$i]}" "$TMP/smaps-$i-idle" "$TMP/smaps-$i-push" "$TMP/smaps-$i-pull"
    echo
    echo "Its own view at the same moments (/q/metrics, MiB):"
    echo
    echo "| series | idle | pushes | pulls |"
    echo "|---|---:|---:|---:|"
    for s in 'jvm_memory_used_bytes{area="heap"' 'jvm_memory_committed_bytes{area="heap"' 'jvm_memory_used_bytes{area="nonheap"' 'jvm_buffer_memory_used_bytes{id="direct"}' 'jvm_threads_live_threads'; do
      line="| \`$s\` |"
      for ph in idle push pull; do
        line+=" $(awk -v s="$s" 'index($0, s) == 1 { v += $NF } END { if (s ~ /threads/) printf "%d", v; else printf "%.1f", v / 1048576 }' "$TMP/metrics-$i-$ph" 2>/dev/null) |"
      done
      echo "$line"
    done
  done
  if ((${#ERRORS[@]})); then echo; echo "Errors:"; for e in "${ERRORS[@]}"; do echo "- $e"; done; fi
}
mkdir -p "$OUT_DIR"
RESULT="$OUT_DIR/memory-$(date +%Y%m%d-%H%M%S)"
report | tee "$RESULT.md"
mkdir -p "$RESULT" && cp "$TMP"/smaps-* "$TMP"/metrics-* "$RESULT"/ 2>/dev/null
echo
echo "Saved: $RESULT.md (the smaps and /q/metrics copies in $RESULT/)"
((${#ERRORS[@]} == 0))
