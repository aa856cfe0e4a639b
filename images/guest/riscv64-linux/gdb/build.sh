#!/bin/sh
# Rebuilds gdbfork, the static riscv64 glibc program the `run --gdb` test debugs (committed, so
# tests need no cross compiler): -g -O0 and not stripped, unlike the programs of ../build.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-"$here/../../../src/main/resources/org/multios/images/riscv64-linux"}
mkdir -p "$out"
cd "$here"
riscv64-linux-gnu-gcc -static -g -O0 -Wall -Wextra -Werror -ffile-prefix-map="$here"=. -Wl,--build-id=none \
    -o "$out/gdbfork" gdbfork.c
riscv64-linux-gnu-gcc -static -g -O0 -Wall -Wextra -Werror -ffile-prefix-map="$here"=. -Wl,--build-id=none \
    -o "$out/gdbspin" gdbspin.c
