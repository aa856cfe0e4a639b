#!/bin/sh
# Builds the MultiOS riscv64 boot chain into
# images/src/main/resources/org/multios/images/firmware/riscv64/ (or $OUT):
#   stage1.bin / stage1.elf   M-mode firmware at 0x80000000 (--bios), ELF with symbols for gdb
#   stage2.bin / stage2.elf   S-mode boot loader at 0x80200000 (/boot/stage2.bin)
#   kernel.elf                kernel entry stub at 0x80400000 (/boot/kernel.elf): native call 2
#   multios.cfg               default boot menu (/boot/multios.cfg)
#   multios-net.cfg           boot menu of a network boot (multios.cfg in the TFTP directory)
# and, for the tests, into images/src/test/resources/org/multios/images/firmware/riscv64/ (or
# $TEST_OUT): sbiprobe.elf, a stand-in kernel that exercises stage 1's resident SBI.
# Reproducible: the same compiler gives byte-identical files (no build id, paths mapped to
# ".", no recorded switches). Flags as images/build.sh, plus -g for the ELFs (gdb) and -Os.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
images=$(cd "$here/../.." && pwd)
out=${OUT:-"$images/src/main/resources/org/multios/images/firmware/riscv64"}
CC=${CC:-riscv64-unknown-elf-gcc}
OBJCOPY=${OBJCOPY:-riscv64-unknown-elf-objcopy}

for tool in "$CC" "$OBJCOPY"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "firmware/riscv64/build.sh: $tool not found (Debian: apt-get install gcc-riscv64-unknown-elf)" >&2
        exit 1
    fi
done

test_out=${TEST_OUT:-"$images/src/test/resources/org/multios/images/firmware/riscv64"}
mkdir -p "$out" "$test_out"
out=$(cd "$out" && pwd)
test_out=$(cd "$test_out" && pwd)
cd "$here"   # relative source paths: the debug info must not name the checkout
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CFLAGS="-march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -fno-builtin -nostdlib \
 -fno-pic -static -Os -g -gno-record-gcc-switches -Wall -Wextra -Werror -fno-common \
 -fno-asynchronous-unwind-tables -fno-stack-protector -ffile-prefix-map=$here=. -Wa,--debug-prefix-map,$here=. -Ilib"
LDFLAGS="-Wl,--build-id=none -Wl,--no-warn-rwx-segments"
LIB="console string fdt pci nvme hash lz4 gpt mfs elf tpm tcglog virtio_net net tftp"

build() { # name  sources...   (link script NAME/link.ld, output $dest/NAME.elf)
    name=$1; shift
    objs=""
    for src in "$@"; do
        o="$tmp/$name-$(echo "$src" | tr / _).o"
        $CC $CFLAGS -c "$src" -o "$o"
        objs="$objs $o"
    done
    # shellcheck disable=SC2086
    $CC $CFLAGS $LDFLAGS -T "${ld:-$name/link.ld}" -o "${dest:-$out}/$name.elf" $objs -lgcc
}

libsrc=""
for l in $LIB; do libsrc="$libsrc lib/$l.c"; done

# shellcheck disable=SC2086
build stage1 stage1/start.S stage1/main.c stage1/sbi.c $libsrc
# shellcheck disable=SC2086
build stage2 stage2/start.S stage2/main.c stage2/cfg.c stage2/menu.c stage2/bootinfo.c stage2/display.c $libsrc
build kernel kernel/stub.S
ld=test/sbiprobe/link.ld dest=$test_out build sbiprobe test/sbiprobe/start.S test/sbiprobe/main.c
$OBJCOPY -O binary "$out/stage1.elf" "$out/stage1.bin"
$OBJCOPY -O binary "$out/stage2.elf" "$out/stage2.bin"
cp "$here/multios.cfg" "$out/multios.cfg"
cp "$here/multios-net.cfg" "$out/multios-net.cfg"
for f in stage1.bin stage1.elf stage2.bin stage2.elf kernel.elf multios.cfg multios-net.cfg; do
    echo "built $f ($(wc -c < "$out/$f") bytes)"
done
echo "built sbiprobe.elf ($(wc -c < "$test_out/sbiprobe.elf") bytes, test resource)"
