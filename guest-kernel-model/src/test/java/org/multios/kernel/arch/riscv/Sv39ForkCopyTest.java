package org.multios.kernel.arch.riscv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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
 * Sv39's one-pass fork copy and range unmap give exactly what the generic page-by-page forms
 * (PageTable's defaults, which every port had before) give, and the port's lazy FP save keeps a
 * context's FP registers right whether or not user code touched them.
 */
class Sv39ForkCopyTest {
    static final long RAM = RiscvUserRun.RAM_BASE;
    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram = bus.addRam("ram", RAM, 16L << 20);
    final RvCpu cpu = RvCpu.create(bus, new VirtualClock());
    final PhysicalMemory mem = new PhysicalMemory(bus, ram);
    final PageFrameAllocator frames = new PageFrameAllocator(RAM, 16L << 20, 0);
    final RiscvPort port = new RiscvPort(cpu, mem, frames);
    static final int R = PageTable.PROT_READ, W = PageTable.PROT_WRITE, X = PageTable.PROT_EXEC, U = PageTable.PROT_USER;

    /** A table with pages around 2 MiB and 1 GiB boundaries, of every protection kind. */
    Sv39PageTable populated(long[] vas, int[] prots) {
        Sv39PageTable t = (Sv39PageTable) port.newPageTable();
        for (int i = 0; i < vas.length; i++) assertTrue(t.map(vas[i], frames.allocate(), prots[i]));
        return t;
    }

    static List<long[]> entries(PageTable t, long start, long end) {
        List<long[]> out = new ArrayList<>();
        t.forEach(start, end, (va, e) -> out.add(new long[] {va, e}));
        return out;
    }

    /** The default (generic) implementation, reached through a wrapper that does not override it. */
    static PageTable generic(PageTable t) {
        return new PageTable() {
            @Override public long root() { return t.root(); }
            @Override public boolean map(long va, long pa, int prot) { return t.map(va, pa, prot); }
            @Override public long lookup(long va) { return t.lookup(va); }
            @Override public void protect(long va, int prot) { t.protect(va, prot); }
            @Override public long unmap(long va) { return t.unmap(va); }
            @Override public void forEach(long s, long e, MappingVisitor v) { t.forEach(s, e, v); }
            @Override public void destroy() { t.destroy(); }
        };
    }

    final long[] vas = {0x1000, 0x1ff000, 0x200000, 0x201000, 0x3fe00000L + 0x1ff000, 0x40000000L, 0x40001000L, 0x7f_ffff_f000L};
    final int[] prots = {R | X | U, R | W | U, R | U, R | W | U | PageTable.COW, R | W | U, W | U, R | W | X | U, R | W | U};

    @Test
    void oneLoopCopyEqualsPageByPage() {
        for (long[] range : new long[][] {{0, 1L << 38}, {0x1ff000, 0x40001000L}, {0x201000, 0x201000}, {0x1000, 0x2000}}) {
            for (boolean cow : new boolean[] {true, false}) {
                Sv39PageTable fastParent = populated(vas, prots), slowParent = populated(vas, prots);
                Sv39PageTable fastChild = (Sv39PageTable) port.newPageTable(), slowChild = (Sv39PageTable) port.newPageTable();
                List<long[]> fastSeen = new ArrayList<>(), slowSeen = new ArrayList<>();
                assertTrue(fastParent.copyInto(fastChild, range[0], range[1], cow, (va, e) -> fastSeen.add(new long[] {va, e & 0xfff})));
                assertTrue(generic(slowParent).copyInto(slowChild, range[0], range[1], cow, (va, e) -> slowSeen.add(new long[] {va, e & 0xfff})));
                String what = String.format("range 0x%x-0x%x cow=%s", range[0], range[1], cow);
                assertEquals(slowSeen.size(), fastSeen.size(), what);
                for (int i = 0; i < slowSeen.size(); i++) assertArrayEquals(slowSeen.get(i), fastSeen.get(i), what);
                // same prot bits and frames relative to each parent, in both parent and child
                assertEquals(protsOf(slowParent), protsOf(fastParent), what + " (parent)");
                assertEquals(protsOf(slowChild), protsOf(fastChild), what + " (child)");
                for (long[] e : entries(fastChild, 0, 1L << 38)) assertEquals(fastParent.lookup(e[0]) & ~0xfffL, e[1] & ~0xfffL, what);
                // the raw PTEs agree too (A/D/G/RSW bits as encode gives them)
                for (long va : vas) assertEquals(pte(slowChild, va), pte(fastChild, va), what + String.format(" pte at 0x%x", va));
            }
        }
    }

    @Test
    void cowMakesWritablePagesReadOnlyInBoth() {
        Sv39PageTable p = populated(vas, prots), c = (Sv39PageTable) port.newPageTable();
        assertTrue(p.copyInto(c, 0, 1L << 38, true, (va, e) -> { }));
        for (PageTable t : new PageTable[] {p, c}) {
            long e = t.lookup(0x1ff000);
            assertEquals(PageTable.COW, e & PageTable.COW);
            assertEquals(0, pte((Sv39PageTable) t, 0x1ff000) & Sv39PageTable.W, "hardware W withheld");
            assertEquals(0, t.lookup(0x1000) & PageTable.COW, "a read-only page stays as it was");
        }
    }

    @Test
    void rangeUnmapEqualsPageByPage() {
        Sv39PageTable fast = populated(vas, prots), slow = populated(vas, prots);
        List<Long> fastSeen = new ArrayList<>(), slowSeen = new ArrayList<>();
        fast.unmapRange(0x1ff000, 0x40001000L, (va, e) -> fastSeen.add(va));
        generic(slow).unmapRange(0x1ff000, 0x40001000L, (va, e) -> slowSeen.add(va));
        assertEquals(slowSeen, fastSeen);
        assertEquals(List.of(0x1ff000L, 0x200000L, 0x201000L, 0x3fe00000L + 0x1ff000, 0x40000000L), fastSeen);
        assertEquals(protsOf(slow), protsOf(fast));
        assertEquals(0, fast.lookup(0x40000000L));
        assertTrue(fast.lookup(0x40001000L) != 0);
    }

    @Test
    void lazyFpSaveKeepsTheContextsRegisters() {
        port.initHart();
        Sv39PageTable t = (Sv39PageTable) port.newPageTable();
        UserContext ctx = port.newContext();
        for (int i = 0; i < 32; i++) ctx.fpr[i] = 0x1000 + i;
        ctx.fpStatus = 0x7f;
        port.resumeUser(ctx, t);
        // untouched: the save keeps the context's values even though the hart's are scribbled on
        // behind the FS tracking (which no instruction can do; a stale save would show it)
        UserContext after = port.newContext();
        after.copyFrom(ctx);
        port.saveUserState(after);
        assertArrayEquals(ctx.fpr, after.fpr);
        assertEquals(0x7f, after.fpStatus);
        // an instruction-style FP write marks FS Dirty, and then the save takes the hart's values
        cpu.setFreg(3, 0xabc);
        cpu.markFpDirty();
        port.saveUserState(after);
        assertEquals(0xabc, after.fpr[3]);
        assertEquals(0x7f, after.fpStatus);
    }

    static List<String> protsOf(PageTable t) {
        List<String> out = new ArrayList<>();
        t.forEach(0, 1L << 38, (va, e) -> out.add(Long.toHexString(va) + ":" + (e & 0xfff)));
        return out;
    }

    long pte(Sv39PageTable t, long va) {
        long table = t.root();
        for (int level = 2; level > 0; level--) {
            long p = mem.read64(table + 8L * ((va >>> (12 + 9 * level)) & 511));
            if ((p & 1) == 0) return 0;
            table = ((p >>> 10) & ((1L << 44) - 1)) << 12;
        }
        return mem.read64(table + 8L * ((va >>> 12) & 511)) & 0x3ff; // flags only: frames differ between tables
    }
}
