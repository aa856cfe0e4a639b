package org.multios.isa.arm64.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.TestCpu;

/**
 * The ASID-tagged software TLB (Arm ARM D8.13, C5.5 TLBI). Entries are observed the way software
 * can observe them: a page-table entry is changed in memory without TLB maintenance, and a
 * load then shows whether the old translation (a TLB entry) or the new one (a walk) was used.
 * Address-space switches (MSR TTBR0_EL1) keep every ASID's entries; TLBI ASIDE1 and VAE1 drop
 * what the architecture says and keep other ASIDs' entries; an entry filled at EL1 never serves
 * an EL0 access.
 */
class AsidTlbTest {
    // one L1/L2/L3 set per address space; 39-bit VAs, so walks start at level 1
    static final long TABLES_A = 0x4004_0000L, TABLES_B = 0x4005_0000L;
    static final long CODE = TestCpu.CODE, D1 = 0x4010_0000L, D2 = 0x4010_1000L;
    static final long P1 = 0x4008_0000L, P2 = 0x4008_1000L, P3 = 0x4008_2000L, P4 = 0x4008_3000L;
    static final long AF = 1L << 10, NG = 1L << 11, AP_EL0 = 1L << 6, AP_RO = 2L << 6;
    static final int ASID_A = 1, ASID_B = 0x1234;

    // encodings
    static final int MSR_TTBR0_X1 = 0xd5182001, MSR_TTBR0_X2 = 0xd5182002;
    static int ldr(int rt, int rn) { return 0xf9400000 | rn << 5 | rt; }
    static int tlbi(int op2, int rt) { return 0xd5088700 | op2 << 5 | rt; } // TLBI <op>, Xt (CRn 8, CRm 7)
    static final int VMALLE1 = 0, VAE1 = 1, ASIDE1 = 2, VAAE1 = 3;
    static final int ERET = 0xd69f03e0;

    final TestCpu t = new TestCpu();

    AsidTlbTest() {
        t.bus.write(P1, 8, 0x111);
        t.bus.write(P2, 8, 0x222);
        t.bus.write(P3, 8, 0x333);
        t.bus.write(P4, 8, 0x444);
        tables(TABLES_A);
        tables(TABLES_B);
        map(TABLES_A, D1, P1, NG);
        map(TABLES_A, D2, P1, 0);     // global
        map(TABLES_B, D1, P2, NG);
        map(TABLES_B, D2, P2, NG);
        var s = t.cpu.sysregs;
        s.tcrEl1 = 25 | 1L << 36;     // T0SZ = 25 (39-bit VA), 4 KiB granule, 16-bit ASIDs, A1 = 0
        s.mairEl1 = 0xff;
        s.ttbr0El1 = ttbr(TABLES_A, ASID_A);
        s.sctlrEl1 |= 1;
        t.cpu.tlbInvalidateAll();
        t.cpu.translationContextChanged(); // fields written directly, as a Java kernel does
        t.set(1, ttbr(TABLES_A, ASID_A)).set(2, ttbr(TABLES_B, ASID_B)).set(3, D1).set(4, D2);
    }

    static long ttbr(long tables, int asid) { return (long) asid << 48 | tables; }

    /** L1[1] -> L2, L2[0] -> L3 (VA 0x4000_0000..0x401f_ffff), the code page mapped read-only for both ELs, global. */
    void tables(long base) {
        t.bus.write(base + 8, 8, base + 0x1000 | 3);
        t.bus.write(base + 0x1000, 8, base + 0x2000 | 3);
        map(base, CODE, CODE, AP_EL0 | AP_RO);
    }

    void map(long base, long va, long pa, long attrs) {
        t.bus.write(base + 0x2000 + ((va >>> 12) & 0x1ff) * 8, 8, pa | 3 | AF | attrs);
    }

    long load(long va, int... before) {
        int[] code = new int[before.length + 1];
        System.arraycopy(before, 0, code, 0, before.length);
        t.set(5, va);
        code[before.length] = ldr(10, 5);
        t.run(code);
        return t.x(10);
    }

    /** Fills entries for D1 and D2 in both address spaces, then points every mapping at P3/P4 behind the TLB's back. */
    void fillBothThenRemap() {
        assertEquals(0x111, load(D1, MSR_TTBR0_X1));
        assertEquals(0x111, load(D2));
        assertEquals(0x222, load(D1, MSR_TTBR0_X2));
        assertEquals(0x222, load(D2));
        map(TABLES_A, D1, P3, NG);
        map(TABLES_A, D2, P3, 0);
        map(TABLES_B, D1, P4, NG);
        map(TABLES_B, D2, P4, NG);
    }

    @Test
    void aTtbrSwitchSelectsTheAsidsEntriesAndKeepsTheOthers() {
        fillBothThenRemap();
        // back in A (no TLBI): its entries survived the time B was current
        assertEquals(0x111, load(D1, MSR_TTBR0_X1), "ASID A's entry was dropped by the address-space switch");
        // and B's entries are B's: A's stale entry for the same VA is never used for B
        assertEquals(0x222, load(D1, MSR_TTBR0_X2), "ASID B used ASID A's entry");
        assertEquals(0x222, load(D2));
    }

