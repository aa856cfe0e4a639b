#!/bin/sh
# Records tests/NAME.expected for every tests/NAME.sh: stdout of `mbox sh -c "$(cat NAME.sh)"` under
# qemu-riscv64 in an empty directory with the environment UserlandDifferentialTest uses, then
# "exit=N". Run after build.sh when a script or mbox changes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mbox="$here/../src/main/resources/org/multios/images/userland/riscv64/mbox"
qemu=$(command -v qemu-riscv64)
for script in "$here"/tests/*.sh; do
    name=$(basename "$script" .sh)
    tmp=$(mktemp -d)
    (cd "$tmp" && set +e; env -i PATH=/nonexistent HOME=/ LC_ALL=C TERM=dumb "$qemu" "$mbox" sh -c "$(cat "$script")" > "$tmp.out" 2>/dev/null; echo "exit=$?" >> "$tmp.out")
    mv "$tmp.out" "$here/tests/$name.expected"
    rm -rf "$tmp"
done
