#!/bin/sh
# Rebuilds the static aarch64 Linux test programs for `multios run --arch arm64` from the
# same sources as the riscv64 ones (images/guest/riscv64-linux, differential.list) and
# records their expected output under qemu-aarch64 (when installed) next to each ELF:
#   images/src/main/resources/org/multios/images/arm64-linux/NAME (ELF), NAME.expected
# extra.list: more programs for the arm64 differential, from here (strings.c: glibc's SIMD string
# functions) or the riscv64 directory (wildptr.c: wild pointers end in SIGSEGV, exit 139).
# The .expected file is "stdout, then a last line 'exit=N'".
# Also gdbfork, -g -O0 and not stripped (see the end).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../riscv64-linux"
out="$here/../../src/main/resources/org/multios/images/arm64-linux"
mkdir -p "$out"
CC=${CC:-aarch64-linux-gnu-gcc}
for name in $(cat "$src/differential.list"); do
    "$CC" -static -O2 -Wall -o "$out/$name" "$src/$name.c" -lpthread -lm -Wl,--build-id=none
    aarch64-linux-gnu-strip "$out/$name"
done
for name in $(cat "$here/extra.list"); do
    c="$here/$name.c"; [ -f "$c" ] || c="$src/$name.c" # ours, else the riscv64 directory's (arch-neutral C)
    "$CC" -static -O2 -Wall -o "$out/$name" "$c" -Wl,--build-id=none
    aarch64-linux-gnu-strip "$out/$name"
done
# kbench (kernel operation benchmark, benchmarks' KernelOpsReport --arch arm64): built, not in the differential
"$CC" -static -O2 -Wall -o "$out/kbench" "$src/kbench.c" -Wl,--build-id=none
aarch64-linux-gnu-strip "$out/kbench"
if command -v qemu-aarch64 >/dev/null; then
    for name in $(cat "$src/differential.list" "$here/extra.list"); do
        tmp=$(mktemp -d)
        (cd "$tmp" && set +e; qemu-aarch64 "$out/$name" > "$tmp/out" 2>/dev/null; echo "exit=$?" >> "$tmp/out")
        mv "$tmp/out" "$out/$name.expected"
        rm -rf "$tmp"
    done
fi
# gdbfork (../riscv64-linux/gdb/gdbfork.c), -g -O0 and not stripped, for GdbRunArm64Test
gdbsrc="$src/gdb"
(cd "$gdbsrc" && "$CC" -static -g -O0 -Wall -Wextra -Werror -ffile-prefix-map="$gdbsrc"=. -Wl,--build-id=none -o "$out/gdbfork" gdbfork.c)
