#!/bin/sh
# Runs each prebuilt guest ELF under QEMU and records what it printed and how it exited,
# next to the ELF:  NAME.expected  (console bytes, exactly as QEMU's stdout received them)
#                   NAME.exitcode  (QEMU's exit status: the test finisher's code, 0 = pass)
# The differential tests compare our riscv64-virt board against these files.
#
# QEMU runs as -machine virt -cpu rv64,h=false -bios none: the hypervisor extension is
# switched off because riscv64-virt implements RV64GC + S + U (no H), and misa, mstatus
# and mideleg would otherwise show H's bits. Everything else is QEMU's default rv64 CPU.
#
# Usage: images/record-qemu.sh [NAME...]   (default: every *.elf)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir="$here/src/main/resources/org/multios/images/riscv64"
QEMU=${QEMU:-qemu-system-riscv64}
TIMEOUT=${TIMEOUT:-60}

if ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "record-qemu.sh: $QEMU not found (Debian: apt-get install qemu-system-misc)" >&2
    exit 1
fi

if [ $# -eq 0 ]; then
    set -- $(cd "$dir" && ls *.elf | sed 's/\.elf$//')
fi

for name in "$@"; do
    elf="$dir/$name.elf"
    [ -f "$elf" ] || { echo "record-qemu.sh: no $elf" >&2; exit 1; }
    # NAME.harts, if present, holds the number of harts the program needs (-smp).
    harts=1
    [ -f "$dir/$name.harts" ] && harts=$(cat "$dir/$name.harts")
    status=0
    # stdin from /dev/null: the guests read nothing, and QEMU must not grab the terminal.
    timeout "$TIMEOUT" "$QEMU" -machine virt -cpu rv64,h=false -smp "$harts" -bios none -nographic \
        -monitor none -serial stdio -kernel "$elf" </dev/null >"$dir/$name.expected.tmp" || status=$?
    if [ "$status" -eq 124 ]; then
        rm -f "$dir/$name.expected.tmp"
        echo "record-qemu.sh: $name did not finish within ${TIMEOUT}s" >&2
        exit 1
    fi
    mv "$dir/$name.expected.tmp" "$dir/$name.expected"
    echo "$status" >"$dir/$name.exitcode"
    echo "recorded $name (exit $status, $(wc -c <"$dir/$name.expected") bytes)"
done
