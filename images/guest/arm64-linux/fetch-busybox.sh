#!/bin/sh
# Fetches Debian's busybox-static for arm64 (issue 9, Must show 3) with apt's ordinary client
# and unpacks it to ${MULTIOS_BUSYBOX_DIR:-$HOME/.cache/multios/busybox-arm64}/bin/busybox,
# where RunArm64BusyboxTest looks for it. Not committed: it is Debian's binary, not ours.
set -eu
dir=${MULTIOS_BUSYBOX_DIR:-$HOME/.cache/multios/busybox-arm64}
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
apt-get update -qq
tmp=$(mktemp -d)
(cd "$tmp" && apt-get download busybox-static:arm64)
mkdir -p "$dir"
dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$dir"
rm -rf "$tmp"
echo "$dir/bin/busybox"
