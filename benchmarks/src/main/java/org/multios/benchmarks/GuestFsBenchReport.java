package org.multios.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 5, Must show 5: file create rate, sequential write/read MiB/s and fsync latency measured
 * inside the MultiOS guest (root on MFS over the kernel's NVMe driver) by the guest program
 * {@code fsbench}, beside the same program on the host file system (host gcc build, and the riscv64
 * binary under qemu-riscv64). Prints one table; see docs/benchmarks.md for how to read it.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar org.multios.benchmarks.GuestFsBenchReport
 * [--files N] [--file-bytes B] [--mib M] [--chunk-kib K] [--fsyncs S] [--runs R] [--warmup W]
 * [--engines multios,host,qemu,ext4] [--source images/guest/riscv64-linux/fsbench.c] [--image-size 512M]
 * [--kernel-dir ~/.cache/multios/debian-riscv64-kernel] [--verbose]}
 * <p>
 * Clocks, per engine: MultiOS — host wall time between the arrival of the phase's begin and end lines
 * on the emulated console, host CPU time of the machine thread and of the whole JVM over the same interval, and the
 * guest's own CLOCK_MONOTONIC (virtual: retired guest instructions; the Java kernel's work, MFS and
 * the NVMe model take no virtual time). Host processes — the program's own CLOCK_MONOTONIC (real
 * time there) and CLOCK_PROCESS_CPUTIME_ID (user + system). With several runs the best figure of
 * each cell is shown.
 */
public final class GuestFsBenchReport {
    private GuestFsBenchReport() {}

    /** One column of the table: a name and how to read each metric from a transcript. */
    private record Column(String engine, String name, Reader reader) {}

    private interface Reader {
        double rate(FsBenchTranscript t, String phase, boolean mib); // per second
        double flushMs(FsBenchTranscript t);
        double fsyncUs(FsBenchTranscript t, boolean p99);
    }

    private static final Reader MULTIOS_WALL = new Reader() {
        public double rate(FsBenchTranscript t, String ph, boolean mib) { var p = t.phase(ph); return mib ? p.mibPerSecond(p.hostWallNanos()) : p.perSecond(p.hostWallNanos()); }
        public double flushMs(FsBenchTranscript t) { return t.phase("flush").hostWallNanos() / 1e6; }
        public double fsyncUs(FsBenchTranscript t, boolean p99) { var l = t.hostWallFsync(); return (p99 ? l.p99() : l.median()) / 1e3; }
    };
    private static final Reader MULTIOS_CPU = new Reader() {
        public double rate(FsBenchTranscript t, String ph, boolean mib) { var p = t.phase(ph); return mib ? p.mibPerSecond(p.hostCpuNanos()) : p.perSecond(p.hostCpuNanos()); }
        public double flushMs(FsBenchTranscript t) { return t.phase("flush").hostCpuNanos() / 1e6; }
        public double fsyncUs(FsBenchTranscript t, boolean p99) { var l = t.hostCpuFsync(); return (p99 ? l.p99() : l.median()) / 1e3; }
    };
    private static final Reader MULTIOS_JVM = new Reader() {
        public double rate(FsBenchTranscript t, String ph, boolean mib) { var p = t.phase(ph); return mib ? p.mibPerSecond(p.processCpuNanos()) : p.perSecond(p.processCpuNanos()); }
        public double flushMs(FsBenchTranscript t) { return t.phase("flush").processCpuNanos() / 1e6; }
        // the JVM's CPU clock ticks in 10 ms steps on Linux: per operation only the mean means anything
        public double fsyncUs(FsBenchTranscript t, boolean p99) { var p = t.phase("fsync"); return p99 ? Double.NaN : p.processCpuNanos() / 1e3 / p.ops(); }
    };
    /** The program's own clocks: virtual under MultiOS, host time in a host process. */
    private static final Reader GUEST_CLOCK = new Reader() {
        public double rate(FsBenchTranscript t, String ph, boolean mib) { var p = t.phase(ph); return mib ? p.mibPerSecond(p.guestNanos()) : p.perSecond(p.guestNanos()); }
        public double flushMs(FsBenchTranscript t) { return t.phase("flush").guestNanos() / 1e6; }
        public double fsyncUs(FsBenchTranscript t, boolean p99) { var l = t.guestFsync(); return (p99 ? l.p99() : l.median()) / 1e3; }
    };
    /** A host process's CLOCK_PROCESS_CPUTIME_ID; fsync is the mean per operation (no per-op CPU clock). */
    private static final Reader GUEST_CPU = new Reader() {
        public double rate(FsBenchTranscript t, String ph, boolean mib) { var p = t.phase(ph); return mib ? p.mibPerSecond(p.guestCpuNanos()) : p.perSecond(p.guestCpuNanos()); }
        public double flushMs(FsBenchTranscript t) { return t.phase("flush").guestCpuNanos() / 1e6; }
        public double fsyncUs(FsBenchTranscript t, boolean p99) { var p = t.phase("fsync"); return p99 ? Double.NaN : p.guestCpuNanos() / 1e3 / p.ops(); }
    };

