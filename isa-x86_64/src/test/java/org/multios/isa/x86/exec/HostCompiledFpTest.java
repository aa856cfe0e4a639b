package org.multios.isa.x86.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.elf.ElfFile;
import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;

/**
 * gcc -O2 -msse4.2 code against the host CPU: {@code fpprog.c} (double, float and long double
 * arithmetic and conversions, vectorised loops, decimal digits of long doubles the way printf
 * finds them, MXCSR and x87 rounding/precision control, an SSE2 strlen over many alignments,
 * PCMPISTRI/PCMPESTRI, PSHUFB, PALIGNR, PTEST, CRC32...) is built for the host with a main
 * that prints its result buffer, and freestanding for the emulator, which calls
 * {@code run_all} in 64-bit mode; the two result buffers must be identical. Needs gcc on an
 * x86-64 host (skipped without, failed under MULTIOS_REQUIRE_ORACLES=1).
 */
class HostCompiledFpTest {
    static final long STACK = 0x7f0000, HALT = 0x7ff000;

    @Test
    void compiledFloatingPointCodeMatchesTheHostCpu(@TempDir Path dir) throws Exception {
        boolean require = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64");
        try (InputStream in = getClass().getResourceAsStream("fpprog.c")) {
            Files.write(dir.resolve("fpprog.c"), in.readAllBytes());
        }
        List<String> common = List.of("gcc", "-O2", "-msse4.2", "-fno-math-errno");
        boolean built = x86 && run(dir, cat(common, "-DHOST_MAIN", "-o", "native", "fpprog.c")) == 0
                && run(dir, cat(common, "-ffreestanding", "-nostdlib", "-static", "-no-pie", "-fno-pic", "-fcf-protection=none",
                        "-fno-asynchronous-unwind-tables", "-fno-tree-loop-distribute-patterns", "-Wl,-e,run_all",
                        "-Wl,--build-id=none", "-o", "guest", "fpprog.c")) == 0;
        if (require) assertTrue(built, "an x86-64 host with gcc is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(built, "needs gcc on an x86-64 host");

        Process p = new ProcessBuilder(dir.resolve("native").toString()).start();
        String hex = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        byte[] want = HexFormat.of().parseHex(hex);
        assertTrue(want.length > 10_000, "the workload produced its results: " + want.length + " bytes");

        ElfFile elf = ElfFile.parse(Files.readAllBytes(dir.resolve("guest")));
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0, 8 << 20);
        for (ElfFile.Segment s : elf.segments()) {
            if (s.fileSize() > 0) bus.loadImage(s.vaddr(), elf.bytes(), (int) s.fileOffset(), (int) s.fileSize());
        }
        X86Cpu cpu = longModeCpu(bus);
        bus.loadImage(HALT, new byte[] {(byte) 0xf4}, 0, 1);
        cpu.gpr[X86Cpu.RSP] = STACK - 8;
        bus.write(STACK - 8, 8, HALT);
        cpu.rip = elf.symbol("run_all").orElseThrow();
        StringBuilder faults = new StringBuilder();
        cpu.faultTrace = s -> { faults.append(s).append('\n'); cpu.requestExit(); };
        long n = cpu.run(50_000_000);
        assertEquals("", faults.toString(), "no exceptions");
        assertEquals(HALT + 1, cpu.rip, "run_all returned (after " + n + " instructions)");
        byte[] got = new byte[want.length];
        bus.dmaRead(elf.symbol("result").orElseThrow(), got, 0, got.length);
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                int from = Math.max(0, i - 8);
                throw new AssertionError(String.format("result byte %d differs: host %s, ours %s", i,
                        HexFormat.of().formatHex(want, from, Math.min(want.length, i + 16)),
                        HexFormat.of().formatHex(got, from, Math.min(got.length, i + 16))));
            }
        }
    }

    /** A CPU in 64-bit mode with identity-mapped memory, SSE enabled and the FPU state Linux gives a process. */
    static X86Cpu longModeCpu(PhysicalBus bus) {
        X86Cpu cpu = new X86Cpu(0, bus, new VirtualClock());
        cpu.cr0 = X86Cpu.CR0_PE | X86Cpu.CR0_ET | X86Cpu.CR0_NE | X86Cpu.CR0_MP;
        cpu.cr4 = X86Cpu.CR4_OSFXSR | X86Cpu.CR4_OSXMMEXCPT | X86Cpu.CR4_PAE;
        cpu.efer = X86Cpu.EFER_LME | X86Cpu.EFER_LMA;
        for (Segment s : cpu.seg) { s.base = 0; s.limit = 0xffffffffL; s.attributes = 0xc093; }
        cpu.seg[Segment.CS].attributes = 0xa09b;
        cpu.modeChanged();
        cpu.fpuControl = 0x37f;
        cpu.fpuTag = 0xffff;
        return cpu;
    }

    private static String[] cat(List<String> a, String... b) {
        String[] r = a.toArray(new String[a.size() + b.length]);
        System.arraycopy(b, 0, r, a.size(), b.length);
        return r;
    }

    private static int run(Path dir, String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        }
    }
}
