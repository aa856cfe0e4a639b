package org.multios.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The x86-64 intmix guest on {@link org.multios.isa.x86.X86Cpu} prints what the riscv64 build
 * prints under QEMU (the 2-round build: its first and last round lines, the CRC check, the
 * sort check) and the instruction count {@link X86Intmix#INSTRUCTIONS} of the full build is
 * still right (checked only with -Dmultios.x86intmix.full=true: about a minute).
 */
class X86IntmixTest {
    @Test
    void smallBuildMatchesTheRiscvReference() throws IOException {
        X86Intmix g = new X86Intmix("intmix-small.elf");
        long n = g.cpu.run(100_000_000L);
        assertTrue(g.finished(), "intmix-small halted after " + n + " instructions");
        assertEquals(0, g.exitCode());
        String want;
        try (InputStream in = org.multios.images.GuestProgram.class.getResourceAsStream("riscv64/intmix-small.expected")) {
            want = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        // the riscv64 console went through a UART (CR LF); ours is the program's own buffer
        assertEquals(want.replace("\r\n", "\n").strip(), g.console().strip());
    }

    @Test
    void fullBuildInstructionCount() {
        if (!Boolean.getBoolean("multios.x86intmix.full")) return;
        X86Intmix g = new X86Intmix("intmix.elf");
        long total = 0;
        while (!g.finished()) total += g.cpu.run(100_000_000L);
        assertTrue(g.console().endsWith("checksum: da9a57f5b8cb2f70\n"), g.console());
        assertEquals(X86Intmix.INSTRUCTIONS, total, "retired instructions (including the final HLT)");
    }
}
