package org.multios.devices.display;

/**
 * Ternary raster operations as Windows GDI numbers them: bit {@code (P<<2)|(S<<1)|D} of the
 * 8-bit code is the result for pattern bit P, source bit S and destination bit D. So SRCCOPY
 * (0xCC) is "S", PATCOPY (0xF0) "P", SRCINVERT (0x66) "S xor D", DSTINVERT (0x55) "not D".
 */
public final class Rop3 {
    public static final int BLACKNESS = 0x00, NOTSRCERASE = 0x11, NOTSRCCOPY = 0x33, SRCERASE = 0x44, DSTINVERT = 0x55,
            PATINVERT = 0x5a, SRCINVERT = 0x66, SRCAND = 0x88, MERGEPAINT = 0xbb, MERGECOPY = 0xc0, SRCCOPY = 0xcc,
            SRCPAINT = 0xee, PATCOPY = 0xf0, PATPAINT = 0xfb, WHITENESS = 0xff;

    private Rop3() {}

    /** Applies {@code rop} bitwise to 32-bit pattern, source and destination words. */
    public static int apply(int rop, int p, int s, int d) {
        switch (rop) { // the common codes directly; the general form below gives the same answers
            case SRCCOPY: return s;
            case PATCOPY: return p;
            case SRCINVERT: return s ^ d;
            case SRCAND: return s & d;
            case SRCPAINT: return s | d;
            case DSTINVERT: return ~d;
            case BLACKNESS: return 0;
            case WHITENESS: return -1;
            default: break;
        }
        int r = 0;
        for (int i = 0; i < 8; i++) {
            if ((rop >>> i & 1) == 0) continue;
            int term = ((i & 4) != 0 ? p : ~p) & ((i & 2) != 0 ? s : ~s) & ((i & 1) != 0 ? d : ~d);
            r |= term;
        }
        return r;
    }
}
