#!/bin/sh
# Rebuilds the x86_64 differential programs (static glibc, host gcc) from the riscv64-linux sources.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../../../../images/guest/riscv64-linux
for p in forkpipe signals pthreads; do
    gcc -static -O2 -pthread -o "$here/$p" "$src/$p.c"
    strip "$here/$p"
done