    public static void main(String[] args) throws Exception {
        int files = 1000, fileBytes = 512, mib = 32, chunkKib = 64, fsyncs = 200, runs = 1, warmup = 1;
        List<String> engines = List.of("multios", "host", "qemu", "ext4");
        Path kernelDir = GuestFsBench.defaultKernelDir();
        Path source = Path.of("images/guest/riscv64-linux/fsbench.c");
        String imageSize = "512M";
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--verbose")) { verbose = true; continue; }
            String v = i + 1 < args.length ? args[++i] : null;
            if (v == null) usage("missing value after " + a);
            switch (a) {
                case "--files" -> files = number(a, v);
                case "--file-bytes" -> fileBytes = number(a, v);
                case "--mib" -> mib = number(a, v);
                case "--chunk-kib" -> chunkKib = number(a, v);
                case "--fsyncs" -> fsyncs = number(a, v);
                case "--runs" -> runs = number(a, v);
                case "--warmup" -> warmup = number(a, v);
                case "--engines" -> engines = List.of(v.split(","));
                case "--source" -> source = Path.of(v);
                case "--image-size" -> imageSize = v;
                case "--kernel-dir" -> kernelDir = Path.of(v);
                default -> usage("unknown option " + a);
            }
        }
        for (String e : engines) if (!List.of("multios", "host", "qemu", "ext4").contains(e)) usage("unknown engine " + e + " (multios, host, qemu, ext4)");
        if (runs < 1 || fsyncs < 1 || chunkKib % 4 != 0) usage("--runs and --fsyncs need at least 1, --chunk-kib a multiple of 4");
        GuestFsBench.Params p = new GuestFsBench.Params(files, fileBytes, mib, chunkKib, fsyncs);
        GuestFsBench.Params small = new GuestFsBench.Params(Math.min(files, 100), fileBytes, Math.min(mib, 4), chunkKib, Math.min(fsyncs, 20));

