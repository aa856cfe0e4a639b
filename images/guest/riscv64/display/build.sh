#!/bin/sh
# Builds display.elf (bochs-display as existing drivers use it: compared with QEMU) and
# display2d.elf (the MultiOS 2D engine, self-checking) with the flags of images/build.sh.
#   images/guest/riscv64/display/build.sh [OUTDIR]   (default: the images resources directory)
# Run:  ./multios machine --arch riscv64 --bios none --kernel display.elf --display png=screen.png
# QEMU: qemu-system-riscv64 -M virt -bios none -kernel display.elf -device bochs-display -display none -serial stdio
set -eu
here=$(cd "$(dirname "$0")" && pwd)
common="$here/../common"
images=$(cd "$here/../../.." && pwd)
out=${1:-"$images/src/main/resources/org/multios/images/riscv64"}
mkdir -p "$out"
CC=${CC:-riscv64-unknown-elf-gcc}
command -v "$CC" >/dev/null 2>&1 || { echo "build.sh: $CC not found (apt-get install gcc-riscv64-unknown-elf)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -fno-builtin -nostdlib \
 -fno-pic -static -O2 -g0 -Wall -Wextra -Werror -fno-common -fno-asynchronous-unwind-tables \
 -ffile-prefix-map=$images=. -I$common"
$CC $CFLAGS -c "$common/crt0.S" -o "$tmp/crt0.o"
$CC $CFLAGS -c "$common/rt.c" -o "$tmp/rt.o"
$CC $CFLAGS -c "$here/bochs.c" -o "$tmp/bochs.o"
for p in display display2d; do
    $CC $CFLAGS -c "$here/$p.c" -o "$tmp/$p.o"
    $CC $CFLAGS -T "$common/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -o "$out/$p.elf" "$tmp/crt0.o" "$tmp/rt.o" "$tmp/bochs.o" "$tmp/$p.o" -lgcc
    echo "built $out/$p.elf"
done
