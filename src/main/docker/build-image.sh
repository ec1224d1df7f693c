#!/usr/bin/env bash
# Builds Berth's minimal container image from the native executable, without a Docker engine:
#   src/main/docker/build-image.sh [TAG]          (default tag: berth:<project version>)
# 1. assembles target/image-rootfs/: the binary (with the libraries a ../shared/native build
#    links to, via its bundle-libs.sh), the glibc files the binary loads, Java's CA certificates,
#    /etc/passwd and /etc/group with the non-root user 65532, /data and /tmp;
# 2. `buildah bud` on src/main/docker/Dockerfile.native-scratch (vfs storage under target/, so
#    it runs as root without overlay support);
# 3. writes the image as an OCI archive, target/berth-image.oci.tar, and prints its sizes.
# Needs: a native build (mvn package -Dnative), buildah, skopeo.
set -euo pipefail
cd "$(dirname "$0")/../../.."
VERSION=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
TAG=${1:-berth:$VERSION}
BIN=$(ls target/*-runner 2>/dev/null | head -1)
[ -x "$BIN" ] || { echo "no native executable in target/: run mvn package -Dnative first" >&2; exit 1; }
ROOTFS=target/image-rootfs
STORE=target/image-store
rm -rf "$ROOTFS"
# /proc and /dev stay empty: the container runtime mounts them.
mkdir -p "$ROOTFS/app/lib" "$ROOTFS/etc/ssl/certs/java" "$ROOTFS/data" "$ROOTFS/tmp" "$ROOTFS/proc" "$ROOTFS/dev"

# The executable, and the non-system libraries it links (a ../shared/native build needs libjava,
# libnio, ... and the libjvm shim next to it; a standard GraalVM build needs none).
KIT=../shared/native/bundle-libs.sh
# (grep reads all of ldd's output: with -q it could exit first, and pipefail would then see ldd's
# SIGPIPE and take the wrong branch.)
if ldd "$BIN" | grep 'libjava.so' >/dev/null; then
  [ -x "$KIT" ] || { echo "$BIN links JDK libraries but $KIT is missing" >&2; exit 1; }
  "$KIT" "$BIN" "$ROOTFS/app" >/dev/null
  mv "$ROOTFS/app/$(basename "$BIN")" "$ROOTFS/app/berth"
else
  cp "$BIN" "$ROOTFS/app/berth"
fi

# The C library files the binary (and its libraries) load, at the paths the loader looks in.
{ ldd "$BIN"; for l in "$ROOTFS"/app/lib/*.so; do if [ -e "$l" ]; then LD_LIBRARY_PATH="$ROOTFS/app/lib" ldd "$l"; fi; done; } |
  awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u | while read -r lib; do
    case "$lib" in "$PWD"/*|*/image-rootfs/*|*/graalvm*|*/.cache/*) continue ;; esac
    mkdir -p "$ROOTFS$(dirname "$lib")"
    cp -L "$lib" "$ROOTFS$lib"
  done
# Name resolution for the Azure endpoint (glibc loads these at run time, ldd can't see them).
for f in libnss_dns.so.2 libnss_files.so.2 libresolv.so.2; do
  src=$(ls /lib/x86_64-linux-gnu/$f 2>/dev/null || true)
  [ -n "$src" ] && mkdir -p "$ROOTFS/lib/x86_64-linux-gnu" && cp -L "$src" "$ROOTFS/lib/x86_64-linux-gnu/"
done
printf 'hosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"

# Java's trust store, for HTTPS to Azure (read at run time; mount a newer one over it).
CACERTS=""
for c in "${GRAALVM_HOME:-}/lib/security/cacerts" "${JAVA_HOME:-}/lib/security/cacerts" /etc/ssl/certs/java/cacerts; do
  [ -f "$c" ] && { CACERTS=$c; break; }
done
[ -n "$CACERTS" ] || { echo "no Java cacerts found (set JAVA_HOME)" >&2; exit 1; }
cp -L "$CACERTS" "$ROOTFS/etc/ssl/certs/java/cacerts"

printf 'root:x:0:0:root:/root:/sbin/nologin\nberth:x:65532:65532:berth:/nonexistent:/sbin/nologin\n' >"$ROOTFS/etc/passwd"
printf 'root:x:0:\nberth:x:65532:\n' >"$ROOTFS/etc/group"
chmod 1777 "$ROOTFS/tmp"
chown -R 65532:65532 "$ROOTFS/data"
chown -R 0:0 "$ROOTFS/app" "$ROOTFS/etc"

B="buildah --root $PWD/$STORE/root --runroot $PWD/$STORE/run --storage-driver vfs"
$B bud --quiet --layers=false -f src/main/docker/Dockerfile.native-scratch -t "$TAG" . >/dev/null
rm -f target/berth-image.oci.tar
$B push --quiet "$TAG" "oci-archive:target/berth-image.oci.tar:$TAG"
UNCOMPRESSED=$(du -sb "$ROOTFS" | cut -f1)
COMPRESSED=$(stat -c %s target/berth-image.oci.tar)
echo "image $TAG: target/berth-image.oci.tar"
echo "uncompressed (root file system): $((UNCOMPRESSED / 1024 / 1024)) MiB ($UNCOMPRESSED bytes)"
echo "compressed (OCI archive, gzip layers): $((COMPRESSED / 1024 / 1024)) MiB ($COMPRESSED bytes)"