        Path work = Files.createTempDirectory("fsbench");
        Map<String, List<FsBenchTranscript>> results = new LinkedHashMap<>();
        List<Column> columns = new ArrayList<>();
        try {
            if (engines.contains("multios")) {
                for (int w = 0; w < warmup; w++) {
                    log("multios warm-up run " + (w + 1) + " (small, not counted)");
                    GuestFsBench.multios(small, work, imageSize);
                }
                List<FsBenchTranscript> l = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    log("multios run " + (r + 1) + "/" + runs);
                    GuestFsBench.MultiosRun run = GuestFsBench.multios(p, work, imageSize);
                    if (verbose) System.out.println(run.transcript().text());
                    l.add(run.transcript());
                }
                results.put("multios", l);
                columns.add(new Column("multios", "MultiOS wall", MULTIOS_WALL));
                columns.add(new Column("multios", "MultiOS CPU", MULTIOS_CPU));
                columns.add(new Column("multios", "MultiOS JVM CPU", MULTIOS_JVM));
                columns.add(new Column("multios", "MultiOS virtual", GUEST_CLOCK));
            }
            if (engines.contains("host")) {
                Path exe = GuestFsBench.onPath("gcc") ? GuestFsBench.hostBinary(work, source) : null;
                if (exe == null) log("host: no gcc or no " + source + " (run from the repository root or give --source); skipped");
                else {
                    results.put("host", hostRuns(List.of(exe.toString()), p, work, runs, verbose, "host"));
                    columns.add(new Column("host", "host gcc", GUEST_CLOCK));
                    columns.add(new Column("host", "host CPU", GUEST_CPU));
                }
            }
            if (engines.contains("qemu")) {
                if (!GuestFsBench.onPath("qemu-riscv64")) log("qemu: no qemu-riscv64 on PATH; skipped");
                else {
                    Path exe = GuestFsBench.riscvBinary(work);
                    results.put("qemu", hostRuns(List.of("qemu-riscv64", exe.toString()), p, work, runs, verbose, "qemu"));
                    columns.add(new Column("qemu", "qemu-user", GUEST_CLOCK));
                    columns.add(new Column("qemu", "qemu CPU", GUEST_CPU));
                }
            }
            if (engines.contains("ext4")) {
                if (!GuestFsBench.onPath("qemu-system-riscv64") || GuestFsBench.mkfsExt4() == null) log("ext4: needs qemu-system-riscv64 and mkfs.ext4; skipped");
                else if (!GuestFsBench.kernelReady(kernelDir)) log("ext4: no Debian riscv64 kernel in " + kernelDir + " (run benchmarks/fetch-riscv64-kernel.sh); skipped");
                else {
                    List<FsBenchTranscript> l = new ArrayList<>();
                    for (int r = 0; r < runs; r++) {
                        log("ext4 under qemu-system-riscv64 run " + (r + 1) + "/" + runs);
                        FsBenchTranscript t = GuestFsBench.ext4Qemu(p, kernelDir, work, imageBytes(imageSize));
                        if (verbose) System.out.println(t.text());
                        l.add(t);
                    }
                    results.put("ext4", l);
                    columns.add(new Column("ext4", "ext4 in QEMU", GUEST_CLOCK));
                }
            }
        } finally {
            GuestFsBench.deleteTree(work);
        }

        System.out.println();
        System.out.printf("fsbench: %d files of %d B, %d MiB sequential in %d KiB calls, %d x (append 4 KiB + fsync); best of %d run(s)%n",
                files, fileBytes, mib, chunkKib, fsyncs, runs);
        StringBuilder head = new StringBuilder(String.format("%-26s", "metric"));
        for (Column c : columns) head.append(String.format(" | %15s", c.name()));
        System.out.println(head);
        row("create (files/s)", columns, results, true, (c, t) -> c.reader().rate(t, "create", false));
        row("seq write (MiB/s)", columns, results, true, (c, t) -> c.reader().rate(t, "write", true));
        row("flush after write (ms)", columns, results, false, (c, t) -> c.reader().flushMs(t));
        row("seq read (MiB/s)", columns, results, true, (c, t) -> c.reader().rate(t, "read", true));
        row("append+fsync median (us)", columns, results, false, (c, t) -> c.reader().fsyncUs(t, false));
        row("append+fsync p99 (us)", columns, results, false, (c, t) -> c.reader().fsyncUs(t, true));
        System.out.println("MultiOS wall/CPU/JVM CPU: host clocks around the guest's phase lines (CPU: the machine thread; JVM CPU: the whole");
        System.out.println("process, with the NVMe back end's I/O threads, JIT and GC); fsync per operation from the");
        System.out.println("'tick' lines (each interval includes one console line). virtual: the guest's CLOCK_MONOTONIC (instructions only).");
        System.out.println("host/qemu: the program's own clocks (host time). Host CPU, qemu CPU and MultiOS JVM CPU fsync figures are means");
        System.out.println("(no per-operation CPU clock; the JVM's ticks in 10 ms steps).");
        System.out.println("ext4 in QEMU: fsbench's own clock in qemu-system-riscv64 (Debian's kernel, ext4 on virtio-blk); QEMU's guest clock is host time.");
    }

    private interface Cell { double value(Column c, FsBenchTranscript t); }

    private static void row(String metric, List<Column> columns, Map<String, List<FsBenchTranscript>> results, boolean higherIsBetter, Cell cell) {
        StringBuilder b = new StringBuilder(String.format("%-26s", metric));
        for (Column c : columns) {
            double best = Double.NaN;
            for (FsBenchTranscript t : results.get(c.engine())) {
                double v;
                try {
                    v = cell.value(c, t);
                } catch (RuntimeException e) {
                    v = Double.NaN; // no such figure for this clock (e.g. p99 of a mean)
                }
                if (Double.isNaN(v) || Double.isInfinite(v)) continue;
                if (Double.isNaN(best) || (higherIsBetter ? v > best : v < best)) best = v;
            }
            b.append(String.format(" | %15s", Double.isNaN(best) ? "-" : best >= 100 ? String.format("%.0f", best) : String.format("%.2f", best)));
        }
        System.out.println(b);
    }

    private static List<FsBenchTranscript> hostRuns(List<String> cmd, GuestFsBench.Params p, Path work, int runs, boolean verbose, String name)
            throws Exception {
        List<FsBenchTranscript> l = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            log(name + " run " + (r + 1) + "/" + runs);
            Path data = work.resolve(name + "-data-" + r);
            FsBenchTranscript t = GuestFsBench.hostProcess(cmd, p, data);
            GuestFsBench.deleteTree(data);
            if (verbose) System.out.println(t.text());
            l.add(t);
        }
        return l;
    }

    private static long imageBytes(String size) {
        String s = size.trim().toUpperCase();
        long mul = s.endsWith("G") ? 1L << 30 : s.endsWith("M") ? 1L << 20 : s.endsWith("K") ? 1L << 10 : 1;
        if (mul != 1) s = s.substring(0, s.length() - 1);
        try {
            return Long.parseLong(s) * mul;
        } catch (NumberFormatException e) {
            usage("--image-size " + size + ": not a size");
            return 0;
        }
    }

    private static void log(String s) { System.err.println("GuestFsBenchReport: " + s); }

    private static int number(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            usage(option + " needs a number, not '" + v + "'");
            return 0;
        }
    }

    private static void usage(String why) {
        System.err.println("GuestFsBenchReport: " + why + " (usage: GuestFsBenchReport [--files N] [--file-bytes B] [--mib M] [--chunk-kib K]"
                + " [--fsyncs S] [--runs R] [--warmup W] [--engines multios,host,qemu,ext4] [--source FILE.c] [--image-size SIZE] [--kernel-dir DIR] [--verbose])");
        System.exit(2);
    }
}
