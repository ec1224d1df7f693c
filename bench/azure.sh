#!/usr/bin/env bash
# Berth on Azure storage (Azurite) beside Berth on the filesystem and distribution 2.8.2, then
# the Azure finalize cost for a 64 MiB and a 1 GiB layer (it must not grow with the size).
# Needs what run.sh needs, plus `npm ci` (Azurite). Not a test. See bench/README.md.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT" || exit 1

JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
FINALIZE_RUNS=${FINALIZE_RUNS:-5}
AZURITE=node_modules/.bin/azurite-blob
# Azurite's documented, public development account (an emulator, never a real secret).
ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

die() { echo "bench/azure: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
[[ -x $AZURITE ]] || die "no $AZURITE: run npm ci"
[[ -f $JAR ]] || die "no $JAR: run mvn -B package -DskipTests"

TMP=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/berth-azure-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((30000 + RANDOM % 20000)); }

AZ_PORT=$(free_port)
"$AZURITE" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$TMP/azurite" --disableTelemetry \
  --skipApiVersionCheck --loose --silent >"$TMP/azurite.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$AZ_PORT/" && break; sleep 0.1; done
ENDPOINT="http://127.0.0.1:$AZ_PORT/$ACCOUNT"
AZ_ENV="BERTH_STORAGE_DRIVER=azure BERTH_STORAGE_AZURE_ACCOUNT_NAME=$ACCOUNT BERTH_STORAGE_AZURE_ACCOUNT_KEY=$KEY BERTH_STORAGE_AZURE_ENDPOINT=$ENDPOINT"
log "Azurite on $ENDPOINT"

# 1. The throughput table: Berth on the filesystem, Berth on Azurite, distribution (filesystem).
if [[ ${SKIP_TABLE:-0} != 1 ]]; then
  BENCH_VARIANTS="filesystem:java $JAVA_OPTS -jar $JAR;azurite:env $AZ_ENV BERTH_STORAGE_AZURE_CONTAINER=bench java $JAVA_OPTS -jar $JAR" \
    "$HERE/run.sh" || die "run.sh failed"
fi

# 2. Finalize (the PUT that ends a chunked upload) on Azure, for a 64 MiB and a 1 GiB layer.
PORT=$(free_port)
env $AZ_ENV BERTH_STORAGE_AZURE_CONTAINER=finalize QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
  QUARKUS_LOG_LEVEL=WARN java $JAVA_OPTS -jar "$JAR" >"$TMP/berth.log" 2>&1 &
PIDS+=($!)
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 600); do [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/v2/") == 200 ]] && break; sleep 0.1; done
[[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/v2/") == 200 ]] || die "Berth did not start: $(tail -5 "$TMP/berth.log")"

finalize() { # size_mb run -> seconds of the final PUT
  local mb=$1 run=$2 file="$TMP/layer-$1-$2" digest loc off=0 c len
  head -c $((mb * 1024 * 1024)) /dev/urandom >"$file"
  digest=sha256:$(sha256sum "$file" | cut -d' ' -f1)
  split -b 64M -d -a 4 "$file" "$file.part."
  loc=$(curl -s -D - -o /dev/null -X POST "$BASE/v2/finalize/blobs/uploads/" | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
  for c in "$file".part.*; do
    len=$(stat -c %s "$c")
    loc=$(curl -s -D - -o /dev/null -X PATCH -T "$c" -H 'Expect:' -H "Content-Range: $off-$((off + len - 1))" \
      -H 'Content-Type: application/octet-stream' "$BASE$loc" | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
    off=$((off + len))
  done
  out=$(curl -s -o /dev/null -X PUT -H 'Content-Length: 0' -w '%{http_code} %{time_total}' "$BASE$loc?digest=$digest")
  rm -f "$file" "$file".part.*
  [[ ${out%% *} == 201 ]] || die "finalize of $mb MiB answered ${out%% *}"
  echo "${out#* }"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A FIN
for size in 64 1024; do
  vals=()
  for run in $(seq "$FINALIZE_RUNS"); do vals+=("$(finalize "$size" "$run")"); done
  FIN[$size]=$(median "${vals[@]}")
  log "finalize ${size} MiB on Azurite: runs ${vals[*]} s, median ${FIN[$size]} s"
done
echo
echo "| Azure finalize (PUT ending a chunked upload, Azurite, median of $FINALIZE_RUNS) | seconds |"
echo "|---|---:|"
echo "| 64 MiB layer | ${FIN[64]} |"
echo "| 1 GiB layer | ${FIN[1024]} |"
awk -v a="${FIN[1024]}" -v b="${FIN[64]}" 'BEGIN { printf "| ratio 1 GiB / 64 MiB | %.2f |\n", a / b }'
