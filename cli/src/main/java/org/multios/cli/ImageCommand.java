package org.multios.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.image.DefaultImage;
import org.multios.kernel.fs.gpt.GptException;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.BlockDevice;
import org.multios.kernel.fs.mfs.Compression;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.Fsck;
import org.multios.kernel.fs.mfs.FsckReport;
import org.multios.kernel.fs.mfs.MfsDirEntry;
import org.multios.kernel.fs.mfs.MfsException;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsStat;
import org.multios.kernel.fs.mfs.MfsStatFs;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multios image}: MultiOS disk images (GPT with an MFS boot and an MFS root partition),
 * built and inspected from the host with the same MFS code the kernel uses (docs/mfs.md).
 */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Create and inspect MultiOS disk images (GPT + MFS boot and root partitions).",
        subcommands = {ImageCommand.Create.class, ImageCommand.Ls.class, ImageCommand.Put.class, ImageCommand.Get.class,
                ImageCommand.Rm.class, ImageCommand.Mkdir.class, ImageCommand.FsckCmd.class, ImageCommand.Snapshot.class,
                ImageCommand.Info.class, ImageSignCommand.Sign.class, ImageSignCommand.Keygen.class,
                NetBootFiles.ExportCommand.class})
final class ImageCommand implements Runnable {
    @ParentCommand Multios top;

    @Override
    public void run() { new picocli.CommandLine(this).usage(top.out); }

    /** Options every subcommand working on an existing image shares. */
    static final class Target {
        @Option(names = "--partition", defaultValue = "root", description = "Partition: boot or root (default: ${DEFAULT-VALUE}).")
        String partition;

        @Option(names = "--passphrase", description = "Passphrase of an encrypted volume.")
        String passphrase;
    }

    /** An open image: the host file, the partition slice and the mounted volume. */
    static final class Opened implements AutoCloseable {
        final FileBlockDevice file;
        final MfsVolume vol;
        final String where;

        Opened(FileBlockDevice file, MfsVolume vol, String where) {
            this.file = file;
            this.vol = vol;
            this.where = where;
        }

        @Override
        public void close() throws IOException {
            try {
                vol.close();
            } finally {
                file.close();
            }
        }
    }

    static Opened open(Path img, Target t, boolean write, boolean repair) throws UserInputException {
        if (!Files.exists(img)) throw new UserInputException(img + ": no such file");
        if (Files.isDirectory(img)) throw new UserInputException(img + ": is a directory, not a disk image");
        FileBlockDevice f = null;
        try {
            f = new FileBlockDevice(img, !write);
            GptDisk gpt = GptDisk.read(f);
            GptPartition p = gpt.byName(t.partition);
            if (p == null) throw new UserInputException(img + ": no partition named '" + t.partition + "' (have: " + names(gpt) + ")");
            BlockDevice slice = new SliceBlockDevice(f, p.offsetBytes(), p.sizeBytes(), img + " (" + t.partition + ")");
            MfsMountOptions o = write ? MfsMountOptions.defaults() : MfsMountOptions.readOnlyMount();
            if (repair) o = o.forRepair();
            if (t.passphrase != null) o = o.withPassphrase(t.passphrase.toCharArray());
            MfsVolume v = MfsVolume.mount(slice, o);
            return new Opened(f, v, img + " (" + t.partition + ")");
        } catch (UserInputException e) {
            closeQuietly(f);
            throw e;
        } catch (GptException e) {
            closeQuietly(f);
            throw new UserInputException(img + ": " + e.getMessage().replace(img + ": ", ""));
        } catch (IOException e) {
            closeQuietly(f);
            throw new UserInputException(img + " (" + t.partition + "): " + e.getMessage().replace(img + " (" + t.partition + "): ", ""));
        }
    }

    private static String names(GptDisk g) {
        List<String> n = new ArrayList<>();
        for (GptPartition p : g.partitions()) n.add(p.name());
        return String.join(", ", n);
    }

