package org.multios.kernel.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.time.VirtualClock;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.mmu.TranslationFault;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The arm64 port's tables as the CPU's own VMSAv8-64 walker sees them: what EL0 and EL1 may
 * load, store and fetch for each protection, copy-on-write pages read-only to the hardware,
 * PROT_NONE faulting (access flag), the vector page kernel-only through TTBR1, and the
 * arch-neutral view (lookup/forEach/destroy) round-tripping.
 */
class Vmsa4kPageTableTest {
    static final long RAM = Arm64UserRun.RAM_BASE;
    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram = bus.addRam("ram", RAM, 8L << 20);
    final A64Cpu cpu = new A64Cpu(0, bus, new VirtualClock());
    final PhysicalMemory mem = new PhysicalMemory(bus, ram);
    final PageFrameAllocator frames = new PageFrameAllocator(RAM, 8L << 20, 0);
    final Arm64Port port = new Arm64Port(cpu, mem, frames);

    static final int R = PageTable.PROT_READ, W = PageTable.PROT_WRITE, X = PageTable.PROT_EXEC, U = PageTable.PROT_USER;

    private Vmsa4kPageTable table() {
        port.initCpu();
        Vmsa4kPageTable pt = (Vmsa4kPageTable) port.newPageTable();
        UserContext ctx = port.newContext();
        port.resumeUser(ctx, pt);
        return pt;
    }

    private boolean allowed(long va, int access, int el) {
        try {
            cpu.walker.translate(va, access, el);
            return true;
        } catch (TranslationFault f) {
            return false;
        }
    }

    /** {load, store, fetch} allowed at el. */
    private boolean[] rights(long va, int el) {
        return new boolean[] {allowed(va, A64Cpu.ACCESS_LOAD, el), allowed(va, A64Cpu.ACCESS_STORE, el), allowed(va, A64Cpu.ACCESS_FETCH, el)};
    }

    @Test
    void userProtectionsAsTheWalkerSeesThem() throws TranslationFault {
        Vmsa4kPageTable pt = table();
        long pa = frames.allocate();
        pt.map(0x40_0000L, pa, R | W | U);
        pt.map(0x40_1000L, pa, R | U);
        pt.map(0x40_2000L, pa, R | X | U);
        pt.map(0x40_3000L, pa, R | W | U | PageTable.COW);
        pt.map(0x7fff_ffff_f000L, pa, U); // PROT_NONE at the top of the 48-bit user range
        assertEquals(pa + 0x123, cpu.walker.translate(0x40_0123L, A64Cpu.ACCESS_LOAD, 0));
        assertArrayEquals(new boolean[] {true, true, false}, rights(0x40_0000L, 0));
        assertArrayEquals(new boolean[] {true, false, false}, rights(0x40_1000L, 0));
        assertArrayEquals(new boolean[] {true, false, true}, rights(0x40_2000L, 0));
        assertArrayEquals(new boolean[] {true, false, false}, rights(0x40_3000L, 0), "COW: read-only to the hardware");
        assertArrayEquals(new boolean[] {false, false, false}, rights(0x7fff_ffff_f000L, 0));
        // the kernel never executes user pages (PXN)
        assertEquals(false, allowed(0x40_2000L, A64Cpu.ACCESS_FETCH, 1));
        assertArrayEquals(new boolean[] {false, false, false}, rights(0x40_4000L, 0), "unmapped");
        assertEquals(pa | R | W | U | PageTable.COW, pt.lookup(0x40_3000L));
        assertEquals(pa | R | X | U, pt.lookup(0x40_2000L));
        assertEquals(pa | U, pt.lookup(0x7fff_ffff_f000L));
        pt.protect(0x40_1000L, R | W | U);
        cpu.tlb.flush();
        assertArrayEquals(new boolean[] {true, true, false}, rights(0x40_1000L, 0));
        assertEquals(pa, pt.unmap(0x40_1000L));
        assertEquals(0, pt.lookup(0x40_1000L));
        assertEquals(-1, pt.unmap(0x40_1000L));
    }

    @Test
    void vectorPageIsKernelOnlyThroughTtbr1() {
        table();
        long v = Arm64Port.VECTOR_VA;
        assertArrayEquals(new boolean[] {true, false, true}, rights(v, 1));
        assertArrayEquals(new boolean[] {false, false, false}, rights(v, 0));
        assertEquals(0xd4000002 | ((A64Cpu.NATIVE_CALL_BASE + Arm64Port.V_LOWER_SYNC) << 5),
                (int) mem.read64(frameOf(v + 0x400)), "entry 8 (lower EL sync) of the vector page");
    }

    private long frameOf(long va) {
        try {
            return cpu.walker.translate(va, A64Cpu.ACCESS_LOAD, 1);
        } catch (TranslationFault f) {
            throw new AssertionError(f);
        }
    }

    @Test
    void forEachAndDestroyRoundTrip() {
        Vmsa4kPageTable pt = table();
        int before = frames.freeFrames();
        long pa = frames.allocate();
        long[] vas = {0x1000L, 0x20_0000L, 0x4000_0000L, 0x80_0000_0000L, 0x7fff_ffff_f000L};
        for (long va : vas) pt.map(va, pa, R | U);
        List<Long> seen = new ArrayList<>();
        pt.forEach(0, 1L << 47, (va, e) -> seen.add(va));
        assertEquals(List.of(0x1000L, 0x20_0000L, 0x4000_0000L, 0x80_0000_0000L, 0x7fff_ffff_f000L), seen);
        seen.clear();
        pt.forEach(0x20_0000L, 0x80_0000_0000L, (va, e) -> seen.add(va));
        assertEquals(List.of(0x20_0000L, 0x4000_0000L), seen);
        pt.destroy();
        frames.release(pa);
        assertEquals(before + 1, frames.freeFrames(), "every table frame (and the root) released");
    }

    /**
     * Address-space switches keep TLB entries (ASID-tagged): after switching back, a stale
     * translation of the first process is still used until the port invalidates that process's
     * ASID; invalidating the other process's ASID leaves it alone.
     */
    @Test
    void switchingKeepsEntriesAndFlushingOneAddressSpaceKeepsTheOther() {
        port.initCpu();
        Vmsa4kPageTable a = (Vmsa4kPageTable) port.newPageTable(), b = (Vmsa4kPageTable) port.newPageTable();
        long fa = frames.allocate(), fb = frames.allocate(), fc = frames.allocate();
        mem.write64(fa, 0xa);
        mem.write64(fb, 0xb);
        mem.write64(fc, 0xc);
        long va = 0x40_0000L;
        a.map(va, fa, R | W | U);
        b.map(va, fb, R | W | U);
        UserContext ctx = port.newContext();
        port.resumeUser(ctx, a);
        assertEquals(0xa, cpu.read(va, 8));
        port.resumeUser(ctx, b);
        assertEquals(0xb, cpu.read(va, 8));
        a.map(va, fc, R | W | U); // behind the TLB's back
        port.resumeUser(ctx, a);
        assertEquals(0xa, cpu.read(va, 8), "A's entry did not survive the switch to B and back");
        port.flushTlb(b);
        assertEquals(0xa, cpu.read(va, 8), "invalidating B's ASID dropped A's entry");
        port.flushTlb(a);
        assertEquals(0xc, cpu.read(va, 8), "invalidating A's ASID kept A's entry");
    }
}
