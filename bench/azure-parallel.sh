#!/usr/bin/env bash
# Parallel Azure transfers, before/after: the same SIZE_MB blob pushed (POST + one monolithic
# PUT) and pulled through two Berths on one Azurite, one with upload/download parallelism 1 (the
# old serial behaviour: one Put Block or ranged GET in flight) and one with 4 (the default), in
# interleaved rounds, for each added storage latency in LATENCY_MS (0: straight to Azurite; N:
# through CountingProxy, which delays every storage request by N ms, as a far-away account does).
# Medians of MiB/s and the ratio. Not a test. See bench/README.md.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT" || exit 1

SIZE_MB=${SIZE_MB:-256}
ROUNDS=${ROUNDS:-5}
LATENCY_MS=${LATENCY_MS:-0 20}
PARALLEL=${PARALLEL:-1 4}   # the two (or more) parallelism settings compared; ratio = last ÷ first
BERTH_CMD=${BERTH_CMD:-java -Xmx256m -jar target/quarkus-app/quarkus-run.jar}
AZURITE=node_modules/.bin/azurite-blob
PROXY=${PROXY:-python}       # python: bench/latency_proxy.py; counting: dev.berth.it.CountingProxy
PROXY_CP=target/test-classes # CountingProxy's classes (mvn package -DskipTests compiles them)
# Azurite's documented, public development account (an emulator, never a real secret).
ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

. "$HERE/lib/common.sh"
. "$HERE/lib/ops.sh"
[[ -x $AZURITE ]] || die "no $AZURITE: symlink a node_modules with Azurite (npm ci)"
CURL_AUTH=()
TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/berth-azpar.XXXXXX") || die "mktemp failed"
PIDS=() USED_PORTS=" " ERRORS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_http() { # url -> 0 once it answers at all
  for _ in $(seq 600); do curl -s -o /dev/null -m 2 "$1" && return 0; sleep 0.1; done
  return 1
}

free_port; AZ_PORT=$PORT
"$AZURITE" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$TMP/azurite" --disableTelemetry \
  --skipApiVersionCheck --loose --silent >"$TMP/azurite.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$AZ_PORT/" || die "Azurite did not start: $(tail -3 "$TMP/azurite.log")"
log "Azurite on 127.0.0.1:$AZ_PORT"

