#!/bin/sh
# Rebuilds the static x86_64 Linux test programs for `multios run --arch x86_64` with the host
# gcc (the host is x86_64) from the same sources as the riscv64 ones (images/guest/riscv64-linux,
# differential.list) plus extra.list (here: strings.c, glibc's SIMD string functions; ldouble.c,
# long double printf/strtold/libm; faults.c, CPU exceptions -> signals; the riscv64 directory:
# wildptr.c), and records each one's native output next to the ELF:
#   images/src/main/resources/org/multios/images/x86_64-linux/NAME (ELF), NAME.expected
# The .expected file is "stdout, then a last line 'exit=N'", run in an empty directory.
# Also gdbfork (../riscv64-linux/gdb/gdbfork.c), -g -O0 and not stripped, for GdbRunX86Test.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../riscv64-linux"
out="$here/../../src/main/resources/org/multios/images/x86_64-linux"
mkdir -p "$out"
CC=${CC:-gcc}
for name in $(cat "$src/differential.list" "$here/extra.list"); do
    c="$here/$name.c"; [ -f "$c" ] || c="$src/$name.c" # ours, else the riscv64 directory's (arch-neutral C)
    "$CC" -static -O2 -Wall -o "$out/$name" "$c" -lpthread -lm -Wl,--build-id=none
    strip "$out/$name"
done
for name in $(cat "$src/differential.list" "$here/extra.list"); do
    tmp=$(mktemp -d)
    (cd "$tmp" && set +e; "$out/$name" > "$tmp/out" 2>/dev/null < /dev/null; echo "exit=$?" >> "$tmp/out")
    mv "$tmp/out" "$out/$name.expected"
    rm -rf "$tmp"
done
gdbsrc="$src/gdb"
(cd "$gdbsrc" && "$CC" -static -g -O0 -Wall -Wextra -Werror -ffile-prefix-map="$gdbsrc"=. -Wl,--build-id=none -o "$out/gdbfork" gdbfork.c)
