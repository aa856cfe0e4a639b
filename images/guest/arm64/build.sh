#!/usr/bin/env bash
# Builds the arm64 bare-metal selftest and records its output under QEMU.
# Needs gcc-aarch64-linux-gnu and qemu-system-arm. Outputs go to the boards test resources.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../../boards/src/test/resources/org/multios/boards/arm64"
mkdir -p "$out"
aarch64-linux-gnu-gcc -O2 -march=armv8.1-a -mgeneral-regs-only -ffreestanding -nostdlib -static -fno-pie -no-pie \
    -Wl,--build-id=none -T "$here/link.ld" -o "$out/selftest.elf" "$here/start.S" "$here/selftest.c"
# QEMU's cortex-a57 lacks LSE atomics, so the oracle runs -cpu max (the program uses no FP/SIMD).
timeout 30 qemu-system-aarch64 -M virt,gic-version=3 -cpu max -m 128M -nographic -monitor none -serial stdio \
    -kernel "$out/selftest.elf" < /dev/null | tr -d '\r' > "$out/selftest.expected"
cat "$out/selftest.expected"
# FP/SIMD differential program: built without -mgeneral-regs-only, recorded on a Cortex-A57
# (FP and AdvSIMD, no FP16 arithmetic: the same feature set arm64-virt implements).
aarch64-linux-gnu-gcc -O2 -march=armv8-a+crypto -ffreestanding -nostdlib -static -fno-pie -no-pie \
    -fno-tree-loop-distribute-patterns -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$here/link.ld" \
    -o "$out/fpsimd.elf" "$here/start.S" "$here/fpsimd.c"
timeout 120 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -m 128M -nographic -monitor none -serial stdio \
    -kernel "$out/fpsimd.elf" < /dev/null | tr -d '\r' > "$out/fpsimd.expected"
tail -3 "$out/fpsimd.expected"
# Random-instruction differential: 300 random words per FP/SIMD data-processing pattern of the
# decode table (fixed seed), each run on random registers and FPCR; per-word state hashes.
python3 "$here/fprandom_gen.py" "$here/../../../isa-arm64/src/main/resources/org/multios/isa/arm64/decode/a64.decode" 300 "$here/fprandom_words.h"
aarch64-linux-gnu-gcc -O2 -march=armv8-a -mgeneral-regs-only -ffreestanding -nostdlib -static -fno-pie -no-pie \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$here/link.ld" \
    -o "$out/fprandom.elf" "$here/start.S" "$here/fprandom_run.S" "$here/fprandom.c"
timeout 120 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -m 128M -nographic -monitor none -serial stdio \
    -kernel "$out/fprandom.elf" < /dev/null | tr -d '\r' > "$out/fprandom.expected"
tail -1 "$out/fprandom.expected"
# The riscv64 intmix benchmark built for arm64-virt (benchmarks' Arm64MipsBenchmark), integer-only.
bench="$here/../../../benchmarks/src/main/resources/org/multios/benchmarks"
aarch64-linux-gnu-gcc -O2 -march=armv8-a -mgeneral-regs-only -ffreestanding -nostdlib -static -fno-pie -no-pie \
    -fno-tree-loop-distribute-patterns -DINTMIX_ROUNDS=INTMIX_ROUNDS_BENCH -I"$here/intmix" \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$here/link.ld" -o "$bench/arm64-intmix.elf" \
    "$here/start.S" "$here/intmix/trap.c" "$here/../riscv64/intmix.c"
timeout 120 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -m 128M -nographic -monitor none -serial stdio \
    -kernel "$bench/arm64-intmix.elf" < /dev/null | tr -d '\r' > "$bench/arm64-intmix.expected"
# QEMU's own device tree for the same machine, which Arm64VirtDeviceTreeTest compares with ours.
qemu-system-aarch64 -M virt,gic-version=3,dumpdtb="$out/qemu-virt-gicv3.dtb.full" -cpu cortex-a57 -m 128M -nographic >/dev/null 2>&1
dtc -I dtb -O dtb -o "$out/qemu-virt-gicv3.dtb" "$out/qemu-virt-gicv3.dtb.full" 2>/dev/null
rm -f "$out/qemu-virt-gicv3.dtb.full"
