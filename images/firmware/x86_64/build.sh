#!/bin/sh
# Builds the MultiOS x86_64 boot chain into
# images/src/main/resources/org/multios/images/firmware/x86_64/ (or $OUT):
#   stage1.bin / stage1.elf   64 KiB ROM for the top of the 32-bit space (--bios): reset vector,
#                             real -> protected -> long mode, then C linked at 0x10000
#   stage2.bin / stage2.elf   long-mode boot loader at 0x200000 (/boot/stage2.bin)
#   kernel.elf                kernel entry stub at 0x400000 (/boot/kernel.elf): native call 2 = vmcall
#   multios.cfg               default boot menu (/boot/multios.cfg)
# The arch-neutral library C comes from ../riscv64/lib by relative path, compiled with
# lib/fw.h force-included (see there); console.c wraps the riscv64 console for port I/O.
# Reproducible: the same compiler gives byte-identical files (no build id, paths mapped to ".",
# no recorded switches). Host gcc: -m64 freestanding, no red zone, no SSE (the firmware never
# enables it), no PIC, -Os.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$here/../.." && pwd)
out=${OUT:-"$images/src/main/resources/org/multios/images/firmware/x86_64"}
CC=${CC:-gcc}
OBJCOPY=${OBJCOPY:-objcopy}
DTC=${DTC:-dtc}

for tool in "$CC" "$OBJCOPY" "$DTC"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "firmware/x86_64/build.sh: $tool not found (Debian: apt-get install gcc binutils device-tree-compiler)" >&2
        exit 1
    fi
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
fwroot=$(cd "$here/.." && pwd)
cd "$here"   # relative source paths: the debug info must not name the checkout
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$DTC -q -I dts -O dtb -o "$tmp/pc.dtb" stage1/pc.dts

CFLAGS="-m64 -ffreestanding -fno-builtin -nostdlib -mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -static \
 -Os -g -gno-record-gcc-switches -Wall -Wextra -Werror -fno-common -fno-asynchronous-unwind-tables \
 -fno-stack-protector -fcf-protection=none -ffile-prefix-map=$fwroot=.. -Wa,--debug-prefix-map,$fwroot=.. \
 -include lib/fw.h -Ilib -I../riscv64/stage2 -DPC_DTB=\"$tmp/pc.dtb\""
LDFLAGS="-no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-z,noexecstack -Wl,-z,max-page-size=4096"
SHARED="lib/string.c ../riscv64/lib/fdt.c ../riscv64/lib/pci.c ../riscv64/lib/nvme.c ../riscv64/lib/hash.c \
 ../riscv64/lib/lz4.c ../riscv64/lib/gpt.c ../riscv64/lib/mfs.c lib/console.c lib/pc.c lib/elf.c"

build() { # name  sources...   (link script NAME/link.ld, output $out/NAME.elf)
    name=$1; shift
    objs=""
    for src in "$@"; do
        o="$tmp/$name-$(echo "$src" | tr /. __).o"
        $CC $CFLAGS -c "$src" -o "$o"
        objs="$objs $o"
    done
    # shellcheck disable=SC2086
    $CC $CFLAGS $LDFLAGS -T "$name/link.ld" -o "$out/$name.elf" $objs
}

# shellcheck disable=SC2086
build stage1 stage1/start.S stage1/main.c $SHARED
# shellcheck disable=SC2086
build stage2 stage2/start.S stage2/main.c stage2/menu.c ../riscv64/stage2/cfg.c ../riscv64/stage2/bootinfo.c \
    ../riscv64/stage2/display.c $SHARED
build kernel kernel/stub.S
$OBJCOPY -O binary "$out/stage1.elf" "$out/stage1.bin"
$OBJCOPY -O binary "$out/stage2.elf" "$out/stage2.bin"
cp "$here/multios.cfg" "$out/multios.cfg"
size=$(wc -c < "$out/stage1.bin")
if [ "$size" -ne 65536 ]; then echo "firmware/x86_64/build.sh: stage1.bin is $size bytes, not a 64 KiB ROM" >&2; exit 1; fi
for f in stage1.bin stage1.elf stage2.bin stage2.elf kernel.elf multios.cfg; do
    echo "built $f ($(wc -c < "$out/$f") bytes)"
done
