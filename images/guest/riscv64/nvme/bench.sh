#!/bin/sh
# Must show 5: NVMe 4 KiB random-read IOPS and sequential-read MB/s as the guest sees
# them (nvmebench.elf, timed by mtime), under MultiOS and under QEMU's nvme device.
#   images/guest/riscv64/nvme/bench.sh            (run from anywhere; needs the cross
#                                                  compiler and qemu-system-riscv64)
# MultiOS reports virtual time (deterministic: the device's service model), QEMU wall time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/build.sh" "$tmp" >/dev/null
head -c $((64 << 20)) /dev/urandom > "$tmp/disk.img"
echo "== MultiOS (riscv64-virt, --disk readonly) =="
"$root/multios" machine --arch riscv64 --bios none --kernel "$tmp/nvmebench.elf" --disk "$tmp/disk.img,readonly" \
    | grep -E 'randread|seqread|FAIL' || true
echo "== QEMU $(qemu-system-riscv64 --version | head -1 | sed 's/.*version //') (virt, -device nvme) =="
qemu-system-riscv64 -M virt -bios none -nographic -kernel "$tmp/nvmebench.elf" \
    -drive if=none,id=d0,file="$tmp/disk.img",format=raw,readonly=on -device nvme,drive=d0,serial=multios \
    | grep -E 'randread|seqread|FAIL' || true
