package org.multios.kernel.fs.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.multios.kernel.boot.Cpio;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.BlockDevice;
import org.multios.kernel.fs.mfs.Compression;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;

/**
 * The default MultiOS disk (docs/boot.md, "Disk layout"), built from the {@code images}
 * module's resources: GPT with an MFS {@code boot} partition holding stage 2, the boot menu,
 * the kernel entry stub and an initrd, and an MFS {@code root} partition holding the userland
 * that {@code userland/riscv64/rootfs.manifest} lists. The initrd is a newc archive of the
 * same manifest, so the "initrd root" boot entry gives the same system. One builder for
 * {@code ./multios boot} (a temporary image) and {@code ./multios image create}.
 */
public final class DefaultImage {
    public static final String FIRMWARE = "org/multios/images/firmware/riscv64/";
    public static final String USERLAND = "org/multios/images/userland/riscv64/";
    public static final String MANIFEST = USERLAND + "rootfs.manifest";

    /**
     * Where one architecture's parts live: the boot chain under {@code firmware/<arch>} and the
     * userland under {@code userland/<gnu arch>} (the names images/userland/build.sh uses).
     */
    public record Arch(String name, String firmware, String userland) {
        public static final Arch RISCV64 = new Arch("riscv64", FIRMWARE, USERLAND);
        public static final Arch ARM64 = new Arch("arm64", "org/multios/images/firmware/arm64/", "org/multios/images/userland/aarch64/");
        public static final Arch X86_64 = new Arch("x86_64", "org/multios/images/firmware/x86_64/", "org/multios/images/userland/x86_64/");

        public String manifest() { return userland + "rootfs.manifest"; }
    }
    /** 1 MiB partition alignment, in 512-byte sectors. */
    static final long ALIGN = 2048;

    /** Where the parts come from (a class loader's resources, or a directory in tests). */
    @FunctionalInterface
    public interface Resources {
        /** The resource's bytes, or null when it does not exist. */
        byte[] read(String name) throws IOException;

        static Resources of(ClassLoader loader) {
            return name -> {
                try (InputStream in = loader.getResourceAsStream(name)) {
                    return in == null ? null : in.readAllBytes();
                }
            };
        }
    }

    /** A resource is missing or the manifest is malformed; the message is one line for the user. */
    public static final class ImageException extends IOException {
        public ImageException(String m) { super(m); }
    }

    /** One line of the manifest: a directory, a file (from a resource) or a symlink. */
    public record Entry(Kind kind, String path, int mode, String source) {
        public enum Kind { DIR, FILE, SYMLINK }
    }

    /** How the image is laid out. */
    public record Options(long sizeBytes, long bootBytes, MfsFormatOptions format, char[] rootPassphrase) {
        public static Options of(long size) {
            return new Options(size, Math.min(256L << 20, Math.max(8L << 20, size / 8)), MfsFormatOptions.defaults(), null);
        }
    }

    private final Resources res;
    private final Arch arch;

    /** The riscv64 image. */
    public DefaultImage(Resources res) { this(res, Arch.RISCV64); }

    public DefaultImage(Resources res, Arch arch) {
        this.res = res;
        this.arch = arch;
    }

    public Arch arch() { return arch; }

    byte[] need(String name) throws IOException {
        byte[] b = res.read(name);
        if (b == null) throw new ImageException("resource " + name + " is missing (build the images module: images/firmware and images/userland build.sh)");
        return b;
    }

