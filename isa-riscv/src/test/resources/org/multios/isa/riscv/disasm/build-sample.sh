#!/bin/sh
# Rebuilds sample.elf, the gcc-built program the disassembler is compared with objdump on.
# Needs Debian's gcc-riscv64-linux-gnu (gcc 12). The ELF is committed so the comparison
# test needs only objdump.
set -eu
cd "$(dirname "$0")"
riscv64-linux-gnu-gcc -O2 -march=rv64gc_zba_zbb_zbs -mabi=lp64d -mcmodel=medany -ffreestanding -fno-math-errno \
    -nostdlib -static -fno-pie -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-Ttext=0x80000000 \
    -o sample.elf sample.c
echo "built $(pwd)/sample.elf"
