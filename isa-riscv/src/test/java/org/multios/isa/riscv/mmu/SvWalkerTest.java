package org.multios.isa.riscv.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.isa.riscv.trap.RvTrap;

class SvWalkerTest {
    static final long ROOT = 0x8001_0000L, L1 = 0x8001_1000L, L0 = 0x8001_2000L;
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
    PhysicalBus bus;
    Pmp pmp;
    SvWalker walker;

    @BeforeEach
    void setUp() {
        bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 1 << 20);
        pmp = new Pmp();
        pmp.writeAddr(0, -1L);
        pmp.writeCfg(0, 0x1f); // NAPOT RWX over everything
        walker = new SvWalker(bus, pmp);
        // VA 0x40201000 -> vpn2 = 1, vpn1 = 1, vpn0 = 1
        bus.write(ROOT + 8, 8, ((L1 >>> 12) << 10) | V);
        bus.write(L1 + 8, 8, ((L0 >>> 12) << 10) | V);
    }

    void leaf(long flags) { bus.write(L0 + 8, 8, (0x80050L << 10) | flags); }

    long walk(long va, int kind, int priv, boolean sum, boolean mxr) {
        return walker.translate(va, 3, ROOT >>> 12, kind, priv, sum, mxr);
    }

    @Test
    void translatesAndSetsAccessedThenDirty() {
        leaf(V | R | W);
        assertEquals(0x8005_0123L, walk(0x4020_1123L, SvWalker.LOAD, 1, false, false));
        long pte = bus.read(L0 + 8, 8);
        assertTrue((pte & A) != 0, "A set by a load");
        assertEquals(0, pte & D, "D not set by a load");
        walk(0x4020_1123L, SvWalker.STORE, 1, false, false);
        assertTrue((bus.read(L0 + 8, 8) & D) != 0, "D set by a store");
    }

    @Test
    void faults() {
        leaf(R | W); // V clear
        assertEquals(RvTrap.LOAD_PAGE_FAULT, assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.LOAD, 1, false, false)).cause);
        leaf(V | W); // W without R is reserved
        assertEquals(RvTrap.STORE_PAGE_FAULT, assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.STORE, 1, false, false)).cause);
        leaf(V | R);
        RvTrap t = assertThrows(RvTrap.class, () -> walk(0x4020_1008L, SvWalker.STORE, 1, false, false));
        assertEquals(RvTrap.STORE_PAGE_FAULT, t.cause);
        assertEquals(0x4020_1008L, t.tval);
        assertEquals(RvTrap.INSTRUCTION_PAGE_FAULT, assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.FETCH, 1, false, false)).cause);
        // Non-canonical: bit 39 set without the upper bits.
        assertEquals(RvTrap.LOAD_PAGE_FAULT, assertThrows(RvTrap.class, () -> walk(0x80_4020_1000L, SvWalker.LOAD, 1, false, false)).cause);
    }

    @Test
    void userPagesSumAndMxr() {
        leaf(V | R | X | U);
        assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.LOAD, 1, false, false), "S load from U page without SUM");
        assertEquals(0x8005_0000L, walk(0x4020_1000L, SvWalker.LOAD, 1, true, false));
        assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.FETCH, 1, true, false), "S never executes U pages");
        assertEquals(0x8005_0000L, walk(0x4020_1000L, SvWalker.FETCH, 0, false, false));
        leaf(V | R | X);
        assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.LOAD, 0, false, false), "U cannot touch S pages");
        leaf(V | X);
        assertThrows(RvTrap.class, () -> walk(0x4020_1000L, SvWalker.LOAD, 1, false, false));
        assertEquals(0x8005_0000L, walk(0x4020_1000L, SvWalker.LOAD, 1, false, true), "MXR makes X pages readable");
    }

    @Test
    void megapagesMustBeAligned() {
        // Leaf at level 1 for vpn1 = 1: PPN must have ppn[0] == 0.
        bus.write(L1 + 8, 8, (0x80200L << 10) | V | R | W | A | D);
        assertEquals(0x8020_1234L, walk(0x4020_1234L, SvWalker.LOAD, 1, false, false));
        bus.write(L1 + 8, 8, (0x80201L << 10) | V | R | W | A | D);
        assertThrows(RvTrap.class, () -> walk(0x4020_1234L, SvWalker.LOAD, 1, false, false));
    }

    @Test
    void pteReadBlockedByPmpIsAnAccessFault() {
        leaf(V | R | W);
        Pmp strict = new Pmp(); // entries implemented, none matching: S-mode accesses fail
        SvWalker w = new SvWalker(bus, strict);
        RvTrap t = assertThrows(RvTrap.class, () -> w.translate(0x4020_1000L, 3, ROOT >>> 12, SvWalker.LOAD, 1, false, false));
        assertEquals(RvTrap.LOAD_ACCESS_FAULT, t.cause);
    }
}