    private static void closeQuietly(FileBlockDevice f) {
        try {
            if (f != null) f.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    static UserInputException fail(Opened o, String path, IOException e) {
        return new UserInputException(o.where + ": " + (path == null ? "" : path + ": ") + e.getMessage());
    }

    static void requireWritable(Opened o) throws UserInputException {
        if (o.vol.isReadOnly()) throw new UserInputException(o.where + ": mounted read-only: " + o.vol.readOnlyReason() + " (run 'multios image fsck --repair')");
    }

    static String perms(MfsStat s) {
        char t = s.isDirectory() ? 'd' : s.isSymlink() ? 'l' : '-';
        StringBuilder b = new StringBuilder().append(t);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) b.append((s.mode() & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
        return b.toString();
    }

    // -------------------------------------------------------------------------------- create

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a disk image: GPT, MFS boot and root partitions.")
    static final class Create implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Option(names = "--size", required = true, converter = ByteSize.class, description = "Image size (e.g. 1G, 256M).") long size;
        @Option(names = "--empty", description = "Blank partitions (no MultiOS system files).") boolean empty;
        @Option(names = "--block-size", defaultValue = "4096", description = "MFS block size, 4096 to 65536 (default: ${DEFAULT-VALUE}).") int blockSize;
        @Option(names = "--compress", defaultValue = "none", description = "Default compression of new files: none, lz4, zstd.") String compress;
        @Option(names = "--passphrase", description = "Encrypt the root partition's data (AES-256-XTS) with a key from this passphrase.") String passphrase;
        @Option(names = "--boot-size", converter = ByteSize.class, description = "Boot partition size (default: 1/8 of the image, 8M to 256M).") Long bootSize;
        @Option(names = "--arch", defaultValue = "riscv64", converter = Arch.Converter.class,
                description = "Whose boot chain and userland the image holds: riscv64, arm64 or x86_64 (default: ${DEFAULT-VALUE}).") Arch arch;
        @Parameters(paramLabel = "OUT.img") Path out;

        @Override
        public Integer call() throws Exception {
            Compression c;
            try {
                c = Compression.parse(compress);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
            if (size < 64L << 20) throw new UserInputException("--size " + size + ": an image needs at least 64 MiB");
            if (blockSize < 4096 || blockSize > 65536 || Integer.bitCount(blockSize) != 1) throw new UserInputException("--block-size " + blockSize + ": must be a power of two from 4096 to 65536");
            if (Files.isDirectory(out)) throw new UserInputException(out + ": is a directory");
            long bootBytes = bootSize != null ? bootSize : Math.min(256L << 20, Math.max(8L << 20, size / 8));
            MfsFormatOptions base = MfsFormatOptions.defaults().withBlockSize(blockSize).withCompression(c);
            DefaultImage.Options opts = new DefaultImage.Options(size, bootBytes, base, passphrase == null ? null : passphrase.toCharArray());
            DefaultImage.Arch parts = switch (arch) {
                case RISCV64 -> DefaultImage.Arch.RISCV64;
                case ARM64 -> DefaultImage.Arch.ARM64;
                case X86_64 -> DefaultImage.Arch.X86_64;
            };
            DefaultImage builder = new DefaultImage(DefaultImage.Resources.of(ImageCommand.class.getClassLoader()), parts);
            try (FileBlockDevice dev = FileBlockDevice.create(out, size)) {
                builder.write(dev, opts, !empty);
            } catch (DefaultImage.ImageException | MfsException e) {
                throw new UserInputException(out + ": " + e.getMessage());
            }
            long rootMiB = (size - bootBytes) >> 20;
            image.top.message("created " + out + ": GPT, boot " + bootBytes / (1 << 20) + " MiB and root ~" + rootMiB + " MiB, MFS with "
                    + blockSize + "-byte blocks" + (empty ? " (empty)" : ", the default MultiOS system"));
            return 0;
        }
    }

    // -------------------------------------------------------------------------------- ls

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List a directory (or show one file) in the image.")
    static final class Ls implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Parameters(index = "0", paramLabel = "IMG") Path img;
        @Parameters(index = "1", paramLabel = "PATH", defaultValue = "/") String path;

        @Override
        public Integer call() throws Exception {
            try (Opened o = open(img, target, false, false)) {
                try {
                    long ino = o.vol.resolve(path, true);
                    MfsStat s = o.vol.stat(ino);
                    if (!s.isDirectory()) {
                        image.top.out.println(line(o.vol, s, path));
                    } else {
                        for (MfsDirEntry e : o.vol.readdir(ino)) image.top.out.println(line(o.vol, o.vol.stat(e.ino()), e.name()));
                    }
                } catch (IOException e) {
                    throw fail(o, path, e);
                }
            }
            image.top.out.flush();
            return 0;
        }

        private static String line(MfsVolume v, MfsStat s, String name) throws IOException {
            String link = s.isSymlink() ? " -> " + v.readlink(s.ino()) : "";
            return String.format("%s %3d %5d %5d %10d %s%s", perms(s), s.nlink(), s.uid(), s.gid(), s.size(), name, link);
        }
    }

    // -------------------------------------------------------------------------------- put / get

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Copy a host file into the image.")
    static final class Put implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Option(names = "--mode", defaultValue = "0644", description = "Permissions of a new file, octal (default: ${DEFAULT-VALUE}).") String mode;
        @Parameters(index = "0", paramLabel = "IMG") Path img;
        @Parameters(index = "1", paramLabel = "HOSTFILE") Path host;
        @Parameters(index = "2", paramLabel = "GUESTPATH") String guest;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(host)) throw new UserInputException(host + ": " + (Files.exists(host) ? "not a regular file" : "no such file"));
            int perm;
            try {
                perm = Integer.parseInt(mode, 8);
            } catch (NumberFormatException e) {
                throw new UserInputException("--mode " + mode + ": not an octal number");
            }
            try (Opened o = open(img, target, true, false); InputStream in = Files.newInputStream(host)) {
                requireWritable(o);
                try {
                    String dest = guest;
                    long ino;
                    try {
                        long existing = o.vol.resolve(dest, true);
                        if (o.vol.stat(existing).isDirectory()) {
                            dest = (dest.endsWith("/") ? dest : dest + "/") + host.getFileName();
                            existing = o.vol.resolve(dest, true);
                        }
                        if (o.vol.stat(existing).isDirectory()) throw new MfsException(MfsException.Errno.EISDIR, "is a directory");
                        ino = existing;
                        o.vol.truncate(ino, 0);
                    } catch (MfsException e) {
                        if (e.errno() != MfsException.Errno.ENOENT) throw e;
                        MfsVolume.ParentAndName pn = o.vol.resolveParent(dest);
                        ino = o.vol.create(pn.dir(), pn.name(), perm, 0, 0);
                    }
                    byte[] buf = new byte[1 << 20];
                    long off = 0;
                    for (int n; (n = in.read(buf)) > 0; off += n) o.vol.write(ino, off, buf, 0, n);
                    o.vol.fsync(ino);
                } catch (IOException e) {
                    throw fail(o, guest, e);
                }
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Copy a file out of the image to the host.")
    static final class Get implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Parameters(index = "0", paramLabel = "IMG") Path img;
        @Parameters(index = "1", paramLabel = "GUESTPATH") String guest;
        @Parameters(index = "2", paramLabel = "HOSTFILE") Path host;

        @Override
        public Integer call() throws Exception {
            try (Opened o = open(img, target, false, false)) {
                long ino;
                MfsStat s;
                try {
                    ino = o.vol.resolve(guest, true);
                    s = o.vol.stat(ino);
                    if (s.isDirectory()) throw new MfsException(MfsException.Errno.EISDIR, "is a directory");
                } catch (IOException e) {
                    throw fail(o, guest, e);
                }
                Path dest = Files.isDirectory(host) ? host.resolve(guest.substring(guest.lastIndexOf('/') + 1)) : host;
                try (OutputStream out = Files.newOutputStream(dest)) {
                    byte[] buf = new byte[1 << 20];
                    long off = 0;
                    while (off < s.size()) {
                        int n;
                        try {
                            n = o.vol.read(ino, off, buf, 0, buf.length);
                        } catch (IOException e) {
                            throw fail(o, guest, e);
                        }
                        if (n <= 0) break;
                        out.write(buf, 0, n);
                        off += n;
                    }
                } catch (NoSuchFileException e) {
                    throw new UserInputException(dest + ": cannot create (no such directory)");
                } catch (IOException e) {
                    throw new UserInputException(dest + ": " + e.getMessage());
                }
            }
            return 0;
        }
    }

    // -------------------------------------------------------------------------------- rm / mkdir

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a file, symlink or directory (-r: with its contents).")
    static final class Rm implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Option(names = {"-r", "--recursive"}, description = "Remove directories and their contents.") boolean recursive;
        @Parameters(index = "0", paramLabel = "IMG") Path img;
        @Parameters(index = "1", paramLabel = "PATH") String path;

        @Override
        public Integer call() throws Exception {
            try (Opened o = open(img, target, true, false)) {
                requireWritable(o);
                try {
                    MfsVolume.ParentAndName pn = o.vol.resolveParent(path);
                    remove(o.vol, pn.dir(), pn.name());
                    o.vol.sync();
                } catch (IOException e) {
                    throw fail(o, path, e);
                }
            }
            return 0;
        }

        private void remove(MfsVolume v, long dir, String name) throws IOException {
            long ino = v.lookup(dir, name);
            if (!v.stat(ino).isDirectory()) {
                v.unlink(dir, name);
                return;
            }
            if (recursive) for (MfsDirEntry e : v.readdir(ino)) remove(v, ino, e.name());
            v.rmdir(dir, name);
        }
    }