    @Test
    void anotherAsidsEntryIsNeverUsed() {
        assertEquals(0x111, load(D1, MSR_TTBR0_X1));
        // B has no entry yet: the walk of B's tables decides, not A's cached translation
        assertEquals(0x222, load(D1, MSR_TTBR0_X2));
        // a third address space whose tables do not map D1 at all faults instead of hitting A's or B's entry
        t.bus.write(TABLES_B + 0x2000 + ((D1 >>> 12) & 0x1ff) * 8, 8, 0);
        t.set(2, ttbr(TABLES_B, 0x77));
        t.cpu.sysregs.vbarEl1 = CODE + 0x800;
        load(D1, MSR_TTBR0_X2);
        assertEquals(0x25, t.cpu.sysregs.esrEl1 >>> 26, "expected a data abort at EL1");
        assertEquals(0x07, t.cpu.sysregs.esrEl1 & 0x3f, "translation fault, level 3");
        assertEquals(D1, t.cpu.sysregs.farEl1);
    }

    @Test
    void tlbiAside1DropsExactlyThatAsid() {
        fillBothThenRemap();
        t.set(6, (long) ASID_A << 48);
        // current ASID is B: drop A's entries
        assertEquals(0x222, load(D1, tlbi(ASIDE1, 6)), "TLBI ASIDE1 of A dropped B's entry");
        assertEquals(0x333, load(D1, MSR_TTBR0_X1), "TLBI ASIDE1 of A left A's entry");
        assertEquals(0x222, load(D2, MSR_TTBR0_X2), "TLBI ASIDE1 of A dropped B's entry");
    }

    @Test
    void tlbiVae1DropsThePageOfThatAsidAndGlobalEntries() {
        fillBothThenRemap();
        t.set(6, (long) ASID_B << 48 | D1 >>> 12);
        assertEquals(0x444, load(D1, tlbi(VAE1, 6)), "TLBI VAE1 left B's entry for the page");
        assertEquals(0x222, load(D2), "TLBI VAE1 dropped B's entry for another page");
        assertEquals(0x111, load(D1, MSR_TTBR0_X1), "TLBI VAE1 for B dropped A's non-global entry");
        // A's entry for D2 is global: a TLBI VAE1 naming any ASID removes it
        t.set(6, (long) ASID_B << 48 | D2 >>> 12);
        assertEquals(0x333, load(D2, tlbi(VAE1, 6)), "TLBI VAE1 left a global entry of the page");
        assertEquals(0x111, load(D1), "TLBI VAE1 of D2 dropped A's D1");
    }

    @Test
    void tlbiVaae1DropsThePageInEveryAsidAndVmalle1Everything() {
        fillBothThenRemap();
        t.set(6, (0xabcdL << 48) | D1 >>> 12); // the ASID field is ignored
        assertEquals(0x444, load(D1, tlbi(VAAE1, 6)));
        assertEquals(0x222, load(D2), "TLBI VAAE1 of D1 dropped D2");
        assertEquals(0x333, load(D1, MSR_TTBR0_X1));
        assertEquals(0x111, load(D2));
        assertEquals(0x333, load(D2, tlbi(VMALLE1, 31)));
        assertEquals(0x444, load(D2, MSR_TTBR0_X2));
    }

    @Test
    void anEntryFilledAtEl1NeverServesEl0() {
        map(TABLES_A, D1, P1, NG);          // EL1-only page
        map(TABLES_A, D2, P2, NG | AP_EL0); // EL0 page
        var s = t.cpu.sysregs;
        s.vbarEl1 = CODE + 0x800;
        s.spsrEl1 = 0;                      // EL0t
        s.elrEl1 = CODE + 8;
        t.set(5, D1).set(6, D2);
        // EL1 loads D1 (fills), eret, EL0 loads D1: permission fault, not the EL1 entry
        t.run(ldr(10, 5), ERET, ldr(11, 5));
        assertEquals(0x111, t.x(10));
        assertEquals(1, t.cpu.el);
        assertEquals(0x24, s.esrEl1 >>> 26, "data abort from EL0 expected");
        assertEquals(0x0f, s.esrEl1 & 0x3f, "permission fault, level 3");
        assertEquals(CODE + 0x800 + 0x400, t.cpu.pc);
        // the EL0 page works from both ELs, and EL0's own entry serves it
        s.spsrEl1 = 0;
        s.elrEl1 = CODE + 8;
        t.set(11, 0);
        t.run(ldr(10, 6), ERET, ldr(11, 6));
        assertEquals(0x222, t.x(10));
        assertEquals(0x222, t.x(11));
        assertEquals(0, t.cpu.el);
    }

    @Test
    void contextNumbersRollOverSafely() {
        long before = t.cpu.contexts.rollovers();
        // thousands of ASIDs (two context numbers each) use up the 12-bit tag: the TLB is flushed and numbering restarts
        for (int asid = 1; asid < 3000; asid++) {
            t.set(1, ttbr((asid & 1) == 0 ? TABLES_A : TABLES_B, asid));
            assertEquals((asid & 1) == 0 ? 0x111 : 0x222, load(D1, MSR_TTBR0_X1), "asid " + asid);
        }
        assertTrue(t.cpu.contexts.rollovers() > before, "no roll-over happened");
    }
}
