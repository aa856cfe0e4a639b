package org.multios.isa.arm64.exec;

/** The Advanced SIMD modified immediate (MOVI/MVNI/ORR/BIC/FMOV vector), shared by executor and disassembler. */
public final class SimdImmediates {
    private SimdImmediates() {}

    /** AdvSIMDExpandImm: the 64-bit pattern of op:cmode:imm8. */
    public static long expand(boolean op, int cmode, int imm8) {
        long imm = imm8 & 0xffL;
        return switch (cmode >>> 1) {
            case 0 -> rep32(imm);
            case 1 -> rep32(imm << 8);
            case 2 -> rep32(imm << 16);
            case 3 -> rep32(imm << 24);
            case 4 -> rep16(imm);
            case 5 -> rep16(imm << 8);
            case 6 -> (cmode & 1) == 0 ? rep32((imm << 8) | 0xff) : rep32((imm << 16) | 0xffff);
            default -> {
                if ((cmode & 1) == 0) {
                    if (!op) yield imm * 0x0101010101010101L;
                    long r = 0;
                    for (int b = 0; b < 8; b++) if ((imm8 & (1 << b)) != 0) r |= 0xffL << (8 * b);
                    yield r;
                }
                long a = (imm >>> 7) & 1, b = (imm >>> 6) & 1, cdefgh = imm & 0x3f;
                if (!op) {
                    long s = (a << 31) | ((b ^ 1) << 30) | ((b != 0 ? 0x1fL : 0) << 25) | (cdefgh << 19);
                    yield rep32(s);
                }
                yield (a << 63) | ((b ^ 1) << 62) | ((b != 0 ? 0xffL : 0) << 54) | (cdefgh << 48);
            }
        };
    }

    private static long rep32(long x) { x &= 0xffffffffL; return x | (x << 32); }

    private static long rep16(long x) { x &= 0xffff; return x | (x << 16) | (x << 32) | (x << 48); }

}
