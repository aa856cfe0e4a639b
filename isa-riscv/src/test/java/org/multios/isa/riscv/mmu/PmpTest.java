package org.multios.isa.riscv.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PmpTest {
    @Test
    void napotTorAndNa4() {
        Pmp p = new Pmp();
        // entry 0: NAPOT 4 KiB at 0x80000000, R only
        p.writeAddr(0, (0x8000_0000L >>> 2) | 0x1ff);
        // entry 1: TOR [0x80000000 (addr0 as base? no: pmpaddr0 value), 0x80010000) — use entry 2 with entry 1 as base
        p.writeAddr(1, 0x9000_0000L >>> 2);
        p.writeAddr(2, 0x9000_2000L >>> 2);
        p.writeAddr(3, 0xa000_0000L >>> 2);
        long cfg = (long) (Pmp.R | (Pmp.NAPOT << 3))
                | ((long) (Pmp.R | Pmp.W | (Pmp.TOR << 3)) << 16)
                | ((long) (Pmp.X | (Pmp.NA4 << 3)) << 24);
        p.writeCfg(0, cfg);
        assertTrue(p.allows(0x8000_0ff8L, 8, Pmp.R, 1));
        assertFalse(p.allows(0x8000_0ff8L, 8, Pmp.W, 1));
        assertFalse(p.allows(0x8000_0ffcL, 8, Pmp.R, 1), "straddling the entry's end fails");
        assertTrue(p.allows(0x9000_1000L, 4, Pmp.W, 0));
        assertFalse(p.allows(0x9000_2000L, 4, Pmp.W, 0));
        assertTrue(p.allows(0xa000_0000L, 4, Pmp.X, 1));
        assertFalse(p.allows(0xa000_0004L, 4, Pmp.X, 1));
        assertFalse(p.allows(0x1000L, 4, Pmp.R, 1), "S/U: no match fails");
        assertTrue(p.allows(0x1000L, 4, Pmp.R, 3), "M: no match succeeds");
        assertTrue(p.pageUniform(0x8000_0000L));
        assertTrue(p.pageUniform(0x9000_1000L));
        assertFalse(p.pageUniform(0xa000_0000L), "a 4-byte entry inside the page");
        assertEquals(cfg, p.readCfg(0));
    }

    @Test
    void machineModeChecksOnlyLockedEntriesAndLocksHold() {
        Pmp p = new Pmp();
        p.writeAddr(0, (0x8000_0000L >>> 2) | 0x1ff);
        p.writeCfg(0, Pmp.R | (Pmp.NAPOT << 3));
        assertTrue(p.allows(0x8000_0000L, 4, Pmp.W, 3), "unlocked: M ignores the entry");
        p.writeCfg(0, Pmp.L | Pmp.R | (Pmp.NAPOT << 3));
        assertFalse(p.allows(0x8000_0000L, 4, Pmp.W, 3), "locked: M is checked");
        p.writeCfg(0, Pmp.R | Pmp.W | (Pmp.NAPOT << 3));
        p.writeAddr(0, 0);
        assertEquals(Pmp.L | Pmp.R | (Pmp.NAPOT << 3), p.readCfg(0) & 0xff, "locked entry ignores writes");
        assertEquals((0x8000_0000L >>> 2) | 0x1ff, p.readAddr(0));
    }

    @Test
    void reservedWriteOnlyPermissionIsDropped() {
        Pmp p = new Pmp();
        p.writeCfg(0, Pmp.W | (Pmp.NA4 << 3));
        assertEquals(Pmp.NA4 << 3, p.readCfg(0) & 0xff);
    }

    /** pmpcfg2 (RV64) configures entries 8..15, through the hart's CSR table, and pmpaddr16+ read as zero. */
    @Test
    void pmpcfg2ConfiguresEntriesEightToFifteen() {
        org.multios.core.bus.PhysicalBus bus = new org.multios.core.bus.PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x10000);
        org.multios.isa.riscv.RvCpu cpu = org.multios.isa.riscv.RvCpu.create(bus, new org.multios.core.time.VirtualClock());
        long cfg = Pmp.R | (Pmp.NA4 << 3);
        cpu.writeCsr(0x3A2, cfg);                      // pmpcfg2, entry 8
        cpu.writeCsr(0x3B8, 0x9000_0000L >>> 2);       // pmpaddr8
        assertEquals(cfg, cpu.readCsr(0x3A2));
        assertEquals(0, cpu.readCsr(0x3A0), "pmpcfg0 untouched");
        assertTrue(cpu.mmu().pmp.allows(0x9000_0000L, 4, Pmp.R, 1), "entry 8 grants S-mode reads");
        assertFalse(cpu.mmu().pmp.allows(0x9000_0000L, 4, Pmp.W, 1));
        assertEquals(0, cpu.readCsr(0x3C0), "pmpaddr16 is not implemented: reads zero");
    }
}
