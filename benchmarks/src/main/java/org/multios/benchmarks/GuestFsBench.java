package org.multios.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.multios.cli.Multios;

/**
 * Runs the guest program {@code fsbench} (images/guest/riscv64-linux/fsbench.c) in three places and
 * returns what it printed with host stamps ({@link FsBenchTranscript}):
 * <ul>
 * <li>{@link #multios}: inside MultiOS — a fresh default disk image ({@code image create}, the
 *     default system) with the prebuilt riscv64 {@code fsbench} put into {@code /bin}, booted in this
 *     JVM ({@code multios boot --disk IMG}: firmware, kernel, root on MFS over the kernel's NVMe
 *     driver); the program is typed at the shell prompt. Host CPU is the machine thread's (the hart,
 *     the Java kernel, MFS and the NVMe controller model run in it) and, wider, the whole JVM's (adds
 *     the NVMe back end's disk I/O on virtual threads, the JIT compilers and the GC).</li>
 * <li>{@link #hostProcess}: a host process in a host directory — the same C source compiled with the
 *     host's gcc, or the riscv64 binary under qemu-riscv64. Host CPU is the program's own
 *     CLOCK_PROCESS_CPUTIME_ID (user + system, so the host kernel's file-system work is in it).</li>
 * <li>{@link #ext4Qemu}: on ext4 inside another emulated riscv64 machine — qemu-system-riscv64 (virt,
 *     OpenSBI, one hart, 512 MiB) booting Debian's riscv64 kernel (fetched by
 *     benchmarks/fetch-riscv64-kernel.sh) with a tiny initramfs ({@code ext4init} + the modules + the
 *     same riscv64 fsbench) and a fresh host-made ext4 image on virtio-blk. QEMU's guest clock follows
 *     the host's, so fsbench's own figures are host time there.</li>
 * </ul>
 */
final class GuestFsBench {
    /** What fsbench is asked to do (its command-line options). */
    record Params(int files, int fileBytes, int seqMib, int chunkKib, int fsyncs) {
        List<String> args(String dir) {
            return List.of("-t", "-n", "" + files, "-z", "" + fileBytes, "-m", "" + seqMib, "-c", "" + chunkKib, "-s", "" + fsyncs, dir);
        }
    }

    static final String RESOURCE = "/org/multios/images/riscv64-linux/fsbench";
    static final String PROMPT = "\nmultios# ";
    static final long WAIT_MS = 900_000;

    private GuestFsBench() {}

    /** The prebuilt riscv64 fsbench copied out of the images jar. */
    static Path riscvBinary(Path dir) throws IOException {
        Path exe = dir.resolve("fsbench.riscv64");
        try (InputStream in = GuestFsBench.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("no " + RESOURCE + " on the class path (images module)");
            Files.copy(in, exe, StandardCopyOption.REPLACE_EXISTING);
        }
        exe.toFile().setExecutable(true);
        return exe;
    }

    /** The same source compiled for the host with gcc -O2, or null when there is no gcc or no source. */
    static Path hostBinary(Path dir, Path source) throws IOException, InterruptedException {
        if (!Files.isRegularFile(source)) return null;
        Path exe = dir.resolve("fsbench.host");
        Process p = new ProcessBuilder("gcc", "-O2", "-o", exe.toString(), source.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("gcc " + source + " failed:\n" + out);
        return exe;
    }

    /** Is a command on PATH? */
    static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }

