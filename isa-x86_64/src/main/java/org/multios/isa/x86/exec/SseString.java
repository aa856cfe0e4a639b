package org.multios.isa.x86.exec;

import org.multios.isa.x86.LazyFlags;

/**
 * The SSE4.2 string compare engine of PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM (SDM Vol. 2B
 * 4.1): element format (imm bits 1:0), aggregation (bits 3:2: equal any, ranges, equal each,
 * equal ordered), polarity (bits 5:4), index or mask selection (bit 6). Operand A is the
 * XMM register, B the register or memory; lengths are explicit (RAX/RDX) or end at the
 * first zero element ({@link #IMPLICIT}).
 */
final class SseString {
    /** Length argument meaning "up to the first zero element" (PCMPISTRx). */
    static final int IMPLICIT = -1;

    record Result(int index, long[] mask, long flags) {}

    Result compare(long[] a, long[] b, int lenA, int lenB, int imm) {
        int w = (imm & 1) != 0 ? 2 : 1;
        boolean signed = (imm & 2) != 0;
        int n = 16 / w;
        long[] ea = elements(a, w, signed), eb = elements(b, w, signed);
        int la = lenA == IMPLICIT ? implicitLength(ea) : Math.min(lenA, n);
        int lb = lenB == IMPLICIT ? implicitLength(eb) : Math.min(lenB, n);
        // boolean result bits: BoolRes[j][i] compares b[i] (j index of a)
        int agg = (imm >> 2) & 3;
        int res1 = 0;
        switch (agg) {
            case 0 -> { // equal any
                for (int i = 0; i < n; i++) {
                    boolean hit = false;
                    for (int j = 0; j < la && i < lb; j++) hit |= ea[j] == eb[i];
                    if (hit) res1 |= 1 << i;
                }
            }
            case 1 -> { // ranges: a holds pairs [lo, hi]
                for (int i = 0; i < n; i++) {
                    boolean hit = false;
                    for (int j = 0; j + 1 < la && i < lb; j += 2) hit |= eb[i] >= ea[j] && eb[i] <= ea[j + 1];
                    if (hit) res1 |= 1 << i;
                }
            }
            case 2 -> { // equal each
                for (int i = 0; i < n; i++) {
                    boolean va = i < la, vb = i < lb;
                    boolean r = va && vb ? ea[i] == eb[i] : !va && !vb;
                    if (r) res1 |= 1 << i;
                }
            }
            default -> { // equal ordered: substring a at each position of b
                for (int i = 0; i < n; i++) {
                    boolean r = true;
                    for (int j = 0; j < la && i + j < n; j++) {
                        if (i + j >= lb || ea[j] != eb[i + j]) { r = false; break; }
                    }
                    if (r) res1 |= 1 << i;
                }
            }
        }
        int all = (1 << n) - 1;
        int res2 = switch ((imm >> 4) & 3) {
            case 1 -> ~res1 & all;
            case 3 -> (res1 ^ ((1 << lb) - 1)) & all; // negate only valid elements of b
            default -> res1;
        };
        int index;
        if (res2 == 0) index = n;
        else index = (imm & 0x40) != 0 ? 31 - Integer.numberOfLeadingZeros(res2) : Integer.numberOfTrailingZeros(res2);
        long[] mask = new long[2];
        if ((imm & 0x40) != 0) {
            for (int i = 0; i < n; i++) if (((res2 >> i) & 1) != 0) Sse.setLane(mask, i, w, -1L);
        } else {
            mask[0] = res2 & 0xffffL;
        }
        long flags = (res2 != 0 ? LazyFlags.CF : 0) | (lb < n ? LazyFlags.ZF : 0) | (la < n ? LazyFlags.SF : 0)
                | ((res2 & 1) != 0 ? LazyFlags.OF : 0);
        return new Result(index, mask, flags);
    }

    private static long[] elements(long[] v, int w, boolean signed) {
        long[] e = new long[16 / w];
        for (int i = 0; i < e.length; i++) {
            long x = Sse.lane(v, i, w);
            e[i] = signed ? Sse.sext(x, w) : x;
        }
        return e;
    }

    private static int implicitLength(long[] e) {
        for (int i = 0; i < e.length; i++) if (e[i] == 0) return i;
        return e.length;
    }
}
