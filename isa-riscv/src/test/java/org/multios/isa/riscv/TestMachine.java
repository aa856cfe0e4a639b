package org.multios.isa.riscv;

import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.VirtualClock;

/** RAM at 0x80000000 (1 MiB) and one hart for unit tests. */
final class TestMachine {
    static final long BASE = 0x8000_0000L;
    final PhysicalBus bus = new PhysicalBus();
    final VirtualClock clock = new VirtualClock();
    final RvCpu cpu;

    TestMachine() {
        bus.addRam("ram", BASE, 1 << 20);
        cpu = RvCpu.create(bus, clock);
        cpu.setResetVector(BASE);
        cpu.reset();
    }

    TestMachine load(long addr, Asm a) {
        int[] w = a.toArray();
        for (int k = 0; k < w.length; k++) bus.write(addr + 4L * k, 4, w[k]);
        return this;
    }

    /** Runs until pc reaches {@code stopPc} (a spin loop the test wrote there) or the budget ends. */
    long runUntil(long stopPc, long budget) {
        long total = 0;
        while (total < budget && cpu.pc() != stopPc) {
            long n = cpu.run(1);
            total += n;
            if (n == 0) break;
        }
        return total;
    }
}
