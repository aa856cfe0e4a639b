#!/bin/sh
# Fetches Debian's busybox-static for amd64 (issue 10, Must show 3) with apt's ordinary client
# and unpacks it to ${MULTIOS_BUSYBOX_X86_DIR:-$HOME/.cache/multios/busybox-amd64}/bin/busybox,
# where RunX86BusyboxTest looks for it. Not committed: it is Debian's binary, not ours.
set -eu
dir=${MULTIOS_BUSYBOX_X86_DIR:-$HOME/.cache/multios/busybox-amd64}
tmp=$(mktemp -d)
(cd "$tmp" && apt-get download busybox-static:amd64)
mkdir -p "$dir"
dpkg-deb -x "$tmp"/busybox-static_*_amd64.deb "$dir"
rm -rf "$tmp"
echo "$dir/bin/busybox"
