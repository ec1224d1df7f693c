#!/usr/bin/env bash
# SHA-256 speed of the native executable vs the JVM (HotSpot) vs coreutils' sha256sum, same run.
# Not a test. Each hashes one SIZE_MB random file (on /dev/shm unless HASH_DIR) with `berth digest
# --rate`; the JVM hashes it twice in one process and the second (warmed-up) rate counts.
#   bench/hash.sh [NATIVE_BINARY]      # default: target/*-runner; jar: target/quarkus-app
set -euo pipefail
SIZE_MB=${SIZE_MB:-1024}
DIR=${HASH_DIR:-/dev/shm}
NATIVE=${1:-$(ls target/*-runner 2>/dev/null | head -1 || true)}
JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
f=$(mktemp "$DIR/berth-hash.XXXXXX")
trap 'rm -f "$f"' EXIT
head -c $((SIZE_MB * 1048576)) /dev/urandom > "$f"
rate() { grep -o '[0-9.]* MiB/s' | tail -1 | cut -d' ' -f1; }
t0=$(date +%s.%N); sha256sum "$f" > /dev/null; t1=$(date +%s.%N)
coreutils=$(awk -v a="$t0" -v b="$t1" -v m="$SIZE_MB" 'BEGIN { printf "%.1f", m / (b - a) }')
jvm=$(java -jar "$JAR" digest --rate "$f" "$f" 2>&1 >/dev/null | rate)
native=-
if [[ -n $NATIVE && -x $NATIVE ]]; then native=$("$NATIVE" digest --rate "$f" 2>&1 >/dev/null | rate); fi
echo "SHA-256 of ${SIZE_MB} MiB in $DIR ($(date -u +%F), $(nproc) cores, $(grep -o -m1 -w 'sha_ni' /proc/cpuinfo || echo no-sha_ni))"
echo
echo "| hasher | MiB/s | ÷ HotSpot |"
echo "|---|---:|---:|"
for row in "sha256sum:$coreutils" "Berth JVM (HotSpot, 2nd pass):$jvm" "Berth native ($NATIVE):$native"; do
  name=${row%:*}; v=${row##*:}
  awk -v n="$name" -v v="$v" -v j="$jvm" 'BEGIN { printf "| %s | %s | %s |\n", n, v, (v == "-" ? "-" : sprintf("%.2f", v / j)) }'
done
