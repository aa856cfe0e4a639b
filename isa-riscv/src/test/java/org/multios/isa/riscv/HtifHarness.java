package org.multios.isa.riscv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.elf.ElfFile;
import org.multios.core.elf.ElfFormatException;
import org.multios.core.elf.ElfLoader;
import org.multios.core.time.VirtualClock;

/**
 * A minimal machine for bare-metal test programs: RAM at 0x80000000 and the HTIF
 * {@code tohost}/{@code fromhost} protocol found through the ELF's symbols. A write of 1 to
 * tohost passes; an odd value {@code v} fails with test number {@code v >> 1}; an even
 * value points at a syscall block {@code [which, a0, a1, a2]} (only write(64) is served,
 * for the {@code v} environment's console output).
 */
final class HtifHarness {
    static final long RAM_BASE = 0x8000_0000L;

    final PhysicalBus bus = new PhysicalBus();
    final VirtualClock clock = new VirtualClock();
    final RvCpu cpu;
    final long tohost, fromhost;
    final StringBuilder console = new StringBuilder();

    HtifHarness(Path elfPath, long ramSize) throws IOException, ElfFormatException {
        bus.addRam("ram", RAM_BASE, ramSize);
        ElfFile elf = ElfFile.parse(Files.readAllBytes(elfPath));
        elf.requireMachine(ElfFile.EM_RISCV);
        ElfLoader.load(elf, bus);
        tohost = elf.symbol("tohost").orElseThrow(() -> new IllegalArgumentException("no tohost symbol in " + elfPath));
        fromhost = elf.symbol("fromhost").orElse(0L);
        cpu = RvCpu.create(bus, clock);
        cpu.setResetVector(elf.entry());
        cpu.reset();
    }

    /** Runs until the program reports; returns the tohost exit code (0 = pass, else test number). */
    long run(long maxInstructions) {
        long total = 0;
        while (total < maxInstructions) {
            long n = cpu.run(10_000);
            total += n;
            clock.retire(n);
            long v = bus.read(tohost, 8);
            if (v != 0) {
                if ((v & 1) != 0) return v >>> 1;
                syscall(v);
                bus.write(tohost, 8, 0);
                if (fromhost != 0) bus.write(fromhost, 8, 1);
            }
            if (n == 0 && cpu.isWaiting()) throw new IllegalStateException("hart waits for an interrupt at " + cpu);
        }
        throw new IllegalStateException("no result after " + total + " instructions; " + cpu);
    }

    private void syscall(long block) {
        long which = bus.read(block, 8);
        if (which == 64) {
            long buf = bus.read(block + 16, 8), len = bus.read(block + 24, 8);
            for (long i = 0; i < len; i++) console.append((char) bus.read(buf + i, 1));
        } else {
            throw new IllegalStateException("unsupported HTIF syscall " + which);
        }
    }
}
