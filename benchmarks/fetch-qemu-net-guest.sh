#!/bin/sh
# Fetches what NetBenchReport's QEMU column needs (issue 8, Must show 6): Debian's riscv64 Linux
# kernel (linux-image-riscv64 of trixie) with its virtio-net modules, and busybox-static for
# riscv64 (ifconfig, route, nc, ping), using apt's ordinary client with a private sources list,
# lists and cache under the output directory (the host's apt configuration is not touched).
#   OUT/vmlinux, OUT/modules/{failover,net_failover,virtio_net}.ko (load order), OUT/busybox
# Not committed: Debian's binaries, not ours. NetBenchReport builds the initramfs from them.
# Usage: benchmarks/fetch-qemu-net-guest.sh [OUT]   (default ~/.cache/multios/qemu-net-guest)
set -eu
out=${1:-$HOME/.cache/multios/qemu-net-guest}
apt="$out/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$out/modules"
echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$apt/sources.list"
touch "$apt/status"
set -- -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o Dir::State::Lists="$apt/lists" -o Dir::State::Status="$apt/status" -o Dir::Cache="$apt/cache" \
    -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
apt-get -q "$@" update
pkg=$(apt-cache "$@" depends linux-image-riscv64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -1)
[ -n "$pkg" ] || { echo "fetch-qemu-net-guest: no linux-image-riscv64 in the package lists" >&2; exit 1; }
(cd "$apt" && apt-get -q "$@" download "$pkg" busybox-static)
tmp=$(mktemp -d)
dpkg-deb -x "$apt"/"$pkg"_*.deb "$tmp"
dpkg-deb -x "$apt"/busybox-static_*.deb "$tmp"
cp "$tmp"/boot/vmlinux-* "$out/vmlinux"
cp "$tmp"/usr/bin/busybox "$out/busybox"
kdir=$(ls -d "$tmp"/usr/lib/modules/*/kernel)
for m in net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
    xz -dc "$kdir/$m.ko.xz" > "$out/modules/$(basename "$m").ko"
done
echo "$pkg" > "$out/version"
rm -rf "$tmp" "$apt"/*.deb
echo "fetch-qemu-net-guest: $pkg + busybox-static in $out"
