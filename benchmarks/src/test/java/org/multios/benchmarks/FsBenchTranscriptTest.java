package org.multios.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bookkeeping behind GuestFsBenchReport: host stamps around fsbench's phase lines become phase
 * figures, tick lines a per-operation distribution; and one real fsbench run under qemu-riscv64 on
 * a host directory parses into the phases asked for.
 */
class FsBenchTranscriptTest {
    @TempDir Path dir;

    static FsBenchTranscript.Stamp at(long wall, long cpu) { return new FsBenchTranscript.Stamp(wall, cpu); }

    @Test
    void phasesAndTicksBecomeHostFigures() {
        FsBenchTranscript t = new FsBenchTranscript();
        t.line("multios# fsbench -t ...", at(0, 0)); // the shell's echo is ignored
        t.line("fsbench 1 dir=/x files=4 file_bytes=512 seq_mib=1 chunk_kib=64 fsyncs=3", at(1, 1));
        t.line("fsbench begin create", at(1_000, 500));
        t.line("fsbench end create ops=4 bytes=2048 ns=40 cpu_ns=41", at(9_000, 2_500));
        t.line("fsbench begin fsync", at(10_000, 3_000));
        t.line("fsbench tick 0", at(10_300, 3_100));
        t.line("fsbench tick 1", at(10_400, 3_150));
        t.line("fsbench tick 2", at(11_400, 3_950));
        t.line("fsbench end fsync ops=3 bytes=12288 ns=70 cpu_ns=70", at(11_500, 4_000));
        t.line("fsbench fsync_lat ops=3 min_ns=10 median_ns=20 p99_ns=40 max_ns=40", at(11_600, 4_010));
        t.line("fsbench done", at(11_700, 4_020));
        assertTrue(t.done());
        FsBenchTranscript.Phase c = t.phase("create");
        assertEquals(new FsBenchTranscript.Phase("create", 4, 2048, 40, 41, 8_000, 2_000, -1), c);
        assertEquals(4 * 1e9 / 8_000, c.perSecond(c.hostWallNanos()), 1e-6);
        assertEquals(2048 / 1048576.0 * 1e9 / 40, c.mibPerSecond(c.guestNanos()), 1e-6);
        assertEquals(new FsBenchTranscript.Latency(3, 100, 300, 1_000, 1_000), t.hostWallFsync());
        assertEquals(new FsBenchTranscript.Latency(3, 50, 100, 800, 800), t.hostCpuFsync());
        assertEquals(new FsBenchTranscript.Latency(3, 10, 20, 40, 40), t.guestFsync());
        assertThrows(IllegalStateException.class, () -> t.phase("read"), "a phase that never ran is an error, not a zero");
        assertThrows(IllegalStateException.class, () -> t.line("fsbench end write ops=1 bytes=1 ns=1 cpu_ns=1", at(1, 1)));
    }

    @Test
    void nearestRankPercentiles() {
        long[] ns = new long[200];
        for (int i = 0; i < ns.length; i++) ns[i] = 200 - i; // 1..200, shuffled order does not matter
        FsBenchTranscript.Latency l = FsBenchTranscript.Latency.of(ns);
        assertEquals(new FsBenchTranscript.Latency(200, 1, 101, 198, 200), l);
        assertNull(FsBenchTranscript.Latency.of(new long[0]));
    }

    @Test
    void withoutACpuClockThereIsNoCpuDistribution() {
        FsBenchTranscript t = new FsBenchTranscript();
        t.line("fsbench begin fsync", at(0, -1));
        t.line("fsbench tick 0", at(5, -1));
        assertNull(t.hostCpuFsync());
        assertEquals(5, t.hostWallFsync().median());
    }

    @Test
    void realRunUnderQemuUser() throws Exception {
        if (!GuestFsBench.onPath("qemu-riscv64")) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("qemu-riscv64 is not installed (apt-get install qemu-user)");
            Assumptions.abort("qemu-riscv64 not installed");
        }
        Path exe = GuestFsBench.riscvBinary(dir);
        GuestFsBench.Params p = new GuestFsBench.Params(30, 100, 1, 64, 5);
        FsBenchTranscript t = GuestFsBench.hostProcess(List.of("qemu-riscv64", exe.toString()), p, dir.resolve("data"));
        assertEquals(List.of("create", "write", "flush", "read", "fsync"), t.phases().stream().map(FsBenchTranscript.Phase::name).toList());
        assertEquals(30, t.phase("create").ops());
        assertEquals(1 << 20, t.phase("read").bytes());
        assertEquals(5, t.hostWallFsync().count(), "one tick per fsync");
        assertEquals(5, t.guestFsync().count());
        assertEquals(30, Files.list(dir.resolve("data/files")).count(), "the files it created");
        assertThrows(java.io.IOException.class, () -> GuestFsBench.hostProcess(List.of("qemu-riscv64", exe.toString()), p, Path.of("/proc/no/such/dir")),
                "a failing fsbench fails the run");
    }
}
