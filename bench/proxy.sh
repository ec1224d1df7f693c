#!/usr/bin/env bash
# Pull-through cache timing (issue 12), one run: a SIZE_MB single-layer image pulled directly from
# distribution 2.8.2, then through Berth (upstream `up`, prefix mode) cold (nothing cached: a fresh
# image each round) and warm (the same image again), ROUNDS rounds; as a reference, the image then
# pushed into a local repository of Berth and pulled from there. A pull is curl: the manifest, then
# the config and the layer in turn, bodies to /dev/null (size checked). Not a test; prints a table
# of medians (and every round); a small image goes through both first, unreported. BERTH_CMD
# picks the executable (default: the packaged jar).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT" || exit 1
SIZE_MB=${SIZE_MB:-256}
ROUNDS=${ROUNDS:-3}
BERTH_CMD=${BERTH_CMD:-java -jar target/quarkus-app/quarkus-run.jar}
DIST_CMD=${DIST_CMD:-docker-registry}
BENCH_TMPDIR=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
USED_PORTS=" "
. "$HERE/lib/common.sh"
for tool in curl awk ss sha256sum $DIST_CMD; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
TMP=$(mktemp -d "$BENCH_TMPDIR/berth-proxy.XXXXXX") || die "mktemp failed"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

await() { # url pid name
  for _ in $(seq 1200); do
    [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1/v2/") == 200 ]] && return 0
    kill -0 "$2" 2>/dev/null || die "$3 exited during startup: $(tail -20 "$TMP/$3.log")"
    sleep 0.1
  done
  die "$3 not ready"
}

free_port; UP_PORT=$PORT; UP="http://127.0.0.1:$UP_PORT"
printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage:\n  filesystem: {rootdirectory: %s}\n  maintenance: {uploadpurging: {enabled: false}}\nhttp: {addr: 127.0.0.1:%s}\n' \
  "$TMP/up-data" "$UP_PORT" >"$TMP/dist.yml"
$DIST_CMD serve "$TMP/dist.yml" >"$TMP/distribution.log" 2>&1 </dev/null &
PIDS+=($!); await "$UP" "$!" distribution
free_port; BERTH="http://127.0.0.1:$PORT"
env BERTH_STORAGE_FILESYSTEM_ROOT="$TMP/berth-data" QUARKUS_HTTP_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_LEVEL=WARN \
  BERTH_PROXY_UPSTREAMS_UP_URL="$UP" bash -c "exec $BERTH_CMD" >"$TMP/berth.log" 2>&1 </dev/null &
PIDS+=($!); await "$BERTH" "$!" berth
log "distribution on $UP, Berth on $BERTH (upstream up); $ROUNDS rounds of a $SIZE_MB MiB image"

push_blob() { # base repo file digest
  local loc
  loc=$(curl -sS -f -X POST -D - -o /dev/null "$1/v2/$2/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1) == "location" { print $2 }')
  [[ $loc == /* ]] && loc="$1$loc"
  curl -sS -f -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' -T "$3" "$(with_query "$loc" "digest=$4")" || die "push of $4 failed"
}

push_image() { # repo [MiB]: a fresh image on the upstream -> sets LAYER_SIZE
  local d="$TMP/img" ld cd
  mkdir -p "$d"
  head -c $((${2:-$SIZE_MB} << 20)) /dev/urandom >"$d/layer"
  ld="sha256:$(sha256sum "$d/layer" | cut -d' ' -f1)"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]},"config":{}}' "$ld" >"$d/config"
  cd="sha256:$(sha256sum "$d/config" | cut -d' ' -f1)"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
    "$cd" "$(stat -c %s "$d/config")" "$ld" "$(stat -c %s "$d/layer")" >"$d/manifest"
  push_blob "$UP" "$1" "$d/layer" "$ld"
  push_blob "$UP" "$1" "$d/config" "$cd"
  curl -sS -f -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$d/manifest" \
    "$UP/v2/$1/manifests/v1" || die "manifest push failed"
  LAYER_SIZE=$(stat -c %s "$d/layer")
  rm -rf "$d"
}

copy_local() { # from to: Berth's copy of an image into one of its local repositories (downloaded, pushed)
  local d="$TMP/copy" m dg
  mkdir -p "$d"
  m=$(curl -sS -f -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$BERTH/v2/$1/manifests/v1") || die "copy: no manifest"
  printf '%s' "$m" >"$d/manifest"
  for dg in $(grep -o 'sha256:[0-9a-f]\{64\}' <<<"$m"); do
    curl -sS -f -o "$d/blob" "$BERTH/v2/$1/blobs/$dg" || die "copy: no blob $dg"
    push_blob "$BERTH" "$2" "$d/blob" "$dg"
  done
  curl -sS -f -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @"$d/manifest" \
    "$BERTH/v2/$2/manifests/v1" || die "copy: manifest push failed"
  rm -rf "$d"
}

pull() { # base repo -> seconds (manifest by tag, then its config and layers, one after the other)
  local t0 m total=0 got
  t0=$(now)
  m=$(curl -sS -f -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$1/v2/$2/manifests/v1") || { echo ERR; return; }
  for d in $(grep -o 'sha256:[0-9a-f]\{64\}' <<<"$m"); do
    got=$(curl -sS -f -o /dev/null -w '%{size_download}' "$1/v2/$2/blobs/$d") || { echo ERR; return; }
    total=$((total + got))
  done
  ((total >= LAYER_SIZE)) || { echo ERR; return; }
  elapsed "$t0" "$(now)"
}

# one unreported round of a small image first: both servers' first requests (Berth's JIT) aren't the measure
push_image bench/warmup 8
for _ in 1 2 3; do pull "$UP" bench/warmup >/dev/null; pull "$BERTH" up/bench/warmup >/dev/null; done
declare -a DIRECT COLD WARM LOCAL
for r in $(seq "$ROUNDS"); do
  push_image "bench/img$r"
  sync
  DIRECT+=("$(pull "$UP" "bench/img$r")")
  COLD+=("$(pull "$BERTH" "up/bench/img$r")")
  sync # the cold pull's 256 MiB written back first, as the upstream's push was
  WARM+=("$(pull "$BERTH" "up/bench/img$r")")
  # the reference: the image copied into a local repository of Berth (after the cold pull, which
  # must not find its bytes stored), then pulled from there
  copy_local "up/bench/img$r" "bench/img$r"
  LOCAL+=("$(pull "$BERTH" "bench/img$r")")
  log "round $r: direct ${DIRECT[-1]} s, cold ${COLD[-1]} s, warm ${WARM[-1]} s, local ${LOCAL[-1]} s"
done

med() { printf '%s\n' "$@" | grep -v ERR | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "ERR"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mibs() { [[ $1 == ERR ]] && echo ERR || awk -v s="$1" -v m="$SIZE_MB" 'BEGIN { printf "%.0f", m / s }'; }
printf '\n%s MiB image (one layer), %s rounds, median seconds (MiB/s); rounds in brackets\n' "$SIZE_MB" "$ROUNDS"
printf '%-34s %8s %8s  %s\n' "pull" "s" "MiB/s" "rounds"
for row in "direct from distribution:DIRECT" "through Berth, cold:COLD" "through Berth, warm:WARM" \
  "pushed to Berth, pulled (reference):LOCAL"; do
  name=${row%%:*}; declare -n a=${row##*:}
  m=$(med "${a[@]}")
  printf '%-34s %8s %8s  [%s]\n' "$name" "$m" "$(mibs "$m")" "${a[*]}"
  unset -n a
done
