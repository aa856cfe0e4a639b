package org.multios.isa.x86;

import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.VirtualClock;

/** A CPU on 1 MiB of RAM, put straight into 64-bit mode with flat segments, for instruction tests. */
public final class CpuHarness {
    public static final long CODE = 0x1000;
    public final PhysicalBus bus = new PhysicalBus();
    public final X86Cpu cpu;

    public CpuHarness() {
        bus.addRam("ram", 0, 1 << 20);
        cpu = new X86Cpu(0, bus, new VirtualClock());
    }

    /** Enters 64-bit mode (CS.L, EFER.LMA) without paging tables: addresses are identity mapped. */
    public void longMode() {
        cpu.cr0 = X86Cpu.CR0_PE | X86Cpu.CR0_ET;
        cpu.efer = X86Cpu.EFER_LME | X86Cpu.EFER_LMA;
        for (Segment s : cpu.seg) {
            s.base = 0;
            s.limit = 0xffffffffL;
            s.attributes = 0xc093;
        }
        cpu.seg[Segment.CS].attributes = 0xa09b;
        cpu.modeChanged();
    }

    /** Runs {@code code} followed by HLT at {@link #CODE}; returns instructions retired. */
    public long run(byte[] code) {
        byte[] withHlt = java.util.Arrays.copyOf(code, code.length + 1);
        withHlt[code.length] = (byte) 0xf4;
        bus.loadImage(CODE, withHlt, 0, withHlt.length);
        cpu.rip = CODE;
        cpu.halted = false;
        return cpu.run(1000);
    }
}
