#!/bin/sh
# Runs every recorded guest program through the real command line,
#   ./multios machine --arch riscv64 --bios none --kernel NAME.elf
# and compares its stdout and exit status with QEMU's recording (NAME.expected,
# NAME.exitcode; lines listed in NAME.qemu-errata are replaced first, see docs/images.md).
# The JUnit RiscvVirtDifferentialTest does the same in-process; this is the user's view.
# Usage: images/diff-multios.sh [NAME...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dir="$here/src/main/resources/org/multios/images/riscv64"
[ $# -gt 0 ] || set -- $(cd "$dir" && ls *.expected | sed 's/\.expected$//')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for name in "$@"; do
    expected="$tmp/$name.want"
    cp "$dir/$name.expected" "$expected"
    if [ -f "$dir/$name.qemu-errata" ]; then
        # Replace "line<TAB>qemu<TAB>correct<TAB>why" entries (lines end in CR LF).
        grep -v '^#' "$dir/$name.qemu-errata" | while IFS='	' read -r line qemu correct why; do
            [ -n "$line" ] || continue
            sed -i "${line}s/.*/${correct}\r/" "$expected"
        done
    fi
    harts=1
    [ -f "$dir/$name.harts" ] && harts=$(cat "$dir/$name.harts")
    status=0
    "$root/multios" machine --arch riscv64 --smp "$harts" --bios none --kernel "$dir/$name.elf" </dev/null \
        >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
    want_status=$(cat "$dir/$name.exitcode")
    if cmp -s "$expected" "$tmp/$name.out" && [ "$status" = "$want_status" ]; then
        echo "same   $name"
    else
        echo "DIFFER $name (exit $status, QEMU $want_status)"
        diff "$expected" "$tmp/$name.out" | head -6 | sed 's/^/       /'
        failed=$((failed + 1))
    fi
done
[ $failed -eq 0 ] || { echo "$failed program(s) differ" >&2; exit 1; }