    @Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Make a directory in the image.")
    static final class Mkdir implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Option(names = {"-p", "--parents"}, description = "Make parent directories as needed; no error if it exists.") boolean parents;
        @Parameters(index = "0", paramLabel = "IMG") Path img;
        @Parameters(index = "1", paramLabel = "PATH") String path;

        @Override
        public Integer call() throws Exception {
            try (Opened o = open(img, target, true, false)) {
                requireWritable(o);
                try {
                    if (parents) {
                        long cur = MfsVolume.ROOT;
                        for (String c : path.split("/")) {
                            if (c.isEmpty()) continue;
                            try {
                                cur = o.vol.lookup(cur, c);
                            } catch (MfsException e) {
                                if (e.errno() != MfsException.Errno.ENOENT) throw e;
                                cur = o.vol.mkdir(cur, c, 0755, 0, 0);
                            }
                        }
                    } else {
                        MfsVolume.ParentAndName pn = o.vol.resolveParent(path);
                        o.vol.mkdir(pn.dir(), pn.name(), 0755, 0, 0);
                    }
                    o.vol.sync();
                } catch (IOException e) {
                    throw fail(o, path, e);
                }
            }
            return 0;
        }
    }

    // -------------------------------------------------------------------------------- fsck / snapshot / info

    @Command(name = "fsck", mixinStandardHelpOptions = true, description = "Check the file system; --repair fixes what it can.")
    static final class FsckCmd implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Option(names = "--repair", description = "Rebuild bitmaps, fix link counts, drop dangling entries, move orphans to /lost+found.") boolean repair;
        @Parameters(index = "0", paramLabel = "IMG") Path img;

        @Override
        public Integer call() throws Exception {
            try (Opened o = open(img, target, repair, repair)) {
                FsckReport r;
                try {
                    r = Fsck.check(o.vol, repair);
                } catch (IOException e) {
                    throw fail(o, null, e);
                }
                for (String p : r.problems) image.top.out.println("problem: " + p);
                for (String p : r.repairs) image.top.out.println("repaired: " + p);
                image.top.out.println(o.where + ": " + r.summary());
                image.top.out.flush();
                if (r.clean()) return 0;
                if (repair) {
                    FsckReport again = Fsck.check(o.vol, false);
                    image.top.out.println(o.where + ": after repair: " + again.summary());
                    image.top.out.flush();
                    return again.clean() ? 0 : 1;
                }
                return 1;
            }
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Snapshots: create NAME, list, rollback NAME, delete NAME.")
    static final class Snapshot implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Mixin Target target;
        @Parameters(index = "0", paramLabel = "IMG") Path img;
        @Parameters(index = "1", paramLabel = "ACTION", description = "create, list, rollback or delete") String action;
        @Parameters(index = "2", paramLabel = "NAME", arity = "0..1") String name;

        @Override
        public Integer call() throws Exception {
            boolean write = !action.equals("list");
            if (!List.of("create", "list", "rollback", "delete").contains(action)) throw new UserInputException("snapshot: unknown action '" + action + "' (create, list, rollback, delete)");
            if (write && name == null) throw new UserInputException("snapshot " + action + ": a NAME is needed");
            try (Opened o = open(img, target, write, false)) {
                if (write) requireWritable(o);
                try {
                    switch (action) {
                        case "create" -> o.vol.snapshotCreate(name);
                        case "rollback" -> o.vol.snapshotRollback(name);
                        case "delete" -> o.vol.snapshotDelete(name);
                        default -> {
                            for (MfsVolume.SnapshotInfo s : o.vol.snapshots())
                                image.top.out.println(s.id() + " " + s.name() + " " + Instant.ofEpochSecond(0, s.createdNanos()));
                        }
                    }
                } catch (IOException e) {
                    throw fail(o, "snapshot " + (name == null ? "" : name), e);
                }
            }
            image.top.out.flush();
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Show the partition table and each MFS volume.")
    static final class Info implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Option(names = "--passphrase", description = "Passphrase of an encrypted volume.") String passphrase;
        @Parameters(index = "0", paramLabel = "IMG") Path img;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(img)) throw new UserInputException(img + ": no such file");
            try (FileBlockDevice f = new FileBlockDevice(img, true)) {
                GptDisk g;
                try {
                    g = GptDisk.read(f);
                } catch (GptException e) {
                    throw new UserInputException(img + ": " + e.getMessage().replace(img + ": ", ""));
                }
                var out = image.top.out;
                out.println(img + ": " + f.size() + " bytes, GPT disk " + g.diskGuid() + (g.usedBackup() ? " (primary GPT bad, backup used)" : ""));
                for (GptPartition p : g.partitions()) {
                    out.printf("  %-5s LBA %d-%d (%d MiB) type %s%n", p.name(), p.firstLba(), p.lastLba(), p.sizeBytes() >> 20, p.type());
                    try {
                        MfsMountOptions o = MfsMountOptions.readOnlyMount();
                        if (passphrase != null) o = o.withPassphrase(passphrase.toCharArray());
                        MfsVolume v = MfsVolume.mount(new SliceBlockDevice(f, p.offsetBytes(), p.sizeBytes(), p.name()), o);
                        MfsStatFs s = v.statfs();
                        out.printf("        MFS '%s' uuid %s, %d-byte blocks, %d of %d blocks free, %d of %d inodes free, compression %s, %s%n",
                                v.label(), v.uuid(), s.blockSize(), s.freeBlocks(), s.totalBlocks(), s.freeInodes(), s.totalInodes(),
                                v.defaultCompression().name().toLowerCase(), v.encrypted() ? "encrypted (AES-256-XTS)" : "not encrypted");
                        for (MfsVolume.SnapshotInfo sn : v.snapshots()) out.println("        snapshot " + sn.name());
                        for (String prob : v.mountProblems()) out.println("        problem: " + prob);
                    } catch (IOException e) {
                        out.println("        not mountable: " + e.getMessage());
                    }
                }
                out.flush();
            } catch (IOException e) {
                throw new UserInputException(img + ": " + e.getMessage());
            }
            return 0;
        }
    }
}
