#!/bin/sh
# Rebuilds the x86-64 intmix guest (the riscv64 benchmark program, images/guest/riscv64/intmix.c,
# unchanged, over rt_x86.c) and a native build of the same source for the host time.
# Output: ../src/main/resources/org/multios/benchmarks/x86_64/intmix.elf (committed).
set -e
cd "$(dirname "$0")"
SRC=../../images/guest/riscv64/intmix.c
OUT=../src/main/resources/org/multios/benchmarks/x86_64
mkdir -p "$OUT"
FLAGS="-O2 -ffreestanding -nostdlib -static -no-pie -fno-pic -fcf-protection=none -fno-asynchronous-unwind-tables -fno-stack-protector -fno-tree-loop-distribute-patterns -Wl,--build-id=none -I."
gcc $FLAGS -DINTMIX_ROUNDS=3000 -o "$OUT/intmix.elf" rt_x86.c "$SRC"
gcc $FLAGS -DINTMIX_ROUNDS=2 -o "$OUT/intmix-small.elf" rt_x86.c "$SRC"
# native: the same program with the host's printf, for `time ./intmix-native`
mkdir -p native
printf '#include <stdio.h>\n#include <stdint.h>\n#define rt_printf printf\n' > native/rt.h
gcc -O2 -Inative -DINTMIX_ROUNDS=3000 -o native/intmix-native "$SRC"
