#!/bin/sh
# Builds the MultiOS arm64 boot chain into
# images/src/main/resources/org/multios/images/firmware/arm64/ (or $OUT):
#   stage1.bin / stage1.elf   EL1 firmware for flash 0 (--bios), runs from RAM at 0x40100000
#   stage2.bin / stage2.elf   EL1 boot loader at 0x40200000 (/boot/stage2.bin)
#   kernel.elf                kernel entry stub at 0x40400000 (/boot/kernel.elf): native call 16
#   multios.cfg               default boot menu (/boot/multios.cfg)
# The arch-neutral library (fdt, pci, nvme, gpt, mfs, hash, lz4, string) and stage 2's cfg.c and
# bootinfo.c and display.c are riscv64's sources, compiled unchanged: lib/fw.h is force-included first and
# supplies the A64 parts of their header (see its comment). Reproducible: the same compiler
# gives byte-identical files (no build id, paths mapped to ".", no recorded switches).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$here/../.." && pwd)
out=${OUT:-"$images/src/main/resources/org/multios/images/firmware/arm64"}
CC=${CC:-aarch64-linux-gnu-gcc}
OBJCOPY=${OBJCOPY:-aarch64-linux-gnu-objcopy}

for tool in "$CC" "$OBJCOPY"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "firmware/arm64/build.sh: $tool not found (Debian: apt-get install gcc-aarch64-linux-gnu)" >&2
        exit 1
    fi
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
fw=$(cd "$here/.." && pwd)
cd "$fw"   # relative source paths (arm64/..., riscv64/...): the debug info must not name the checkout
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -mstrict-align: with the MMU off all memory is Device memory, where unaligned accesses fault.
CFLAGS="-march=armv8-a -mgeneral-regs-only -mstrict-align -mcmodel=small -ffreestanding -fno-builtin -nostdlib \
 -fno-pic -fno-pie -static -Os -g -gno-record-gcc-switches -Wall -Wextra -Werror -fno-common \
 -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector -ffile-prefix-map=$fw=. \
 -Wa,--debug-prefix-map,$fw=. -include arm64/lib/fw.h -Iarm64/lib -Iriscv64/lib -Iriscv64/stage2"
LDFLAGS="-no-pie -Wl,-z,max-page-size=4096 -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
SHARED="riscv64/lib/string.c riscv64/lib/fdt.c riscv64/lib/pci.c riscv64/lib/nvme.c riscv64/lib/hash.c riscv64/lib/lz4.c riscv64/lib/gpt.c riscv64/lib/mfs.c"
OWN="arm64/lib/console.c arm64/lib/elf.c arm64/lib/gic.c arm64/lib/psci.c arm64/lib/trap.c arm64/lib/vectors.S"

build() { # name  sources...   (link script arm64/NAME/link.ld, output $out/NAME.elf)
    name=$1; shift
    objs=""
    for src in "$@"; do
        o="$tmp/$name-$(echo "$src" | tr / _).o"
        $CC $CFLAGS -c "$src" -o "$o"
        objs="$objs $o"
    done
    # shellcheck disable=SC2086
    $CC $CFLAGS $LDFLAGS -T "arm64/$name/link.ld" -o "$out/$name.elf" $objs -lgcc
}

# shellcheck disable=SC2086
build stage1 arm64/stage1/start.S arm64/stage1/main.c $OWN $SHARED
# shellcheck disable=SC2086
build stage2 arm64/stage2/start.S arm64/stage2/main.c arm64/stage2/menu.c riscv64/stage2/cfg.c riscv64/stage2/bootinfo.c riscv64/stage2/display.c $OWN $SHARED
build kernel arm64/kernel/stub.S
$OBJCOPY -O binary "$out/stage1.elf" "$out/stage1.bin"
$OBJCOPY -O binary "$out/stage2.elf" "$out/stage2.bin"
cp "$here/multios.cfg" "$out/multios.cfg"
for f in stage1.bin stage1.elf stage2.bin stage2.elf kernel.elf multios.cfg; do
    echo "built $f ($(wc -c < "$out/$f") bytes)"
done
