package org.multios.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the guest program {@code fsbench} printed, each line stamped with the host's
 * clocks at the moment it arrived. A phase's host figures are the differences between the stamps of
 * its "begin" and "end" lines; its guest figures are the ns/cpu_ns the program printed itself
 * (under {@code multios boot} those are virtual time). With {@code fsbench -t} the "tick" lines
 * after each append+fsync give a per-operation distribution in host time too.
 */
final class FsBenchTranscript {
    /**
     * Host clocks when a line arrived: wall (System.nanoTime), a CPU clock (-1 if there is none) and
     * a second, wider CPU clock (the whole JVM's for an in-process run; -1 if there is none).
     */
    record Stamp(long wallNanos, long cpuNanos, long processCpuNanos) {
        Stamp(long wallNanos, long cpuNanos) { this(wallNanos, cpuNanos, -1); }
    }

    /** One phase: what the guest reported and what the host measured around it. */
    record Phase(String name, long ops, long bytes, long guestNanos, long guestCpuNanos, long hostWallNanos, long hostCpuNanos,
            long processCpuNanos) {
        /** Operations per second by the chosen clock's nanoseconds. */
        double perSecond(long nanos) { return nanos <= 0 ? Double.NaN : ops * 1e9 / nanos; }

        /** MiB per second by the chosen clock's nanoseconds. */
        double mibPerSecond(long nanos) { return nanos <= 0 ? Double.NaN : bytes / 1048576.0 * 1e9 / nanos; }
    }

    /** A latency distribution in ns (nearest-rank percentiles, as fsbench computes its own). */
    record Latency(long count, long min, long median, long p99, long max) {
        static Latency of(long[] ns) {
            if (ns.length == 0) return null;
            long[] s = ns.clone();
            Arrays.sort(s);
            int p99 = (int) ((s.length * 99L + 99) / 100 - 1);
            return new Latency(s.length, s[0], s[s.length / 2], s[p99], s[s.length - 1]);
        }
    }

    private final Map<String, Stamp> begins = new HashMap<>();
    private final Map<String, Phase> phases = new LinkedHashMap<>();
    private final List<Stamp> ticks = new ArrayList<>();
    private Stamp fsyncBegin;
    private Latency guestFsync;
    private String header;
    private boolean done;
    private final StringBuilder text = new StringBuilder();

    /** Feeds one output line (without its line end) that arrived at the given host stamp. */
    synchronized void line(String line, Stamp at) {
        text.append(line).append('\n');
        if (!line.startsWith("fsbench ")) return;
        String[] w = line.split(" ");
        switch (w[1]) {
            case "1" -> header = line;
            case "begin" -> {
                begins.put(w[2], at);
                if (w[2].equals("fsync")) fsyncBegin = at;
            }
            case "end" -> {
                Stamp b = begins.get(w[2]);
                if (b == null) throw new IllegalStateException("fsbench: 'end " + w[2] + "' without its begin");
                Map<String, Long> kv = fields(w, 3);
                long cpu = b.cpuNanos() < 0 || at.cpuNanos() < 0 ? -1 : at.cpuNanos() - b.cpuNanos();
                long proc = b.processCpuNanos() < 0 || at.processCpuNanos() < 0 ? -1 : at.processCpuNanos() - b.processCpuNanos();
                phases.put(w[2], new Phase(w[2], kv.get("ops"), kv.get("bytes"), kv.get("ns"), kv.get("cpu_ns"),
                        at.wallNanos() - b.wallNanos(), cpu, proc));
            }
            case "tick" -> ticks.add(at);
            case "fsync_lat" -> {
                Map<String, Long> kv = fields(w, 2);
                guestFsync = new Latency(kv.get("ops"), kv.get("min_ns"), kv.get("median_ns"), kv.get("p99_ns"), kv.get("max_ns"));
            }
            case "done" -> done = true;
            default -> { } // summary: the guest's own rates, recomputed from the phases here
        }
        notifyAll();
    }

    private static Map<String, Long> fields(String[] w, int from) {
        Map<String, Long> kv = new HashMap<>();
        for (int i = from; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq > 0) kv.put(w[i].substring(0, eq), Long.parseLong(w[i].substring(eq + 1)));
        }
        return kv;
    }

    synchronized boolean done() { return done; }

    synchronized String header() { return header; }

    synchronized String text() { return text.toString(); }

    synchronized Phase phase(String name) {
        Phase p = phases.get(name);
        if (p == null) throw new IllegalStateException("fsbench printed no '" + name + "' phase; output:\n" + text);
        return p;
    }

    synchronized List<Phase> phases() { return List.copyOf(phases.values()); }

    /** The guest clock's distribution of one append+fsync, as fsbench printed it. */
    synchronized Latency guestFsync() { return guestFsync; }

    /** Host wall time between consecutive ticks (the first from the fsync phase's begin); null without -t. */
    synchronized Latency hostWallFsync() { return intervals(false); }

    /** Host CPU time between consecutive ticks; null without -t or without a CPU clock. */
    synchronized Latency hostCpuFsync() { return intervals(Stamp::cpuNanos); }

    /** The wider CPU clock between consecutive ticks; null without -t or without that clock. */
    synchronized Latency processCpuFsync() { return intervals(Stamp::processCpuNanos); }

    private Latency intervals(boolean cpu) { return intervals(cpu ? Stamp::cpuNanos : Stamp::wallNanos); }

    private Latency intervals(java.util.function.ToLongFunction<Stamp> clock) {
        if (ticks.isEmpty() || fsyncBegin == null || clock.applyAsLong(fsyncBegin) < 0) return null;
        long[] d = new long[ticks.size()];
        Stamp prev = fsyncBegin;
        for (int i = 0; i < d.length; i++) {
            Stamp t = ticks.get(i);
            d[i] = clock.applyAsLong(t) - clock.applyAsLong(prev);
            prev = t;
        }
        return Latency.of(d);
    }
}