    /** The userland manifest: "dir PATH MODE", "file PATH MODE SOURCE", "symlink PATH TARGET"; # comments. */
    public List<Entry> manifest() throws IOException {
        String text = new String(need(arch.manifest()), StandardCharsets.UTF_8);
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] w = l.split("\\s+");
            try {
                switch (w[0]) {
                    case "dir" -> out.add(new Entry(Entry.Kind.DIR, path(w[1]), Integer.parseInt(w[2], 8), null));
                    case "file" -> out.add(new Entry(Entry.Kind.FILE, path(w[1]), Integer.parseInt(w[2], 8), w[3]));
                    case "symlink" -> out.add(new Entry(Entry.Kind.SYMLINK, path(w[1]), 0777, w[2]));
                    default -> throw new ImageException(arch.manifest() + ":" + n + ": unknown entry kind '" + w[0] + "'");
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new ImageException(arch.manifest() + ":" + n + ": malformed line '" + l + "'");
            }
        }
        return out;
    }

    private static String path(String p) throws ImageException {
        if (!p.startsWith("/") || p.contains("/../") || p.endsWith("/..")) throw new ImageException("manifest path '" + p + "' must be absolute without ..");
        return p;
    }

    /** The initrd: the manifest's tree as a newc cpio archive. */
    public byte[] initrd() throws IOException {
        Cpio.Writer w = new Cpio.Writer();
        for (Entry e : manifest()) {
            String rel = e.path().equals("/") ? "." : e.path().substring(1);
            switch (e.kind()) {
                case DIR -> w.directory(rel, e.mode());
                case FILE -> w.file(rel, e.mode(), need(arch.userland() + e.source()));
                case SYMLINK -> w.symlink(rel, e.source());
            }
        }
        return w.finish();
    }

    /** Writes the whole image onto dev (dev.size() >= o.sizeBytes): GPT, boot and root partitions, formatted and filled. */
    public void write(BlockDevice dev, Options o) throws IOException {
        write(dev, o, true);
    }

    /** As {@link #write}, with {@code populate} false for blank (formatted, empty) partitions. */
    public void write(BlockDevice dev, Options o, boolean populate) throws IOException {
        long size = o.sizeBytes();
        long bootFirst = ALIGN, bootLast = bootFirst + o.bootBytes() / GptDisk.SECTOR - 1;
        long rootFirst = (bootLast + ALIGN) / ALIGN * ALIGN;
        long rootLast = GptDisk.lastUsable(size) / ALIGN * ALIGN - 1;
        if (rootLast - rootFirst < (16L << 20) / GptDisk.SECTOR) throw new ImageException("image too small for a root partition after a " + o.bootBytes() + "-byte boot partition");
        List<GptPartition> parts = List.of(
                new GptPartition(GptPartition.MULTIOS_BOOT, UUID.randomUUID(), bootFirst, bootLast, 0, "boot"),
                new GptPartition(GptPartition.MULTIOS_ROOT, UUID.randomUUID(), rootFirst, rootLast, 0, "root"));
        GptDisk.write(dev, UUID.randomUUID(), parts);
        BlockDevice boot = new SliceBlockDevice(dev, bootFirst * GptDisk.SECTOR, (bootLast - bootFirst + 1) * GptDisk.SECTOR, "boot");
        BlockDevice root = new SliceBlockDevice(dev, rootFirst * GptDisk.SECTOR, (rootLast - rootFirst + 1) * GptDisk.SECTOR, "root");
        // The boot partition is always stored uncompressed: stage 1's read-only MFS reader (and the
        // other architectures' loaders) can decode LZ4 at most, and --compress zstd must not make the
        // disk unbootable. Compression applies to the root partition.
        MfsVolume.format(boot, o.format().withCompression(Compression.NONE).withLabel("boot"));
        MfsFormatOptions rootOpts = o.format().withLabel("root");
        if (o.rootPassphrase() != null) rootOpts = rootOpts.withPassphrase(o.rootPassphrase(), 200_000);
        MfsVolume.format(root, rootOpts);
        if (!populate) return;
        try (MfsVolume v = MfsVolume.mount(boot, MfsMountOptions.defaults())) {
            long dir = v.mkdir(MfsVolume.ROOT, "boot", 0755, 0, 0);
            put(v, dir, "stage2.bin", 0644, need(arch.firmware() + "stage2.bin"));
            put(v, dir, "multios.cfg", 0644, need(arch.firmware() + "multios.cfg"));
            put(v, dir, "kernel.elf", 0755, need(arch.firmware() + "kernel.elf"));
            put(v, dir, "initrd.cpio", 0644, initrd());
            v.sync();
        }
        MfsMountOptions mo = MfsMountOptions.defaults();
        if (o.rootPassphrase() != null) mo = mo.withPassphrase(o.rootPassphrase());
        try (MfsVolume v = MfsVolume.mount(root, mo)) {
            populateRoot(v);
            v.sync();
        }
    }

    /** Fills a mounted root volume from the manifest. */
    public void populateRoot(MfsVolume v) throws IOException {
        for (Entry e : manifest()) {
            if (e.path().equals("/")) {
                v.chmod(MfsVolume.ROOT, e.mode());
                continue;
            }
            MfsVolume.ParentAndName pn = v.resolveParent(e.path());
            switch (e.kind()) {
                case DIR -> v.mkdir(pn.dir(), pn.name(), e.mode(), 0, 0);
                case FILE -> put(v, pn.dir(), pn.name(), e.mode(), need(arch.userland() + e.source()));
                case SYMLINK -> v.symlink(pn.dir(), pn.name(), e.source(), 0, 0);
            }
        }
    }

    private static void put(MfsVolume v, long dir, String name, int mode, byte[] data) throws IOException {
        long ino = v.create(dir, name, mode, 0, 0);
        v.write(ino, 0, data, 0, data.length);
    }

    /** The stage-1 firmware (loaded as the board's bios). */
    public byte[] stage1() throws IOException { return need(arch.firmware() + "stage1.bin"); }
}
