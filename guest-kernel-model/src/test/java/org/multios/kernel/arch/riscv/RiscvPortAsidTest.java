package org.multios.kernel.arch.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.time.VirtualClock;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The riscv64 port's address spaces as the hart's TLB sees them: every page table has its own
 * ASID in its satp value, a switch (satp write on resume) keeps the other process's TLB entries,
 * and the port's per-table flush (SFENCE.VMA x0, asid) drops that process's entries only.
 */
class RiscvPortAsidTest {
    static final long RAM = RiscvUserRun.RAM_BASE;
    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram = bus.addRam("ram", RAM, 8L << 20);
    final RvCpu cpu = RvCpu.create(bus, new VirtualClock());
    final PhysicalMemory mem = new PhysicalMemory(bus, ram);
    final PageFrameAllocator frames = new PageFrameAllocator(RAM, 8L << 20, 0);
    final RiscvPort port = new RiscvPort(cpu, mem, frames);
    static final int RWU = PageTable.PROT_READ | PageTable.PROT_WRITE | PageTable.PROT_USER;

    /** A user-mode load of {@code va} in the address space the port last resumed. */
    long userLoad(long va) {
        cpu.mmu().configure(0, 0, cpu.readCsr(0x180));
        return cpu.mmu().load64(va);
    }

    @Test
    void everyTableHasItsOwnAsidAndSwitchesKeepEntries() {
        port.initHart();
        Sv39PageTable a = (Sv39PageTable) port.newPageTable(), b = (Sv39PageTable) port.newPageTable();
        assertNotEquals(a.asid(), b.asid());
        assertEquals(a.asid(), (int) (a.satp() >>> 44) & 0xffff);
        long fa = frames.allocate(), fb = frames.allocate(), fc = frames.allocate();
        mem.write64(fa, 0xa);
        mem.write64(fb, 0xb);
        mem.write64(fc, 0xc);
        long va = 0x40_0000L;
        a.map(va, fa, RWU);
        b.map(va, fb, RWU);
        UserContext ctx = port.newContext();
        port.resumeUser(ctx, a);
        assertEquals(0xa, userLoad(va));
        port.resumeUser(ctx, b);
        assertEquals(0xb, userLoad(va));
        a.map(va, fc, RWU); // behind the TLB's back
        port.resumeUser(ctx, a);
        assertEquals(0xa, userLoad(va), "A's entry did not survive the switch to B and back");
        port.flushTlb(b);
        assertEquals(0xa, userLoad(va), "fencing B's ASID dropped A's entry");
        port.flushTlb(a);
        assertEquals(0xc, userLoad(va), "fencing A's ASID kept A's entry");
    }
}
