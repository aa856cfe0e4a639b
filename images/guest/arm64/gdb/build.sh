#!/bin/sh
# Rebuilds gdb-debugee.elf, the guest the arm64 GDB test debugs (committed, so tests need no
# cross compiler). -g -O0 keeps every local in memory and every line addressable;
# -mgeneral-regs-only keeps FP/SIMD out; -ffile-prefix-map and no build id make it reproducible.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-"$here/../../../src/main/resources/org/multios/images/arm64"}
mkdir -p "$out"
cd "$here"
aarch64-linux-gnu-gcc -g -O0 -march=armv8-a -mgeneral-regs-only -ffreestanding -fno-builtin -nostdlib -static \
    -fno-pie -no-pie -fno-asynchronous-unwind-tables -ffile-prefix-map="$here"=. -Wall -Wextra -Werror \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T link.ld -o "$out/gdb-debugee.elf" start.S debugee.c
