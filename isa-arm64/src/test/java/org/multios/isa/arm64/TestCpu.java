package org.multios.isa.arm64;

import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.VirtualClock;

/** A CPU with 1 MiB of RAM at 0x40000000 for instruction tests; code goes at {@link #CODE}. */
public final class TestCpu {
    public static final long RAM = 0x4000_0000L, CODE = 0x4000_0000L, DATA = 0x4008_0000L;

    public final PhysicalBus bus = new PhysicalBus();
    public final VirtualClock clock = new VirtualClock(10);
    public final A64Cpu cpu;

    public TestCpu() {
        bus.addRam("ram", RAM, 1 << 20);
        cpu = new A64Cpu(0, bus, clock);
        cpu.setResetVector(CODE);
        cpu.reset();
    }

    /** Places the instructions at CODE and runs exactly that many. */
    public A64Cpu run(int... insns) {
        for (int i = 0; i < insns.length; i++) bus.write(CODE + 4L * i, 4, insns[i]);
        cpu.pc = CODE;
        cpu.run(insns.length);
        return cpu;
    }

    public long x(int r) { return cpu.x[r]; }

    public TestCpu set(int r, long v) { cpu.x[r] = v; return this; }
}
