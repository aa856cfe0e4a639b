#!/bin/sh
# Rebuilds the x86_64 GDB test guest (committed, so tests need no compiler): gdb-debugee.elf
# (symbols, for GDB and objdump) and gdb-debugee.rom (the same bytes as a 64 KiB PC firmware
# image for machine --arch x86_64 --bios). Host gcc: -m64 -ffreestanding, -g -O0 so every local
# lives in memory; no SSE (-mgeneral-regs-only), no red zone, no CET/PIE/stack protector;
# -ffile-prefix-map and no build id make the output reproducible.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-"$here/../../../src/main/resources/org/multios/images/x86_64"}
mkdir -p "$out"
cd "$here"
gcc -m64 -g -O0 -ffreestanding -fno-builtin -nostdlib -static -fno-pie -no-pie -mno-red-zone -mgeneral-regs-only \
    -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables -ffile-prefix-map="$here"=. \
    -Wall -Wextra -Werror -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T link.ld \
    -o "$out/gdb-debugee.elf" start.S debugee.c
objcopy -O binary "$out/gdb-debugee.elf" "$out/gdb-debugee.rom"
size=$(wc -c < "$out/gdb-debugee.rom")
[ "$size" -eq 65536 ] || { echo "build.sh: ROM is $size bytes, not 64 KiB" >&2; exit 1; }
