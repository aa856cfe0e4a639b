#!/bin/sh
# Rebuilds debugee.elf, the guest the GDB stub test debugs (committed, so tests need no cross compiler).
set -e
cd "$(dirname "$0")"
riscv64-unknown-elf-gcc -g -O0 -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -nostdlib -nostartfiles \
    -T link.ld -Wl,--build-id=none -o debugee.elf start.S debugee.c
