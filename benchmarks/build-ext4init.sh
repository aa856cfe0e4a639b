#!/bin/sh
# Rebuilds the prebuilt /init of GuestFsBenchReport's ext4-under-QEMU initramfs (static riscv64,
# reproducible: no build id). Source: benchmarks/src/main/c/ext4init.c.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/src/main/resources/org/multios/benchmarks/ext4init"
mkdir -p "$(dirname "$out")"
riscv64-linux-gnu-gcc -static -O2 -Wall -o "$out" "$here/src/main/c/ext4init.c" -Wl,--build-id=none
riscv64-linux-gnu-strip "$out"
