#!/bin/sh
# Builds the bare-metal RISC-V guest programs under images/guest/riscv64 into ELFs under
# images/src/main/resources/org/multios/images/riscv64/ (or $OUT). Idempotent: rebuilds everything
# each time (it takes a few seconds) and produces byte-identical output for the same compiler.
#
# Flags, and why:
#   -march=rv64gc -mabi=lp64d   RV64IMAFDC + Zicsr + Zifencei: what riscv64-virt implements
#                               (bitmanip adds _zba_zbb_zbs for its own file only)
#   -mcmodel=medany             code and data live at 0x80000000, beyond +-2 GiB of zero
#   -ffreestanding -nostdlib    no libc: the runtime in common/ does console, printf, exit
#   -fno-builtin                printf and memset stay ours
#   -O2 -g0                     stable, reasonably fast code; no debug info keeps ELFs small
#   -Wl,--build-id=none         no build id, so rebuilding gives the same bytes
#   -fno-pic -static            absolute link at the address QEMU's -kernel loads
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src="$here/guest/riscv64"
out=${OUT:-"$here/src/main/resources/org/multios/images/riscv64"}
CC=${CC:-riscv64-unknown-elf-gcc}

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build.sh: $CC not found (Debian: apt-get install gcc-riscv64-unknown-elf)" >&2
    exit 1
fi

# Optional arguments: build only the named programs.
only="$*"
mkdir -p "$out"
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT

CFLAGS="-march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -fno-builtin -nostdlib \
 -fno-pic -static -O2 -g0 -Wall -Wextra -Werror -fno-common -fno-asynchronous-unwind-tables \
 -ffile-prefix-map=$here=. -I$src/common"
LDFLAGS="-T $src/common/link.ld -Wl,--build-id=none -Wl,--no-warn-rwx-segments"

# name : extra flags : source files (besides the runtime)
programs="
hello::hello.c
intmix:-DINTMIX_ROUNDS=INTMIX_ROUNDS_BENCH:intmix.c
intmix-small:-DINTMIX_ROUNDS=INTMIX_ROUNDS_SMALL:intmix.c
fpu::fpu.c
atomics::atomics.c
traps::traps.c
vm::vm.c
bitmanip:-march=rv64gc_zba_zbb_zbs:bitmanip.c
muldiv::muldiv.c
plic::plic.c
smp::smp.c
rvc::rvc.c
pmp::pmp.c
interrupts::interrupts.c
smc::smc.c
fdt::fdt.c
uart::uart.c
csr::csr.c
timer::timer.c
"

for rt in crt0.S rt.c; do
    $CC $CFLAGS -c "$src/common/$rt" -o "$build_dir/${rt%.*}.o"
done

echo "$programs" | while IFS=: read -r name extra files; do
    [ -n "$name" ] || continue
    if [ -n "$only" ]; then
        case " $only " in *" $name "*) ;; *) continue ;; esac
    fi
    objs=""
    for f in $files; do
        $CC $CFLAGS $extra -c "$src/$f" -o "$build_dir/$name-${f%.*}.o"
        objs="$objs $build_dir/$name-${f%.*}.o"
    done
    # shellcheck disable=SC2086
    $CC $CFLAGS $LDFLAGS -o "$out/$name.elf" "$build_dir/crt0.o" "$build_dir/rt.o" $objs -lgcc
    echo "built $name.elf"
done

# The boot chain (stage 1, stage 2, kernel stub, multios.cfg) has its own script and output
# directory (FIRMWARE_OUT overrides it); only a full build rebuilds it.
if [ -z "$only" ]; then
    OUT="${FIRMWARE_OUT:-}" "$here/firmware/riscv64/build.sh"
fi
