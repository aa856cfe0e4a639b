#!/usr/bin/env bash
# Rebuilds the gcc-built AArch64 program the disassembler test compares with objdump.
# Needs Debian's gcc-aarch64-linux-gnu.
set -euo pipefail
d="$(dirname "$0")/../isa-arm64/src/test/resources/org/multios/isa/arm64/disasm"
aarch64-linux-gnu-gcc -O2 -march=armv8.1-a+crc -mgeneral-regs-only -o "$d/intmix.elf" "$d/intmix.c"
aarch64-linux-gnu-strip --strip-debug "$d/intmix.elf"
echo "built $d/intmix.elf"
