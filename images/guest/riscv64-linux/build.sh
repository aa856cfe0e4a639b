#!/bin/sh
# Rebuilds the static riscv64 Linux test programs for `multios run` and records their
# expected output under qemu-riscv64 (when installed) next to each ELF:
#   images/src/main/resources/org/multios/images/riscv64-linux/NAME (ELF), NAME.expected
# The .expected file is "stdout, then a last line 'exit=N'".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../src/main/resources/org/multios/images/riscv64-linux"
mkdir -p "$out"
CC=${CC:-riscv64-linux-gnu-gcc}
for src in "$here"/*.c; do
    name=$(basename "$src" .c)
    "$CC" -static -O2 -Wall -o "$out/$name" "$src" -lpthread -lm -Wl,--build-id=none
    riscv64-linux-gnu-strip "$out/$name"
done
cp "$here/execself.expected.in" "$out/execself.expected"
# hostile: the full suite's expectation on MultiOS is reviewed by hand (fork bombs and memory hogs
# cannot run under qemu-user, whose host kernel is the real one); the host-safe cases are
# recorded under qemu-riscv64 below.
cp "$here/hostile.expected.in" "$out/hostile.expected"
if command -v qemu-riscv64 >/dev/null; then
    for name in $(cat "$here/differential.list"); do
        tmp=$(mktemp -d)
        (cd "$tmp" && set +e; qemu-riscv64 "$out/$name" > "$tmp/out" 2>/dev/null; echo "exit=$?" >> "$tmp/out")
        mv "$tmp/out" "$out/$name.expected"
        rm -rf "$tmp"
    done
    tmp=$(mktemp -d)
    (cd "$tmp" && set +e; qemu-riscv64 "$out/hostile" --host-safe > "$tmp/out" 2>/dev/null; echo "exit=$?" >> "$tmp/out")
    mv "$tmp/out" "$out/hostile.qemu.expected"
    rm -rf "$tmp"
fi
