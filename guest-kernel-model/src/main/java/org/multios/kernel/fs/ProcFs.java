package org.multios.kernel.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.mm.Vma;
import org.multios.kernel.proc.Process;

/** /proc: self, per-process exe/stat/status/maps/cmdline, meminfo, cpuinfo; generated when read. */
public final class ProcFs implements FileSystem {
    private final Kernel k;
    private final Inode root;

    public ProcFs(Kernel k) {
        this.k = k;
        this.root = new Dir(() -> {
            List<String> names = new ArrayList<>(List.of("self", "meminfo", "cpuinfo", "uptime", "version", "cmdline", "mounts", "multios", "net"));
            for (Process p : k.processes()) if (!p.zombie) names.add(Integer.toString(p.pid));
            return names;
        }, this::rootLookup);
    }

    @Override public String type() { return "proc"; }
    @Override public Inode root() { return root; }

    private Inode rootLookup(String name) {
        switch (name) {
            case "self": return new TmpFs.Symlink(Integer.toString(k.current() == null ? 1 : k.current().process.pid));
            case "meminfo": return new Text(this::meminfo);
            case "cpuinfo": return new Text(() -> "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc\nmmu\t\t: sv39\n\n");
            case "uptime": return new Text(() -> String.format("%.2f 0.00\n", k.uptimeNanos() / 1e9));
            case "version": return new Text(() -> VERSION);
            case "cmdline": return new Text(() -> k.commandLine + "\n");
            case "mounts": return new Text(this::mounts);
            case "multios": return multiosDir();
            case "net": return new Dir(() -> List.of("dev", "route", "arp", "pnp", "if_inet6", "ipv6_route"), n -> {
                org.multios.kernel.net.NetStack st = org.multios.kernel.net.KernelNet.stack(k);
                return switch (n) {
                    case "dev" -> new Text(() -> org.multios.kernel.net.ProcNet.dev(st));
                    case "route" -> new Text(() -> org.multios.kernel.net.ProcNet.route(st));
                    case "arp" -> new Text(() -> org.multios.kernel.net.ProcNet.arp(st));
                    case "pnp" -> new Text(() -> org.multios.kernel.net.ProcNet.pnp(st));
                    case "if_inet6" -> new Text(() -> org.multios.kernel.net.ProcNet.ifInet6(st));
                    case "ipv6_route" -> new Text(() -> org.multios.kernel.net.ProcNet.ipv6Route(st));
                    default -> throw new KernelException(Errno.ENOENT);
                };
            });
            default:
        }
        int pid;
        try {
            pid = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new KernelException(Errno.ENOENT);
        }
        Process p = k.process(pid);
        if (p == null || p.zombie) throw new KernelException(Errno.ENOENT);
        return new Dir(() -> List.of("exe", "fd", "stat", "status", "maps", "cmdline"), n -> switch (n) {
            case "exe" -> new TmpFs.Symlink(p.exePath);
            case "fd" -> fdDir(p);
            case "cmdline" -> new Text(() -> String.join("\0", p.argv) + (p.argv.isEmpty() ? "" : "\0"));
            case "stat" -> new Text(() -> stat(p));
            case "status" -> new Text(() -> status(p));
            case "maps" -> new Text(() -> maps(p));
            default -> throw new KernelException(Errno.ENOENT);
        });
    }

    /** /proc/multios: MultiOS-specific files; tpm_eventlog = the boot's TCG event log (when measured). */
    private Inode multiosDir() {
        Inode log = new BlobFile(() -> k.tpmEventLog, 0444);
        return new Dir(() -> k.tpmEventLog == null ? List.of() : List.of("tpm_eventlog"), n -> {
            if (n.equals("tpm_eventlog") && k.tpmEventLog != null) return log;
            throw new KernelException(Errno.ENOENT);
        });
    }

    /** /proc/PID/fd: a link per open descriptor naming what it refers to (as readlink shows it on Linux). */
    private Inode fdDir(Process p) {
        return new Dir(() -> p.fds == null ? List.of() : p.fds.openFds().stream().map(String::valueOf).toList(), n -> {
            int fd;
            try {
                fd = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new KernelException(Errno.ENOENT);
            }
            if (p.fds == null || !p.fds.isOpen(fd)) throw new KernelException(Errno.ENOENT);
            OpenFile f = p.fds.get(fd);
            Inode i = f.inode();
            String target = f.path != null ? f.path.path()
                    : (i.mode() & Inode.S_IFMT) == Inode.S_IFIFO ? "pipe:[" + i.ino() + "]"
                    : (i.mode() & Inode.S_IFMT) == Inode.S_IFCHR ? "/dev/console" : "anon_inode:[" + i.ino() + "]";
            return new TmpFs.Symlink(target);
        });
    }

