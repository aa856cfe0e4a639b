package org.multios.isa.riscv.mmu;

/**
 * Physical memory protection (privileged spec, "Physical Memory Protection"): 16 entries,
 * granularity 4 bytes (G = 0), address matching OFF/TOR/NA4/NAPOT, the lock bit.
 * <p>
 * Rules: the lowest-numbered entry that matches any byte of an access decides; the access
 * must lie entirely inside it. M-mode accesses are checked only against locked entries
 * (and succeed when none matches). S/U accesses that match no entry fail, because entries
 * are implemented. The CPU asks {@link #pageUniform} before it lets a 4 KiB page into its
 * TLB, so the fast path never skips a check that could fail.
 */
public final class Pmp {
    public static final int ENTRIES = 16;
    public static final int R = 1, W = 2, X = 4, A_SHIFT = 3, L = 0x80;
    public static final int OFF = 0, TOR = 1, NA4 = 2, NAPOT = 3;
    /** pmpaddr holds physical address bits 55:2. */
    private static final long ADDR_MASK = (1L << 54) - 1;

    private final int[] cfg = new int[ENTRIES];
    private final long[] addr = new long[ENTRIES];
    /** Decoded ranges [lo, hi) per entry (hi exclusive, unsigned); lo == hi means inactive. */
    private final long[] lo = new long[ENTRIES], hi = new long[ENTRIES];
    private boolean anyActive;

    public void reset() {
        java.util.Arrays.fill(cfg, 0);
        java.util.Arrays.fill(addr, 0);
        recompute();
    }

    // ---- CSR views ----

    /** pmpcfgN for even N (RV64): eight 8-bit entry configurations. */
    public long readCfg(int csrIndex) {
        int first = csrIndex * 4;
        if (first >= ENTRIES) return 0;
        long v = 0;
        for (int i = 0; i < 8; i++) v |= (long) (cfg[first + i] & 0xff) << (8 * i);
        return v;
    }

    public void writeCfg(int csrIndex, long value) {
        int first = csrIndex * 4;
        if (first >= ENTRIES) return;
        for (int i = 0; i < 8; i++) {
            int e = first + i;
            if ((cfg[e] & L) != 0) continue; // locked entries ignore writes
            int c = (int) (value >>> (8 * i)) & 0xff;
            c &= L | (3 << A_SHIFT) | X | W | R;
            // R=0, W=1 is reserved: keep the entry's permissions legal (QEMU drops W too).
            if ((c & (R | W)) == W) c &= ~W;
            cfg[e] = c;
        }
        recompute();
    }

    public long readAddr(int i) {
        if (i >= ENTRIES) return 0;
        return addr[i];
    }

    public void writeAddr(int i, long value) {
        if (i >= ENTRIES) return;
        if ((cfg[i] & L) != 0) return;
        // A locked TOR entry also locks the address register below it.
        if (i + 1 < ENTRIES && (cfg[i + 1] & L) != 0 && mode(i + 1) == TOR) return;
        addr[i] = value & ADDR_MASK;
        recompute();
    }

    private int mode(int i) { return (cfg[i] >>> A_SHIFT) & 3; }

    private void recompute() {
        anyActive = false;
        for (int i = 0; i < ENTRIES; i++) {
            long a = addr[i];
            switch (mode(i)) {
                case TOR -> {
                    lo[i] = i == 0 ? 0 : addr[i - 1] << 2;
                    hi[i] = a << 2;
                    if (Long.compareUnsigned(lo[i], hi[i]) >= 0) hi[i] = lo[i];
                }
                case NA4 -> { lo[i] = a << 2; hi[i] = lo[i] + 4; }
                case NAPOT -> {
                    int ones = Long.numberOfTrailingZeros(~a);
                    long size = ones >= 54 ? 0 : 1L << (ones + 3);
                    long base = (a & ~((1L << ones) - 1)) << 2;
                    if (ones >= 54) { lo[i] = 0; hi[i] = -1L; } else { lo[i] = base; hi[i] = base + size; }
                }
                default -> { lo[i] = 0; hi[i] = 0; }
            }
            if (lo[i] != hi[i]) anyActive = true;
        }
    }

    // ---- checks ----

    /**
     * True if an access of {@code size} bytes at {@code pa}, with kind bit {@code perm}
     * ({@link #R}, {@link #W} or {@link #X}), is allowed at privilege {@code priv}.
     */
    public boolean allows(long pa, int size, int perm, int priv) {
        long end = pa + size;
        for (int i = 0; i < ENTRIES; i++) {
            if (lo[i] == hi[i]) continue;
            boolean touchesStart = inRange(i, pa), touchesEnd = inRange(i, end - 1);
            if (!touchesStart && !touchesEnd) {
                // An entry may also lie strictly inside a large access.
                if (!(Long.compareUnsigned(lo[i], pa) > 0 && Long.compareUnsigned(lo[i], end) < 0)) continue;
            }
            if (!(touchesStart && touchesEnd)) return false; // partial match fails
            if (priv == 3 && (cfg[i] & L) == 0) return true;
            return (cfg[i] & perm) != 0;
        }
        return priv == 3;
    }

    private boolean inRange(int i, long a) {
        return Long.compareUnsigned(a, lo[i]) >= 0 && (hi[i] == -1L || Long.compareUnsigned(a, hi[i]) < 0);
    }

    /**
     * True if every byte of the 4 KiB page at {@code page} gets the same PMP decision, so a
     * TLB entry for the page needs no further checks.
     */
    public boolean pageUniform(long page) {
        if (!anyActive) return true;
        long end = page + 4096;
        for (int i = 0; i < ENTRIES; i++) {
            if (lo[i] == hi[i]) continue;
            boolean startIn = inRange(i, page), endIn = inRange(i, end - 1);
            if (startIn && endIn) return true; // first matching entry covers the page
            if (startIn || endIn) return false;
            if (Long.compareUnsigned(lo[i], page) > 0 && Long.compareUnsigned(lo[i], end) < 0) return false;
        }
        return true;
    }
}
