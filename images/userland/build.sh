#!/bin/sh
# Rebuilds the MultiOS userland for riscv64 into the images module's resources:
#   images/src/main/resources/org/multios/images/userland/riscv64/
#     mbox              the multi-call binary (static, stripped)
#     etc/...           the root file system's configuration files (copied from rootfs/)
#     rootfs.manifest   what the initrd and the MFS root partition hold (format: docs/userland.md)
# The output is reproducible: no build ids, no timestamps, sources sorted.
# ARCH=aarch64 or x86_64 builds the same sources for another port (CC defaults to ARCH-linux-gnu-gcc);
# OUT=DIR writes somewhere else (e.g. to check that a rebuild is byte-identical).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ARCH=${ARCH:-riscv64}
CC=${CC:-${ARCH}-linux-gnu-gcc}
STRIP=${STRIP:-${CC%gcc}strip}
out=${OUT:-"$here/../src/main/resources/org/multios/images/userland/$ARCH"}
mkdir -p "$out"
cd "$here/src"
# -Os and section GC keep the static binary small; the file-prefix map keeps host paths out of it
"$CC" -static -Os -std=gnu11 -Wall -Wextra -Wno-unused-parameter -ffunction-sections -fdata-sections \
    -ffile-prefix-map="$here"=. -Wl,--gc-sections -Wl,--build-id=none \
    -o "$out/mbox" $(ls *.c | LC_ALL=C sort)
"$STRIP" --strip-all -R .comment "$out/mbox"

rm -rf "$out/etc"
cp -r "$here/rootfs/etc" "$out/etc"
# the greeting names the architecture the binaries are for
sed -i "s/^Welcome to MultiOS (riscv64)/Welcome to MultiOS ($ARCH)/" "$out/etc/motd"
# the welcome line names the architecture the binaries are for
sed "s/MultiOS (riscv64)/MultiOS ($ARCH)/" "$here/rootfs/etc/motd" > "$out/etc/motd"

# the manifest: directories, files, one link per applet (from applets.def)
{
    echo "# MultiOS root file system ($ARCH), written by images/userland/build.sh; format: docs/userland.md"
    echo "dir / 0755"
    for d in bin sbin etc dev proc sys tmp:1777 root:0700 home mnt var var/log run boot; do
        case $d in *:*) echo "dir /${d%%:*} ${d#*:}";; *) echo "dir /$d 0755";; esac
    done
    echo "file /bin/mbox 0755 mbox"
    (cd "$here/rootfs" && find etc -type f | LC_ALL=C sort) | while read -r f; do
        mode=0644
        case $f in etc/shadow) mode=0600;; esac
        echo "file /$f $mode $f"
    done
    sed -n 's/^APPLET("\([^"]*\)", *[a-z0-9_]*, *\([^)]*\)).*/\2 \1/p' "$here/src/applets.def" | LC_ALL=C sort -k2 | while read -r dir name; do
        if [ "$dir" = /bin ]; then echo "symlink /bin/$name mbox"; else echo "symlink $dir/$name ../bin/mbox"; fi
    done
} > "$out/rootfs.manifest"
echo "built $out/mbox ($(wc -c < "$out/mbox") bytes) and $out/rootfs.manifest"
