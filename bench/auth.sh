#!/usr/bin/env bash
# The cost of access control per request: manifest GET req/s of one Berth without auth and one in
# token mode (same machine, same run, interleaved), the latter with Basic credentials (a cached
# sign-in) and with a Bearer token (a JWT verified per request). Not a test. See bench/README.md.
# Needs: curl, wrk, jq, htpasswd (apache2-utils), openssl, ss; Berth built (mvn -B package -DskipTests).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$HERE")" || exit 1
RUNS=${RUNS:-3}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
BENCH_BERTH_CMD=${BENCH_BERTH_CMD:-java -jar target/quarkus-app/quarkus-run.jar}
ACCEPT='application/vnd.oci.image.manifest.v1+json'
for tool in curl wrk jq htpasswd openssl; do command -v $tool >/dev/null || { echo "bench: missing $tool" >&2; exit 2; }; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/berth-bench-auth.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

htpasswd -nbB alice alice-bench >"$TMP/htpasswd"
printf 'rules:\n  - subjects: ["user:alice"]\n    repositories: ["**"]\n    actions: [pull, push]\n' >"$TMP/rules.yaml"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/key.pem" 2>/dev/null
openssl pkey -in "$TMP/key.pem" -pubout -out "$TMP/key.pub"

start() { # name port env...
  local name=$1 port=$2; shift 2
  mkdir -p "$TMP/$name"
  env -i PATH="$PATH" HOME="$HOME" JAVA_HOME="${JAVA_HOME:-}" QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 \
    BERTH_STORAGE_FILESYSTEM_ROOT="$TMP/$name/data" "$@" $BENCH_BERTH_CMD >"$TMP/$name/log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/") =~ ^(200|401)$ ]] && return 0
    sleep 0.1
  done
  echo "bench: $name did not start" >&2; cat "$TMP/$name/log" >&2; exit 1
}
push_image() { # base curl-auth-args...
  local base=$1; shift
  printf 'config' >"$TMP/config"; printf 'layer' >"$TMP/layer"
  for f in config layer; do
    curl -sf "$@" -X POST --data-binary "@$TMP/$f" -H 'Content-Type: application/octet-stream' \
      "$base/v2/bench/img/blobs/uploads/?digest=sha256:$(sha256sum "$TMP/$f" | cut -d" " -f1)" -o /dev/null || return 1
  done
  jq -nc --arg c "sha256:$(sha256sum "$TMP/config" | cut -d' ' -f1)" --arg l "sha256:$(sha256sum "$TMP/layer" | cut -d' ' -f1)" \
    '{schemaVersion:2, mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json", digest:$c, size:6},
      layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar+gzip", digest:$l, size:5}]}' >"$TMP/manifest.json"
  curl -sf "$@" -X PUT -T "$TMP/manifest.json" -H "Content-Type: $ACCEPT" "$base/v2/bench/img/manifests/v1" -o /dev/null
}
rps() { # url header
  wrk -t2 -c"$WRK_CONNECTIONS" -d2s -H "Accept: $ACCEPT" -H "$2" "$1" >/dev/null 2>&1   # warm-up
  wrk -t2 -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" -H "Accept: $ACCEPT" -H "$2" "$1" 2>&1 | tee -a "$TMP/wrk.txt" \
    | awk '/Non-2xx/ {bad=1} /Requests\/sec/ {r=$2} END {if (bad) print "error"; else print r}'
}

P1=$(free_port); start none "$P1"
P2=$(free_port); start token "$P2" BERTH_AUTH_MODE=token BERTH_AUTH_HTPASSWD="$TMP/htpasswd" BERTH_AUTH_RULES="$TMP/rules.yaml" \
  BERTH_AUTH_TOKEN_SIGNING_KEY="$TMP/key.pem" BERTH_AUTH_TOKEN_VERIFICATION_KEYS="$TMP/key.pub"
push_image "http://127.0.0.1:$P1" || { echo "bench: push failed (none)" >&2; exit 1; }
push_image "http://127.0.0.1:$P2" -u alice:alice-bench || { echo "bench: push failed (token)" >&2; exit 1; }
TOKEN=$(curl -sf -u alice:alice-bench "http://127.0.0.1:$P2/token?service=berth&scope=repository:bench/img:pull" | jq -r .token)
BASIC="Authorization: Basic $(printf alice:alice-bench | base64)"
# One unmeasured round first: each JVM's JIT warms up on its own path before anything counts.
rps "http://127.0.0.1:$P1/v2/bench/img/manifests/v1" "X-Bench: none" >/dev/null
rps "http://127.0.0.1:$P2/v2/bench/img/manifests/v1" "$BASIC" >/dev/null
rps "http://127.0.0.1:$P2/v2/bench/img/manifests/v1" "Authorization: Bearer $TOKEN" >/dev/null
declare -A R
for run in $(seq 1 "$RUNS"); do
  R[none]+="$(rps "http://127.0.0.1:$P1/v2/bench/img/manifests/v1" "X-Bench: none") "
  R[basic]+="$(rps "http://127.0.0.1:$P2/v2/bench/img/manifests/v1" "$BASIC") "
  R[bearer]+="$(rps "http://127.0.0.1:$P2/v2/bench/img/manifests/v1" "Authorization: Bearer $TOKEN") "
  echo "[run $run] none ${R[none]##*  } basic/bearer done" >&2
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
NONE=$(echo "${R[none]}" | median)
echo "| manifest GET, $WRK_CONNECTIONS connections | req/s (median of $RUNS) | vs no auth | runs |"
echo "|---|---:|---:|---|"
for k in none basic bearer; do
  m=$(echo "${R[$k]}" | median)
  echo "| $k | $m | $(awk -v a="$m" -v b="$NONE" 'BEGIN {printf "%.2f", a/b}') | ${R[$k]}|"
done
