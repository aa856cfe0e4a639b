#!/bin/sh
# Rebuilds every guest program into a temporary directory and checks that the result is
# byte-identical to the committed ELFs (needs the toolchain named in images/README.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
committed="$here/src/main/resources/org/multios/images/riscv64"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
OUT="$tmp" "$here/build.sh" >/dev/null
status=0
for elf in "$committed"/*.elf; do
    name=$(basename "$elf")
    if ! cmp -s "$elf" "$tmp/$name"; then
        echo "differs: $name" >&2
        status=1
    fi
done
[ $status -eq 0 ] && echo "all $(ls "$committed"/*.elf | wc -l) ELFs reproduce byte for byte"
exit $status
