package org.multios.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.elf.ElfFile;
import org.multios.core.elf.ElfFormatException;
import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;

/**
 * The intmix benchmark program (images/guest/riscv64/intmix.c, unchanged) built for x86-64
 * freestanding by benchmarks/x86_64/build.sh, on a bare {@link X86Cpu}: the ELF's segments in
 * RAM, the CPU in 64-bit mode with flat segments, SSE enabled and the x87 state Linux gives a
 * process, RIP at {@code _start}. The program prints into its {@code console} buffer and
 * halts; {@link #console()} reads it back.
 */
final class X86Intmix {
    /** Guest instructions of the 3000-round build (counted by X86IntmixTest). */
    static final long INSTRUCTIONS = 1_739_414_714L;

    final PhysicalBus bus = new PhysicalBus();
    final X86Cpu cpu;
    private final ElfFile elf;

    /** @param resource "intmix.elf" (3000 rounds) or "intmix-small.elf" (2 rounds) */
    X86Intmix(String resource) {
        try (InputStream in = X86Intmix.class.getResourceAsStream("x86_64/" + resource)) {
            if (in == null) throw new IllegalStateException("missing resource x86_64/" + resource);
            elf = ElfFile.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ElfFormatException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        bus.addRam("ram", 0, 16 << 20);
        for (ElfFile.Segment s : elf.segments()) {
            if (s.fileSize() > 0) bus.loadImage(s.vaddr(), elf.bytes(), (int) s.fileOffset(), (int) s.fileSize());
        }
        cpu = new X86Cpu(0, bus, new VirtualClock());
        cpu.cr0 = X86Cpu.CR0_PE | X86Cpu.CR0_ET | X86Cpu.CR0_NE | X86Cpu.CR0_MP;
        cpu.cr4 = X86Cpu.CR4_OSFXSR | X86Cpu.CR4_OSXMMEXCPT | X86Cpu.CR4_PAE;
        cpu.efer = X86Cpu.EFER_LME | X86Cpu.EFER_LMA;
        for (Segment s : cpu.seg) {
            s.base = 0;
            s.limit = 0xffffffffL;
            s.attributes = 0xc093;
        }
        cpu.seg[Segment.CS].attributes = 0xa09b;
        cpu.modeChanged();
        cpu.fpuControl = 0x37f;
        cpu.fpuTag = 0xffff;
        cpu.rip = elf.entry();
    }

    /** True once the program has returned from main (HLT). */
    boolean finished() { return cpu.halted; }

    int exitCode() { return (int) bus.read(elf.symbol("exit_code").orElseThrow(), 4); }

    String console() {
        int n = (int) bus.read(elf.symbol("console_len").orElseThrow(), 4);
        byte[] b = new byte[n];
        bus.dmaRead(elf.symbol("console").orElseThrow(), b, 0, n);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
