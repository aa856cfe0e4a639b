package org.multios.isa.arm64.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.TestCpu;

/** 4 KiB granule, 39-bit VA (start at level 1): table, block and page descriptors, AF and permission faults. */
class Vmsav8WalkerTest {
    static final long L1 = 0x4004_0000L, L2 = 0x4004_1000L, L3 = 0x4004_2000L;

    TestCpu mapped() {
        TestCpu t = new TestCpu();
        // VA 0x4000_0000 (L1 index 1) -> L2 table; L2[0] -> L3; L3[0] maps VA 0x4000_0000 -> PA 0x4000_0000 (code)
        t.bus.write(L1 + 8, 8, L2 | 3);
        t.bus.write(L2, 8, L3 | 3);
        t.bus.write(L3, 8, 0x4000_0000L | 3 | 1 << 10); // page, AF, AP=00 (EL1 RW)
        // L2[64] (VA 0x4800_0000): 2 MiB block -> PA 0x4008_0000 & ~0x1fffff = 0x4000_0000, AF, read-only
        t.bus.write(L2 + 64 * 8, 8, 0x4000_0000L | 1 | 1 << 10 | 2 << 6);
        // L3[1] (VA 0x4000_1000): valid page without the access flag
        t.bus.write(L3 + 8, 8, 0x4000_1000L | 3);
        var s = t.cpu.sysregs;
        s.ttbr0El1 = L1;
        s.tcrEl1 = 25; // T0SZ = 25: 39-bit VA, TG0 = 4 KiB
        s.mairEl1 = 0xff;
        s.sctlrEl1 |= 1;
        return t;
    }

    @Test
    void pageAndBlockTranslate() throws TranslationFault {
        TestCpu t = mapped();
        assertEquals(0x4000_0123L, t.cpu.walker.translate(0x4000_0123L, 1, 1));
        assertEquals(0x4001_2345L, t.cpu.walker.translate(0x4801_2345L, 1, 1));
    }

    @Test
    void faultsReportKindAndLevel() {
        TestCpu t = mapped();
        assertEquals(0x0b, fsc(t, 0x4000_1000L, 1)); // access flag, level 3
        assertEquals(0x0e, fsc(t, 0x4800_0000L, 2)); // permission (store to RO block), level 2
        assertEquals(0x05, fsc(t, 0x8000_0000L, 1)); // translation, level 1 (L1[2] empty)
        assertEquals(0x04, fsc(t, 0x0000_0080_0000_0000L, 1)); // outside the 39-bit range
    }

    private static int fsc(TestCpu t, long va, int access) {
        try {
            t.cpu.walker.translate(va, access, 1);
            return -1;
        } catch (TranslationFault f) {
            return f.faultStatusCode();
        }
    }
}
