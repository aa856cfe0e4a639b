#!/bin/sh
# Builds nvme.elf (the bare-metal NVMe driver test) and nvmebench.elf (IOPS and MB/s as the guest sees them) with the same compiler and flags as
# images/build.sh, against the shared runtime in images/guest/riscv64/common.
#   images/guest/riscv64/nvme/build.sh [OUTDIR]      (default: .; writes nvme.elf and nvmebench.elf)
# Run:  ./multios machine --arch riscv64 --bios none --kernel nvme.elf --disk DISK.img   (DISK >= 128 KiB)
# QEMU: qemu-system-riscv64 -M virt -bios none -nographic -kernel nvme.elf \
#         -drive if=none,id=d0,file=DISK.img,format=raw -device nvme,drive=d0,serial=multios
set -eu
here=$(cd "$(dirname "$0")" && pwd)
common="$here/../common"
out=${1:-.}
mkdir -p "$out"
CC=${CC:-riscv64-unknown-elf-gcc}
command -v "$CC" >/dev/null 2>&1 || { echo "build.sh: $CC not found (apt-get install gcc-riscv64-unknown-elf)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CFLAGS="-march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -fno-builtin -nostdlib \
 -fno-pic -static -O2 -g0 -Wall -Wextra -Werror -fno-common -fno-asynchronous-unwind-tables -I$common"
$CC $CFLAGS -c "$common/crt0.S" -o "$tmp/crt0.o"
$CC $CFLAGS -c "$common/rt.c" -o "$tmp/rt.o"
$CC $CFLAGS -c "$here/nvme_drv.c" -o "$tmp/nvme_drv.o"
for p in ${PROGRAMS:-nvme nvmebench}; do
    $CC $CFLAGS -c "$here/$p.c" -o "$tmp/$p.o"
    $CC $CFLAGS -T "$common/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -o "$out/$p.elf" "$tmp/crt0.o" "$tmp/rt.o" "$tmp/nvme_drv.o" "$tmp/$p.o" -lgcc
    echo "built $out/$p.elf"
done
