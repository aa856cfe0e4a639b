package org.multios.isa.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.TestCpu;

/**
 * LDTR/STTR and their byte/halfword/signed forms executed at EL1 (Arm ARM C6.2 LDTR: "the access
 * is made as if at EL0" when PSTATE.UAO is 0 — UAO is not implemented here): they are checked
 * against EL0's permissions, so a kernel copying to or from a user pointer cannot be made to touch
 * kernel-only memory; the abort is taken as from EL1 (EC 0x25) with a level-3 permission fault.
 * LDR/STR on the same pages keep EL1's permissions.
 */
class UnprivilegedAccessTest {
    static final long TABLES = 0x4004_0000L;
    static final long KERNEL_ONLY = 0x4010_0000L, USER_RW = 0x4010_1000L, USER_RO = 0x4010_2000L;
    static final long AF = 1L << 10, AP_EL0 = 1L << 6, AP_RO = 2L << 6;

    static int ldtr(int rt, int rn) { return 0xf8400800 | rn << 5 | rt; }   // LDTR Xt, [Xn]
    static int ldtrb(int rt, int rn) { return 0x38400800 | rn << 5 | rt; }  // LDTRB Wt, [Xn]
    static int sttr(int rt, int rn) { return 0xf8000800 | rn << 5 | rt; }   // STTR Xt, [Xn]
    static int ldr(int rt, int rn) { return 0xf9400000 | rn << 5 | rt; }    // LDR Xt, [Xn]
    static final int NOP = 0xd503201f;

    final TestCpu t = new TestCpu();

    UnprivilegedAccessTest() {
        t.bus.write(TABLES + 8, 8, TABLES + 0x1000 | 3);          // L1[1] -> L2
        t.bus.write(TABLES + 0x1000, 8, TABLES + 0x2000 | 3);     // L2[0] -> L3
        map(TestCpu.CODE, TestCpu.CODE, AP_EL0 | AP_RO);
        map(KERNEL_ONLY, 0x4008_0000L, 0);                         // EL1 read/write, EL0 none
        map(USER_RW, 0x4008_1000L, AP_EL0);                        // EL0 and EL1 read/write
        map(USER_RO, 0x4008_2000L, AP_EL0 | AP_RO);                // read-only at both
        t.bus.write(0x4008_0000L, 8, 0x1111);
        t.bus.write(0x4008_1000L, 8, 0x2222);
        var s = t.cpu.sysregs;
        s.tcrEl1 = 25;        // T0SZ = 25 (39-bit VA), 4 KiB granule
        s.mairEl1 = 0xff;
        s.ttbr0El1 = TABLES;
        s.sctlrEl1 |= 1;
        s.vbarEl1 = 0x4000_0800L; // in the code page: a vector entry is a nop
        for (int i = 0; i < 0x800; i += 4) t.bus.write(0x4000_0800L + i, 4, NOP);
        t.cpu.tlbInvalidateAll();
        t.cpu.translationContextChanged();
        t.cpu.el = 1;
    }

    void map(long va, long pa, long attrs) {
        t.bus.write(TABLES + 0x2000 + ((va >>> 12) & 0x1ff) * 8, 8, pa | 3 | AF | attrs);
    }

    /** Runs one instruction at EL1; returns ESR_EL1's EC if it aborted, else -1. */
    int runAtEl1(int insn) {
        t.cpu.sysregs.esrEl1 = 0;
        t.cpu.el = 1;
        t.run(insn);
        return t.cpu.pc == TestCpu.CODE + 4 ? -1 : (int) (t.cpu.sysregs.esrEl1 >>> 26);
    }

    @Test
    void ldtrAtEl1ReadsWhatEl0MayRead() {
        t.set(1, USER_RW);
        assertEquals(-1, runAtEl1(ldtr(2, 1)));
        assertEquals(0x2222, t.x(2));
        t.set(1, USER_RW);
        assertEquals(-1, runAtEl1(ldtrb(3, 1)));
        assertEquals(0x22, t.x(3));
    }

    @Test
    void ldtrAtEl1OfKernelOnlyMemoryFaultsAsEl0Would() {
        t.set(1, KERNEL_ONLY).set(2, 0x77);
        assertEquals(-1, runAtEl1(ldr(2, 1)), "LDR keeps EL1's permission");
        assertEquals(0x1111, t.x(2));
        t.set(2, 0x77);
        assertEquals(0x25, runAtEl1(ldtr(2, 1)), "data abort, same EL");
        assertEquals(0x0f, t.cpu.sysregs.esrEl1 & 0x3f, "permission fault, level 3");
        assertEquals(0, t.cpu.sysregs.esrEl1 & (1 << 6), "WnR = 0 for a load");
        assertEquals(KERNEL_ONLY, t.cpu.sysregs.farEl1);
        assertEquals(TestCpu.CODE, t.cpu.sysregs.elrEl1);
        assertEquals(0x77, t.x(2), "the destination is unchanged");
        t.set(1, KERNEL_ONLY + 5);
        assertEquals(0x25, runAtEl1(ldtrb(3, 1)));
    }

    @Test
    void sttrAtEl1ChecksEl0WritePermission() {
        t.set(1, KERNEL_ONLY).set(2, 0x9999);
        assertEquals(0x25, runAtEl1(sttr(2, 1)));
        assertEquals(0x0f, t.cpu.sysregs.esrEl1 & 0x3f);
        assertEquals(1 << 6, t.cpu.sysregs.esrEl1 & (1 << 6), "WnR = 1 for a store");
        assertEquals(0x1111, t.bus.read(0x4008_0000L, 8), "memory unchanged");
        t.set(1, USER_RO);
        assertEquals(0x25, runAtEl1(sttr(2, 1)));
        t.set(1, USER_RW);
        assertEquals(-1, runAtEl1(sttr(2, 1)));
        assertEquals(0x9999, t.bus.read(0x4008_1000L, 8));
    }
}