    /** Runs {@code command... fsbench-args} with the data directory {@code dataDir} (must not exist yet). */
    static FsBenchTranscript hostProcess(List<String> command, Params p, Path dataDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(p.args(dataDir.toString()));
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        FsBenchTranscript t = new FsBenchTranscript();
        // Host CPU per line would need /proc reads at 10 ms resolution; the program's own
        // CLOCK_PROCESS_CPUTIME_ID figures are exact, so lines carry no CPU stamp here.
        try (LineStamper s = new LineStamper(t, () -> -1)) {
            proc.getInputStream().transferTo(s);
        }
        if (!proc.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)) {
            proc.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": still running after " + WAIT_MS / 1000 + " s");
        }
        if (proc.exitValue() != 0 || !t.done()) throw new IOException(String.join(" ", cmd) + ": exit " + proc.exitValue() + "\n" + t.text());
        return t;
    }

    /** Result of a MultiOS run: the transcript and the image it left (for ls/fsck afterwards). */
    record MultiosRun(FsBenchTranscript transcript, Path image, String console) {}

    /**
     * Creates a fresh default image of {@code imageSize} in {@code dir}, puts fsbench in /bin, boots it
     * here, runs {@code fsbench -t ... /fsbench} at the prompt, powers off and returns what it printed.
     */
    static MultiosRun multios(Params p, Path dir, String imageSize) throws Exception {
        Path img = dir.resolve("fsbench.img");
        Files.deleteIfExists(img);
        cli("image", "create", "--size", imageSize, img.toString());
        cli("image", "put", "--mode", "0755", img.toString(), riscvBinary(dir).toString(), "/bin/fsbench");

        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        FsBenchTranscript t = new FsBenchTranscript();
        Thread[] machine = new Thread[1];
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        LineStamper stamper = new LineStamper(t, () -> mx.getThreadCpuTime(machine[0].threadId()), os::getProcessCpuTime, screen);
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        machine[0] = Thread.ofPlatform().name("multios-fsbench").unstarted(() -> status.set(Multios.run(
                new String[] {"boot", "--disk", img.toString(), "--rtc", "fixed"}, in,
                new PrintStream(stamper, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        machine[0].start();
        try {
            stamper.waitFor(PROMPT, machine[0]);
            String cmd = "fsbench " + String.join(" ", p.args("/fsbench")) + "; echo fsbench-status=$?\n";
            keys.write(cmd.getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            stamper.waitFor("fsbench-status=", machine[0]);
            stamper.waitFor(PROMPT, machine[0]);
            keys.write("poweroff\n".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            machine[0].join(WAIT_MS);
        } finally {
            if (machine[0].isAlive()) {
                machine[0].interrupt();
                keys.close();
            }
        }
        String console = stamper.text();
        if (machine[0].isAlive()) throw new IOException("multios boot did not power off; console:\n" + console);
        if (status.get() != 0) throw new IOException("multios boot exit " + status.get() + ": " + err + "\n" + console);
        if (!t.done() || !console.contains("fsbench-status=0")) throw new IOException("fsbench failed in the guest; console:\n" + console);
        return new MultiosRun(t, img, console);
    }

    /** Default place of the Debian riscv64 kernel that fetch-riscv64-kernel.sh lays out. */
    static Path defaultKernelDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "multios", "debian-riscv64-kernel");
    }

    /** Is the kernel there (vmlinux, modules.order and the modules it names)? */
    static boolean kernelReady(Path kernelDir) {
        return Files.isRegularFile(kernelDir.resolve("vmlinux")) && Files.isRegularFile(kernelDir.resolve("modules.order"));
    }

    /** mkfs.ext4 as root's PATH or sbin has it, or null. */
    static String mkfsExt4() {
        if (onPath("mkfs.ext4")) return "mkfs.ext4";
        for (String d : List.of("/usr/sbin", "/sbin")) if (Files.isExecutable(Path.of(d, "mkfs.ext4"))) return d + "/mkfs.ext4";
        return null;
    }

    /**
     * fsbench on ext4 in qemu-system-riscv64 with Debian's kernel: builds the initramfs (newc cpio:
     * /init = ext4init, /lib/m/*.ko in load order, /fsbench), makes a fresh ext4 image of
     * {@code imageSize} bytes, boots, and returns fsbench's lines stamped on arrival.
     */
    static FsBenchTranscript ext4Qemu(Params p, Path kernelDir, Path work, long imageSize) throws Exception {
        org.multios.kernel.boot.Cpio.Writer cpio = new org.multios.kernel.boot.Cpio.Writer();
        cpio.directory("dev", 0755).directory("mnt", 0755).directory("lib", 0755).directory("lib/m", 0755);
        StringBuilder order = new StringBuilder();
        for (String m : Files.readAllLines(kernelDir.resolve("modules.order"))) {
            if (m.isBlank()) continue;
            cpio.file("lib/m/" + m, 0644, Files.readAllBytes(kernelDir.resolve("modules").resolve(m)));
            order.append("/lib/m/").append(m).append('\n');
        }
        cpio.file("lib/modules.order", 0644, order.toString().getBytes(StandardCharsets.US_ASCII));
        try (InputStream in = GuestFsBench.class.getResourceAsStream("/org/multios/benchmarks/ext4init")) {
            if (in == null) throw new IOException("no ext4init resource (benchmarks/build-ext4init.sh)");
            cpio.file("init", 0755, in.readAllBytes());
        }
        cpio.file("fsbench", 0755, Files.readAllBytes(riscvBinary(work)));
        Path initramfs = work.resolve("ext4-initramfs.cpio"), img = work.resolve("ext4.img");
        Files.write(initramfs, cpio.finish());
        Files.deleteIfExists(img);
        try (var f = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            f.truncate(0);
            f.write(java.nio.ByteBuffer.allocate(1), imageSize - 1); // sparse
        }
        String mkfs = mkfsExt4();
        if (mkfs == null) throw new IOException("no mkfs.ext4 (e2fsprogs)");
        Process mk = new ProcessBuilder(mkfs, "-q", "-F", img.toString()).redirectErrorStream(true).start();
        String mkOut = new String(mk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (mk.waitFor() != 0) throw new IOException("mkfs.ext4 failed: " + mkOut);

        List<String> cmd = List.of("qemu-system-riscv64", "-machine", "virt", "-m", "512M", "-smp", "1", "-nographic", "-bios", "default",
                "-kernel", kernelDir.resolve("vmlinux").toString(), "-initrd", initramfs.toString(),
                "-append", "console=ttyS0 quiet panic=-1 -- " + String.join(" ", p.args("/mnt/fsbench")),
                "-drive", "file=" + img + ",format=raw,if=none,id=d0", "-device", "virtio-blk-pci,drive=d0", "-no-reboot");
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        proc.getOutputStream().close();
        FsBenchTranscript t = new FsBenchTranscript();
        try (LineStamper s = new LineStamper(t, () -> -1)) {
            proc.getInputStream().transferTo(s);
        }
        if (!proc.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)) {
            proc.destroyForcibly();
            throw new IOException("qemu-system-riscv64 still running after " + WAIT_MS / 1000 + " s");
        }
        if (!t.done() || !t.text().contains("ext4init: fsbench-status=0")) throw new IOException("fsbench on ext4 under QEMU failed:\n" + t.text());
        return t;
    }

    private static void cli(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int s = Multios.run(args, InputStream.nullInputStream(), new PrintStream(out, true), new PrintStream(out, true));
        if (s != 0) throw new IOException("multios " + String.join(" ", args) + " -> " + s + ": " + out);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /**
     * An output stream that cuts what it receives into lines, stamps each completed line with the
     * host clocks and hands it to the transcript; optionally keeps the raw text for prompt waits.
     */
    static final class LineStamper extends OutputStream {
        private final FsBenchTranscript transcript;
        private final LongSupplier cpu, processCpu;
        private final ByteArrayOutputStream all;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private int searched;

        LineStamper(FsBenchTranscript transcript, LongSupplier cpu) { this(transcript, cpu, () -> -1, null); }

        LineStamper(FsBenchTranscript transcript, LongSupplier cpu, LongSupplier processCpu, ByteArrayOutputStream all) {
            this.transcript = transcript;
            this.cpu = cpu;
            this.processCpu = processCpu;
            this.all = all;
        }

        @Override
        public synchronized void write(int b) {
            if (all != null) all.write(b);
            if (b == '\n') {
                long wall = System.nanoTime(), c = cpu.getAsLong(), pc = processCpu.getAsLong();
                String s = line.toString(StandardCharsets.UTF_8);
                if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
                line.reset();
                transcript.line(s, new FsBenchTranscript.Stamp(wall, c, pc));
            } else {
                line.write(b);
            }
            if (b == '\n' || b == ' ') notifyAll(); // the prompt ends in a blank, lines in a newline
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) write(b[off + i]);
        }

        synchronized String text() { return all == null ? "" : all.toString(StandardCharsets.UTF_8); }

        /** Waits until {@code s} appears after what earlier waits consumed. */
        synchronized void waitFor(String s, Thread machine) throws InterruptedException, IOException {
            long end = System.currentTimeMillis() + WAIT_MS;
            while (true) {
                String text = all.toString(StandardCharsets.UTF_8);
                int at = text.indexOf(s, searched);
                if (at >= 0) {
                    searched = at + s.length();
                    return;
                }
                long left = end - System.currentTimeMillis();
                if (left <= 0 || !machine.isAlive()) throw new IOException("no '" + s.strip() + "' on the console; it shows:\n" + text);
                wait(Math.min(left, 200));
            }
        }
    }
}