    /** /proc/version, in Linux's layout. */
    public static final String VERSION = "MultiOS version 6.1.0-multios (multios@java) #1 MultiOS\n";

    private String mounts() {
        StringBuilder sb = new StringBuilder();
        for (Kernel.Mount m : k.mounts) sb.append(m.device()).append(' ').append(m.path()).append(' ').append(m.type()).append(' ').append(m.options()).append(" 0 0\n");
        return sb.toString();
    }

    private String comm(Process p) { return p.exePath.substring(p.exePath.lastIndexOf('/') + 1); }

    private String meminfo() {
        long total = (long) k.frames.totalFrames() * 4, free = (long) k.frames.freeFrames() * 4;
        return "MemTotal:       " + total + " kB\nMemFree:        " + free + " kB\nMemAvailable:   " + free + " kB\n";
    }

    private String stat(Process p) {
        String state = p.threads.isEmpty() ? "Z" : p.threads.get(0).state == org.multios.kernel.proc.Task.State.RUNNABLE ? "R" : "S";
        return p.pid + " (" + comm(p) + ") " + state + " " + (p.parent == null ? 0 : p.parent.pid) + " " + p.pgid + " " + p.sid
                + " 0 -1 0 0 0 0 0 0 0 0 0 20 0 " + p.threads.size() + " 0 " + p.startNanos / 10_000_000 + " 0 "
                + (p.as == null ? 0 : p.as.residentPages()) + "\n";
    }

    private String status(Process p) {
        return "Name:\t" + comm(p) + "\nState:\t" + (p.zombie ? "Z (zombie)" : "R (running)") + "\nTgid:\t" + p.pid + "\nPid:\t" + p.pid
                + "\nPPid:\t" + (p.parent == null ? 0 : p.parent.pid) + "\nThreads:\t" + p.threads.size()
                + "\nVmRSS:\t" + (p.as == null ? 0 : p.as.residentPages() * 4) + " kB\n";
    }

    private String maps(Process p) {
        StringBuilder sb = new StringBuilder();
        if (p.as == null) return "";
        for (Vma v : p.as.areas()) {
            int pr = v.prot();
            sb.append(String.format("%08x-%08x %c%c%c%c 00000000 00:00 0", v.start(), v.end(), (pr & 1) != 0 ? 'r' : '-',
                    (pr & 2) != 0 ? 'w' : '-', (pr & 4) != 0 ? 'x' : '-', v.shared() ? 's' : 'p'));
            String name = v.name().equals("exe") ? p.exePath : v.name().equals("file") ? "" : v.name();
            if (!name.isEmpty()) sb.append("                          ").append(name);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** A directory whose entries are computed. */
    static final class Dir implements Inode {
        private final long ino = SyntheticInode.nextIno();
        private final Supplier<List<String>> names;
        private final java.util.function.Function<String, Inode> lookup;

        Dir(Supplier<List<String>> names, java.util.function.Function<String, Inode> lookup) {
            this.names = names;
            this.lookup = lookup;
        }

        @Override public long ino() { return ino; }
        @Override public int mode() { return S_IFDIR | 0555; }
        @Override public long size() { return 0; }
        @Override public Inode lookup(String name) { return lookup.apply(name); }

        @Override
        public List<DirEntry> list() {
            List<DirEntry> l = new ArrayList<>();
            for (String n : names.get()) {
                try {
                    Inode i = lookup.apply(n);
                    l.add(new DirEntry(n, i.ino(), TmpFs.dtype(i)));
                } catch (KernelException ignored) {
                    // gone meanwhile
                }
            }
            return l;
        }
    }

    /** A read-only file whose text is generated on open. */
    static final class Text implements Inode {
        private final long ino = SyntheticInode.nextIno();
        private final Supplier<String> text;

        Text(Supplier<String> text) { this.text = text; }

        @Override public long ino() { return ino; }
        @Override public int mode() { return S_IFREG | 0444; }
        @Override public long size() { return 0; }

        @Override
        public OpenFile open(int flags) {
            byte[] data = text.get().getBytes(StandardCharsets.UTF_8);
            Inode self = this;
            return new OpenFile(flags) {
                @Override public Inode inode() { return self; }
                @Override public int read(byte[] b, int off, int len) {
                    if (pos >= data.length) return 0;
                    int n = (int) Math.min(len, data.length - pos);
                    System.arraycopy(data, (int) pos, b, off, n);
                    pos += n;
                    return n;
                }
                @Override public int write(byte[] b, int off, int len) { throw new KernelException(Errno.EACCES); }
                @Override public long lseek(long o, int whence) { if (whence != 0 || o < 0) throw new KernelException(Errno.EINVAL); pos = o; return o; }
            };
        }
    }
}