SIZE=$((SIZE_MB * 1024 * 1024))
head -c "$SIZE" /dev/urandom >"$TMP/blob" || die "cannot write the blob"
mbs() { awk -v s="$SIZE" -v t="$1" 'BEGIN { printf "%.1f", s / 1048576 / t }'; }
declare -A BASE
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for lat in $LATENCY_MS; do
  endpoint_port=$AZ_PORT
  if ((lat > 0)); then
    free_port; endpoint_port=$PORT
    if [[ $PROXY == counting ]]; then
      [[ -f $PROXY_CP/dev/berth/it/CountingProxy.class ]] || die "no $PROXY_CP/dev/berth/it/CountingProxy.class: mvn -B package -DskipTests"
      java -cp "$PROXY_CP" dev.berth.it.CountingProxy "$PORT" "$AZ_PORT" "$lat" >"$TMP/proxy-$lat.log" 2>&1 &
    else
      python3 "$HERE/latency_proxy.py" "$PORT" "$AZ_PORT" "$lat" >"$TMP/proxy-$lat.log" 2>&1 &
    fi
    PIDS+=($!)
    wait_http "http://127.0.0.1:$PORT/" || die "the proxy did not start"
  fi
  for par in $PARALLEL; do
    free_port
    env BERTH_STORAGE_DRIVER=azure BERTH_STORAGE_AZURE_ACCOUNT_NAME=$ACCOUNT BERTH_STORAGE_AZURE_ACCOUNT_KEY=$KEY \
      BERTH_STORAGE_AZURE_ENDPOINT="http://127.0.0.1:$endpoint_port/$ACCOUNT" BERTH_STORAGE_AZURE_CONTAINER="par$par-lat$lat" \
      BERTH_STORAGE_AZURE_UPLOAD_PARALLELISM="$par" BERTH_STORAGE_AZURE_DOWNLOAD_PARALLELISM="$par" \
      QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_LEVEL=WARN \
      bash -c "exec $BERTH_CMD" >"$TMP/berth-$par-$lat.log" 2>&1 </dev/null &
    PIDS+=($!)
    BASE[$par]="http://127.0.0.1:$PORT"
    for _ in $(seq 1200); do [[ $(curl -s -o /dev/null -w '%{http_code}' "${BASE[$par]}/v2/") == 200 ]] && break; sleep 0.1; done
    [[ $(curl -s -o /dev/null -w '%{http_code}' "${BASE[$par]}/v2/") == 200 ]] || die "Berth (parallelism $par) did not start: $(tail -5 "$TMP/berth-$par-$lat.log")"
  done
  # One unmeasured 16 MiB push + pull each: the JIT and the connection pools warm.
  head -c $((16 << 20)) "$TMP/blob" >"$TMP/warm"
  wd="sha256:$(sha256sum "$TMP/warm" | cut -d' ' -f1)"
  for par in $PARALLEL; do
    { push_blob "${BASE[$par]}" bench/warm "$TMP/warm" "$wd" && pull_blob "${BASE[$par]}" bench/warm "$wd" $((16 << 20)); } >/dev/null ||
      err "warm-up (parallelism $par, latency $lat ms) failed"
  done
  order=($PARALLEL)
  for ((r = 1; r <= ROUNDS; r++)); do
    printf '%-63s\n' "berth-azpar $(date +%s) $lat $r" | dd of="$TMP/blob" conv=notrunc bs=64 count=1 status=none
    digest="sha256:$(sha256sum "$TMP/blob" | cut -d' ' -f1)"
    for par in "${order[@]}"; do
      pu=error pl=error
      if t=$(push_blob "${BASE[$par]}" "bench/r$r" "$TMP/blob" "$digest"); then pu=$(mbs "$t"); record "push|$lat|$par" x "$pu"; else err "push p=$par lat=$lat r=$r"; fi
      if t=$(pull_blob "${BASE[$par]}" "bench/r$r" "$digest" "$SIZE"); then pl=$(mbs "$t"); record "pull|$lat|$par" x "$pl"; else err "pull p=$par lat=$lat r=$r"; fi
      log "latency $lat ms, parallelism $par, round $r: push $pu MiB/s, pull $pl MiB/s"
    done
    order=($(printf '%s\n' "${order[@]}" | tac)) # alternate who goes first
  done
  for par in $PARALLEL; do kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null; unset 'PIDS[-1]'; done
  ((lat > 0)) && { kill "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null; unset 'PIDS[-1]'; }
done

first=${PARALLEL%% *} last=${PARALLEL##* }
echo "# Azure parallel transfers on Azurite — $(date -Iseconds)"
echo
echo "- $(nproc) CPUs; load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg); Berth: \`$BERTH_CMD\`"
echo "- ${SIZE_MB} MiB blob, POST + one monolithic PUT, then GET to /dev/null; $ROUNDS interleaved rounds (the order alternates), median MiB/s; block and range size 4 MiB (defaults)"
echo "- added latency: 0 = Berth talks to Azurite directly; N ms = through $([[ $PROXY == counting ]] && echo "CountingProxy (src/test/java/dev/berth/it)" || echo "bench/latency_proxy.py (a new upstream connection per request)"), N ms before every storage request"
echo
hdr="| added latency | transfer |" sep="|---|---|"
for par in $PARALLEL; do hdr+=" parallelism $par (MiB/s) |"; sep+="---:|"; done
echo "$hdr ratio $last ÷ $first |"; echo "$sep---:|"
for lat in $LATENCY_MS; do
  for op in push pull; do
    line="| $lat ms | $op |"
    for par in $PARALLEL; do line+=" $(median ${VALS["$op|$lat|$par|x"]:-}) |"; done
    line+=" $(awk -v a="$(median ${VALS["$op|$lat|$last|x"]:-})" -v b="$(median ${VALS["$op|$lat|$first|x"]:-})" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "–" }') |"
    echo "$line"
  done
done
echo
echo "Per round (MiB/s):"
for k in $(printf '%s\n' "${!VALS[@]}" | sort); do echo "- ${k%|x}: ${VALS[$k]}"; done
if ((${#ERRORS[@]})); then echo; echo "Errors:"; for e in "${ERRORS[@]}"; do echo "- $e"; done; fi
((${#ERRORS[@]} == 0))
