package org.multios.isa.arm64.mmu;

import org.multios.core.bus.BusErrorException;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.sysreg.A64SystemRegisters;

/**
 * VMSAv8-64 stage 1 translation for the EL1&0 regime with the 4 KiB granule (Arm ARM
 * D8): TTBR0_EL1 for addresses whose top bits are zero, TTBR1_EL1 for all-ones, sizes from
 * TCR_EL1.T0SZ/T1SZ, top-byte-ignore (TBI0/TBI1), block and page descriptors, the access
 * flag (no hardware update: FEAT_HAFDBS is not implemented, so AF=0 faults), AP[2:1],
 * UXN/PXN and SCTLR_EL1.WXN. With SCTLR_EL1.M clear, addresses map flat and are Device
 * memory for data (not cached in the TLB) and Normal for fetches.
 */
public final class Vmsav8Walker {
    private static final long OA_MASK = 0x0000_ffff_ffff_f000L;
    private static final int PA_BITS = 48;

    private final A64Cpu cpu;
    private boolean lastCacheable, lastGlobal, lastBlock;

    public Vmsav8Walker(A64Cpu cpu) { this.cpu = cpu; }

    /** Whether the last translation may be cached in the software TLB. */
    public boolean lastCacheable() { return lastCacheable; }

    /** Whether the last translation was global (nG = 0, or the MMU off): valid for every ASID. */
    public boolean lastGlobal() { return lastGlobal; }

    /** Whether the last translation came from a block descriptor (level 1 or 2) rather than a page. */
    public boolean lastBlock() { return lastBlock; }

    public long translate(long va, int access, int el) throws TranslationFault {
        A64SystemRegisters s = cpu.sysregs;
        long sctlr = s.sctlrEl1;
        if ((sctlr & 1) == 0) {
            lastCacheable = true;
            lastGlobal = true;
            lastBlock = false;
            if ((va >>> PA_BITS) != 0) throw new TranslationFault(TranslationFault.ADDRESS_SIZE, 0);
            return va;
        }
        long tcr = s.tcrEl1;
        boolean upper = (va & (1L << 55)) != 0;
        int tsz = (int) (upper ? (tcr >>> 16) & 0x3f : tcr & 0x3f);
        boolean tbi = ((tcr >>> (upper ? 38 : 37)) & 1) != 0;
        boolean epd = ((tcr >>> (upper ? 23 : 7)) & 1) != 0;
        int tg = (int) (upper ? (tcr >>> 30) & 3 : (tcr >>> 14) & 3);
        boolean granule4k = upper ? tg == 2 : tg == 0;
        if (tsz < 16) tsz = 16;
        if (tsz > 39) tsz = 39;
        int inputBits = 64 - tsz;
        // every bit above the input range (but below an ignored top byte) must equal bit 55
        long top = tbi ? (va << 8) >> (8 + inputBits) : va >> inputBits;
        if (top != (upper ? -1L : 0L) || epd) throw new TranslationFault(TranslationFault.TRANSLATION, 0);
        if (!granule4k) throw new TranslationFault(TranslationFault.TRANSLATION, 0);
        long table = (upper ? s.ttbr1El1 : s.ttbr0El1) & 0x0000_ffff_ffff_fffeL;
        int level = 4 - (inputBits - 12 + 8) / 9;
        boolean apTableNoEl0 = false, apTableRo = false, xnTable = false, pxnTable = false;
        while (true) {
            int shift = 12 + 9 * (3 - level);
            int idx = (int) ((va >>> shift) & 0x1ff);
            if (level == 4 - (inputBits - 12 + 8) / 9) {
                // the first level may resolve fewer than 9 bits
                int bits = inputBits - shift;
                idx = (int) ((va >>> shift) & ((1L << bits) - 1));
            }
            long descAddr = (table & OA_MASK) + idx * 8L;
            long d;
            try {
                d = cpu.bus.read(descAddr, 8);
            } catch (BusErrorException e) {
                throw new TranslationFault(0x14, level); // synchronous external abort on walk
            }
            if ((d & 1) == 0) throw new TranslationFault(TranslationFault.TRANSLATION, level);
            boolean isTable = (d & 2) != 0 && level < 3;
            if (isTable) {
                apTableNoEl0 |= ((d >>> 61) & 1) != 0;
                apTableRo |= ((d >>> 62) & 1) != 0;
                xnTable |= ((d >>> 60) & 1) != 0;
                pxnTable |= ((d >>> 59) & 1) != 0;
                table = d & OA_MASK;
                level++;
                continue;
            }
            if (level == 3 && (d & 2) == 0) throw new TranslationFault(TranslationFault.TRANSLATION, level);
            if (level == 0) throw new TranslationFault(TranslationFault.TRANSLATION, level);
            if ((d & (1L << 10)) == 0) throw new TranslationFault(TranslationFault.ACCESS_FLAG, level);
            int ap = (int) (d >>> 6) & 3;
            boolean el0Access = (ap & 1) != 0 && !apTableNoEl0;
            boolean readOnly = (ap & 2) != 0 || apTableRo;
            boolean uxn = ((d >>> 54) & 1) != 0 || xnTable;
            boolean pxn = ((d >>> 53) & 1) != 0 || pxnTable;
            boolean wxn = (sctlr & (1L << 19)) != 0;
            boolean allowed;
            if (access == A64Cpu.ACCESS_FETCH) {
                boolean writable = !readOnly;
                if (el == 0) allowed = el0Access && !uxn && !(wxn && writable);
                else allowed = !pxn && !(el0Access && writable) && !(wxn && writable);
            } else if (access == A64Cpu.ACCESS_STORE) {
                allowed = !readOnly && (el > 0 || el0Access);
            } else {
                allowed = el > 0 || el0Access;
            }
            if (!allowed) throw new TranslationFault(TranslationFault.PERMISSION, level);
            long blockMask = (1L << (12 + 9 * (3 - level))) - 1;
            long pa = (d & OA_MASK & ~blockMask) | (va & blockMask);
            // Device memory (MAIR attribute with the high nibble 0) is not cached in the TLB
            int attrIndex = (int) (d >>> 2) & 7;
            int attr = (int) (s.mairEl1 >>> (8 * attrIndex)) & 0xff;
            lastCacheable = (attr & 0xf0) != 0;
            lastGlobal = (d & (1L << 11)) == 0; // nG
            lastBlock = level < 3;
            return pa;
        }
    }
}
