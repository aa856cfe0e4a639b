#!/bin/sh
# Fetches Debian's riscv64 Linux kernel (package linux-image-riscv64 of trixie) with apt, without
# touching the host's apt configuration (a private sources list, lists and cache under the output
# directory), and lays out what GuestFsBenchReport's ext4-under-QEMU column needs:
#   OUT/vmlinux            the kernel image (qemu-system-riscv64 -kernel)
#   OUT/modules/*.ko       virtio_blk, ext4 and their dependencies, decompressed (signatures kept)
#   OUT/modules.order      load order (dependencies first)
#   OUT/version            the kernel package it came from
# Usage: benchmarks/fetch-riscv64-kernel.sh [OUT]   (default ~/.cache/multios/debian-riscv64-kernel)
set -eu
out=${1:-$HOME/.cache/multios/debian-riscv64-kernel}
apt="$out/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$out/modules"
echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt/sources.list"
touch "$apt/status"
set -- -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o Dir::State::Lists="$apt/lists" -o Dir::State::Status="$apt/status" -o Dir::Cache="$apt/cache" \
    -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
apt-get -q "$@" update
# linux-image-riscv64 is a metapackage; its Depends names the versioned image package.
pkg=$(apt-cache "$@" depends linux-image-riscv64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -1)
[ -n "$pkg" ] || { echo "fetch-riscv64-kernel: no linux-image-riscv64 in the package lists" >&2; exit 1; }
(cd "$apt" && apt-get -q "$@" download "$pkg")
tmp=$(mktemp -d)
dpkg-deb -x "$apt"/"$pkg"_*.deb "$tmp"
cp "$tmp"/boot/vmlinux-* "$out/vmlinux"
kdir=$(ls -d "$tmp"/usr/lib/modules/*/kernel)
: > "$out/modules.order"
for m in lib/crc16 fs/mbcache fs/jbd2/jbd2 crypto/crc32c_generic lib/libcrc32c fs/ext4/ext4 drivers/block/virtio_blk; do
    name=$(basename "$m")
    xz -dc "$kdir/$m.ko.xz" > "$out/modules/$name.ko"
    echo "$name.ko" >> "$out/modules.order"
done
echo "$pkg" > "$out/version"
rm -rf "$tmp" "$apt"/*.deb
echo "fetch-riscv64-kernel: $pkg in $out"
