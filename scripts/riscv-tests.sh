#!/usr/bin/env bash
# Fetches, builds and runs the official riscv-tests (rv64ui/um/ua/uf/ud/uc/mi/si and the
# Zba/Zbb/Zbs suites, p and v
# environments) against MultiOS's RISC-V hart. Nothing of theirs is committed: sources and
# binaries live in WORKDIR (default: ${TMPDIR:-/tmp}/multios-riscv-tests).
#
#   scripts/riscv-tests.sh [WORKDIR]        fetch (if missing), build, run the JUnit suite
#   RISCV_TESTS_NO_RUN=1 scripts/riscv-tests.sh [WORKDIR]   fetch and build only
#
# Needs git, make and Debian's riscv64-unknown-elf-gcc (package gcc-riscv64-unknown-elf).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/multios-riscv-tests}"
src="$work/riscv-tests"
suites="rv64ui rv64um rv64ua rv64uf rv64ud rv64uc rv64mi rv64si rv64uzba rv64uzbb rv64uzbs"

die() { echo "riscv-tests.sh: $*" >&2; exit 1; }
command -v riscv64-unknown-elf-gcc >/dev/null || die "riscv64-unknown-elf-gcc not found (apt-get install gcc-riscv64-unknown-elf)"
command -v make >/dev/null || die "make not found"

mkdir -p "$work"
if [ ! -f "$src/isa/Makefile" ]; then
    command -v git >/dev/null || die "git not found"
    rm -rf "$src"
    git clone --depth 1 https://github.com/riscv-software-src/riscv-tests "$src"
fi
if [ ! -f "$src/env/p/riscv_test.h" ]; then
    rm -rf "$src/env"
    git clone --depth 1 https://github.com/riscv/riscv-test-env "$src/env"
fi

# GCC 12+ (binutils 2.38+) moved CSR and fence.i instructions into the Zicsr and Zifencei
# extensions; the suite's Makefile predates that and says only -march=rv64g.
build="$work/build"
mkdir -p "$build"
sed -e 's/-march=rv64g /-march=rv64g_zicsr_zifencei /g' \
    -e 's/-march=rv64g_\(z[a-z]*\) /-march=rv64g_\1_zicsr_zifencei /g' \
    "$src/isa/Makefile" > "$build/Makefile"
# Each suite's phony target builds its p and v tests (and their .dump listings).
# The v environment's C files need libc headers; Debian's bare-metal gcc has them via picolibc.
gcc_opts="-static -mcmodel=medany -fvisibility=hidden -nostdlib -nostartfiles"
if [ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ]; then gcc_opts="--specs=picolibc.specs $gcc_opts"; fi
make -C "$build" -f "$build/Makefile" src_dir="$src/isa" XLEN=64 RISCV_GCC_OPTS="$gcc_opts" -j"$(nproc)" $suites >/dev/null
echo "riscv-tests.sh: built $(ls "$build" | grep -c -- '-[pv]-[^.]*$') tests in $build" >&2

if [ -z "${RISCV_TESTS_NO_RUN:-}" ]; then
    cd "$here"
    RISCV_TESTS_DIR="$build" ./mvnw -q -pl isa-riscv -am test \
        -Dtest=RiscvTestsConformanceTest -Dsurefire.failIfNoSpecifiedTests=false
fi
