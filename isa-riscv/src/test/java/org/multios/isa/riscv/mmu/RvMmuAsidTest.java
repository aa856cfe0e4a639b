package org.multios.isa.riscv.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * The address-space-tagged translated TLBs of {@link RvMmu} (privileged spec 10.1.11 satp,
 * 10.2.1 SFENCE.VMA). Entries are observed as software can observe them: a PTE is changed in
 * memory without a fence, and a load then shows whether the old translation (a TLB entry) or
 * the new one (a walk) was used. A satp write switches address space and keeps the others'
 * entries; SFENCE.VMA by ASID, by address, by both or neither drops what it must and keeps
 * other address spaces' entries; another address space's entry is never used.
 */
class RvMmuAsidTest {
    static final long V = 1, R = 2, W = 4, G = 32, A = 64, D = 128;
    static final long ROOT_A = 0x8001_0000L, ROOT_B = 0x8002_0000L;
    static final long D1 = 0x4020_1000L, D2 = 0x4020_2000L;
    static final long P1 = 0x8008_0000L, P2 = 0x8008_1000L, P3 = 0x8008_2000L, P4 = 0x8008_3000L;
    static final int ASID_A = 1, ASID_B = 0x1234;
    static final long SATP_A = 8L << 60 | (long) ASID_A << 44 | ROOT_A >>> 12, SATP_B = 8L << 60 | (long) ASID_B << 44 | ROOT_B >>> 12;

    PhysicalBus bus;
    RvMmu mmu;

    @BeforeEach
    void setUp() {
        bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 4 << 20);
        mmu = new RvMmu(bus);
        mmu.pmp.writeAddr(0, -1L);
        mmu.pmp.writeCfg(0, 0x1f); // NAPOT RWX over everything
        bus.write(P1, 8, 0x111);
        bus.write(P2, 8, 0x222);
        bus.write(P3, 8, 0x333);
        bus.write(P4, 8, 0x444);
        tables(ROOT_A);
        tables(ROOT_B);
        map(ROOT_A, D1, P1, 0);
        map(ROOT_A, D2, P1, G);
        map(ROOT_B, D1, P2, 0);
        map(ROOT_B, D2, P2, 0);
    }

    /** root[1] -> L1, L1[1] -> L0 (VA 0x4020_0000..0x403f_ffff). */
    void tables(long root) {
        bus.write(root + 8, 8, ((root + 0x1000) >>> 12) << 10 | V);
        bus.write(root + 0x1000 + 8, 8, ((root + 0x2000) >>> 12) << 10 | V);
    }

    void map(long root, long va, long pa, long flags) {
        bus.write(root + 0x2000 + ((va >>> 12) & 0x1ff) * 8, 8, (pa >>> 12) << 10 | V | R | W | A | D | flags);
    }

    /** A supervisor load from {@code va} in the address space {@code satp}. */
    long load(long satp, long va) {
        mmu.configure(1, 0, satp);
        return mmu.load64(va);
    }

    void fillBothThenRemap() {
        assertEquals(0x111, load(SATP_A, D1));
        assertEquals(0x111, load(SATP_A, D2));
        assertEquals(0x222, load(SATP_B, D1));
        assertEquals(0x222, load(SATP_B, D2));
        map(ROOT_A, D1, P3, 0);
        map(ROOT_A, D2, P3, G);
        map(ROOT_B, D1, P4, 0);
        map(ROOT_B, D2, P4, 0);
    }

    @Test
    void aSatpSwitchKeepsEveryAddressSpacesEntries() {
        fillBothThenRemap();
        assertEquals(0x111, load(SATP_A, D1), "A's entry was dropped by the satp switch");
        assertEquals(0x222, load(SATP_B, D1), "B used A's entry or lost its own");
        assertEquals(0x111, load(SATP_A, D2));
    }

    @Test
    void anotherAddressSpacesEntryIsNeverUsed() {
        assertEquals(0x111, load(SATP_A, D1));
        assertEquals(0x222, load(SATP_B, D1)); // B walks its own table
        // same ASID as A, other root: A's entries do not serve it (its table maps nothing at D1)
        bus.write(ROOT_B + 0x2000 + ((D1 >>> 12) & 0x1ff) * 8, 8, 0);
        long other = 8L << 60 | (long) ASID_A << 44 | ROOT_B >>> 12;
        assertEquals(RvTrap.LOAD_PAGE_FAULT, assertThrows(RvTrap.class, () -> load(other, D1)).cause);
        // and M-mode (untranslated) never sees a translated entry
        mmu.configure(3, 0, SATP_A);
        bus.write(D1 & 0xfffff | 0x8000_0000L, 8, 0x999);
        assertEquals(0x999, mmu.load64(D1 & 0xfffff | 0x8000_0000L));
    }

    @Test
    void sfenceByAsidDropsExactlyThatAddressSpace() {
        fillBothThenRemap();
        mmu.configure(1, 0, SATP_B);
        mmu.sfenceVma(false, 0, true, ASID_A);
        assertEquals(0x222, load(SATP_B, D1), "SFENCE.VMA x0, A dropped B's entry");
        assertEquals(0x333, load(SATP_A, D1), "SFENCE.VMA x0, A left A's entry");
        assertEquals(0x222, load(SATP_B, D2), "SFENCE.VMA x0, A dropped B's entry");
        // the current address space's own ASID: its next access walks
        mmu.sfenceVma(false, 0, true, ASID_B);
        assertEquals(0x444, mmu.load64(D1));
    }

    @Test
    void sfenceByAddressAndAsidDropsThatPageOfThatAddressSpace() {
        fillBothThenRemap();
        mmu.sfenceVma(true, D1, true, ASID_B);
        assertEquals(0x444, load(SATP_B, D1), "left B's entry for the page");
        assertEquals(0x222, load(SATP_B, D2), "dropped B's entry for another page");
        assertEquals(0x111, load(SATP_A, D1), "dropped A's entry");
    }

    @Test
    void sfenceByAddressDropsThePageEverywhereAndPlainSfenceEverything() {
        fillBothThenRemap();
        mmu.sfenceVma(true, D1, false, 0);
        assertEquals(0x444, load(SATP_B, D1));
        assertEquals(0x333, load(SATP_A, D1));
        assertEquals(0x222, load(SATP_B, D2), "dropped another page");
        mmu.sfenceVma(false, 0, false, 0);
        assertEquals(0x444, load(SATP_B, D2));
        assertEquals(0x333, load(SATP_A, D2));
    }

    @Test
    void anAddressFenceReachesEveryPageOfASuperpage() {
        // A maps 0x4040_0000.. with a 2 MiB leaf in L1[2] -> PA 0x8000_0000
        bus.write(ROOT_A + 0x1000 + 2 * 8, 8, (0x8000_0000L >>> 12) << 10 | V | R | W | A | D);
        bus.write(0x8000_5000L, 8, 0x555);
        assertEquals(0x555, load(SATP_A, 0x4040_5000L));
        bus.write(ROOT_A + 0x1000 + 2 * 8, 8, (0x8020_0000L >>> 12) << 10 | V | R | W | A | D);
        bus.write(0x8020_5000L, 8, 0x666);
        mmu.sfenceVma(true, 0x4040_0000L, true, ASID_A); // names the superpage by its first page
        assertEquals(0x666, load(SATP_A, 0x4040_5000L), "a page of the superpage kept its old translation");
    }

    @Test
    void contextNumbersRollOverWithoutWrongTranslations() {
        // more address spaces than the 12-bit context tag numbers: the TLBs are flushed and numbering restarts
        for (int asid = 1; asid < 6000; asid++) {
            boolean a = (asid & 1) == 0;
            long satp = 8L << 60 | (long) asid << 44 | (a ? ROOT_A : ROOT_B) >>> 12;
            assertEquals(a ? 0x111 : 0x222, load(satp, D1), "asid " + asid);
            if (asid % 7 == 0) mmu.sfenceVma(false, 0, true, asid - 3); // retire now and then, as a kernel reusing ASIDs does
        }
        assertEquals(0x111, load(SATP_A, D2));
        assertEquals(0x222, load(SATP_B, D2));
    }
}
