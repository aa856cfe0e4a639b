package org.multios.isa.arm64.disasm;

import org.multios.isa.arm64.decode.A64Op;
import org.multios.isa.arm64.fp.FpArithmetic;

/**
 * The FP and Advanced SIMD classes of {@link A64Disassembler}, in objdump 2.40's syntax
 * (arrangement specifiers, element indexes, register lists with ranges, preferred aliases
 * such as mov/mvn/sxtl/uxtl, FP immediates as {@code %.18e}). Each class reads the fields
 * the executor reads; encodings the executor rejects (or that objdump names differently,
 * such as FEAT_FP16 forms) return null.
 */
final class A64FpSimdDisassembler {
    private static final String[] COND = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
    private static final String[] ARR = {"8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"};
    private static final String SCALAR = "bhsdq";

    A64FpSimdDisassembler(A64Disassembler base) { }

    String disassemble(A64Op op, int i, long pc) {
        return switch (op) {
            case SIMD_LDST_MULT -> loadStoreMultiple(i);
            case SIMD_LDST_SINGLE -> loadStoreSingle(i);
            case FP_DP1 -> fpDp1(i);
            case FP_DP2 -> fpDp2(i);
            case FP_DP3 -> fpDp3(i);
            case FP_CMP -> fpCompare(i);
            case FP_CCMP -> fpCondCompare(i);
            case FP_CSEL -> fpCondSelect(i);
            case FP_IMM -> fpImmediate(i);
            case FP_INT -> fpInteger(i);
            case FP_FIXED -> fpFixed(i);
            case SIMD_COPY -> copy(i);
            case SIMD_S_COPY -> scalarCopy(i);
            case SIMD_MODIMM -> modifiedImmediate(i);
            case SIMD_PERMUTE -> permute(i);
            case SIMD_EXT -> extract(i);
            case SIMD_TBL -> table(i);
            case SIMD_3SAME -> threeSame(i, false);
            case SIMD_S_3SAME -> threeSame(i, true);
            case SIMD_3DIFF -> threeDifferent(i);
            case SIMD_S_3DIFF -> scalarThreeDifferent(i);
            case SIMD_2MISC -> twoMisc(i, false);
            case SIMD_S_2MISC -> twoMisc(i, true);
            case SIMD_ACROSS -> across(i);
            case SIMD_S_PAIRWISE -> scalarPairwise(i);
            case SIMD_INDEXED -> byElement(i, false);
            case SIMD_S_INDEXED -> byElement(i, true);
            case SIMD_SHIFT_IMM -> shiftImmediate(i, false);
            case SIMD_S_SHIFT_IMM -> shiftImmediate(i, true);
            case SIMD_AES -> aes(i);
            case SIMD_SHA3 -> sha3(i);
            case SIMD_SHA2 -> sha2(i);
            default -> null;
        };
    }

    private String aes(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31;
        if (size != 0 || opcode < 4 || opcode > 7) return null;
        return new String[] {"aese", "aesd", "aesmc", "aesimc"}[opcode - 4] + "\t" + v(rd(i), "16b") + ", " + v(rn(i), "16b");
    }

    private String sha3(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 7;
        if (size != 0 || opcode == 7) return null;
        String mn = new String[] {"sha1c", "sha1p", "sha1m", "sha1su0", "sha256h", "sha256h2", "sha256su1"}[opcode];
        return switch (opcode) {
            case 0, 1, 2 -> mn + "\tq" + rd(i) + ", s" + rn(i) + ", " + v(rm(i), "4s");
            case 4, 5 -> mn + "\tq" + rd(i) + ", q" + rn(i) + ", " + v(rm(i), "4s");
            default -> mn + "\t" + v(rd(i), "4s") + ", " + v(rn(i), "4s") + ", " + v(rm(i), "4s");
        };
    }

    private String sha2(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31;
        if (size != 0 || opcode > 2) return null;
        if (opcode == 0) return "sha1h\ts" + rd(i) + ", s" + rn(i);
        return (opcode == 1 ? "sha1su1\t" : "sha256su0\t") + v(rd(i), "4s") + ", " + v(rn(i), "4s");
    }

    // ---- operands ----

    private static boolean bit(int i, int b) { return (i & (1 << b)) != 0; }
    private static int rd(int i) { return i & 31; }
    private static int rn(int i) { return (i >>> 5) & 31; }
    private static int rm(int i) { return (i >>> 16) & 31; }

    private static String arr(int size, boolean q) { return ARR[size * 2 + (q ? 1 : 0)]; }
    private static String v(int r, String arr) { return "v" + r + "." + arr; }
    private static String v(int r, int size, boolean q) { return v(r, arr(size, q)); }
    private static String sc(int r, int size) { return SCALAR.charAt(size) + Integer.toString(r); }
    private static String elem(int r, int size, int index) { return "v" + r + "." + "bhsd".charAt(size) + "[" + index + "]"; }
    private static String fr(int r, int n) { return (n == 64 ? "d" : n == 32 ? "s" : "h") + r; }
    private static String x(boolean sf, int r) { return A64Disassembler.r(sf, r); }
    private static String hex(long v) { return "#0x" + Long.toHexString(v); }
    private static String two(String mn, boolean q) { return q ? mn + "2" : mn; }

    /** objdump's register list: comma-separated, or a range for three or four registers. */
    private static String list(int first, int count, String suffix) {
        if (count > 2 && first + count - 1 <= 31) return "{v" + first + suffix + "-v" + (first + count - 1) + suffix + "}";
        StringBuilder sb = new StringBuilder("{");
        for (int k = 0; k < count; k++) {
            if (k > 0) sb.append(", ");
            sb.append('v').append((first + k) & 31).append(suffix);
        }
        return sb.append('}').toString();
    }

    private static String fpImm(long bits, int n) {
        double d = n == 64 ? Double.longBitsToDouble(bits) : Float.intBitsToFloat((int) bits);
        return "#" + String.format("%.18e", d);
    }

    // ---- loads and stores ----

    /** The SIMD&FP register of a single-register load/store (V=1), or null. */
    static String vectorRegister(int i, int t) {
        int size = (i >>> 30) & 3, opc = (i >>> 22) & 3;
        if ((opc & 2) != 0) return size == 0 ? "q" + t : null;
        return SCALAR.charAt(size) + Integer.toString(t);
    }

    static int vectorScale(int i) {
        int size = (i >>> 30) & 3, opc = (i >>> 22) & 3;
        return (opc & 2) != 0 ? 4 : size;
    }

    private String loadStoreMultiple(int i) {
        boolean q = bit(i, 30), load = bit(i, 22), post = bit(i, 23);
        int opcode = (i >>> 12) & 15, size = (i >>> 10) & 3;
        int rpt, selem;
        switch (opcode) {
            case 0 -> { rpt = 1; selem = 4; }
            case 2 -> { rpt = 4; selem = 1; }
            case 4 -> { rpt = 1; selem = 3; }
            case 6 -> { rpt = 3; selem = 1; }
            case 7 -> { rpt = 1; selem = 1; }
            case 8 -> { rpt = 1; selem = 2; }
            case 10 -> { rpt = 2; selem = 1; }
            default -> { return null; }
        }
        if (size == 3 && !q && selem != 1) return null;
        int regs = rpt * selem;
        String mn = (load ? "ld" : "st") + selem;
        String s = mn + "\t" + list(rd(i), regs, "." + arr(size, q)) + ", [" + A64Disassembler.rsp(true, rn(i)) + "]";
        if (post) s += rm(i) == 31 ? ", #" + (regs * (q ? 16 : 8)) : ", " + x(true, rm(i));
        return s;
    }

    private String loadStoreSingle(int i) {
        boolean q = bit(i, 30), load = bit(i, 22), post = bit(i, 23), s = bit(i, 12), r = bit(i, 21);
        int opcode = (i >>> 13) & 7, size = (i >>> 10) & 3;
        int selem = (((opcode & 1) << 1) | (r ? 1 : 0)) + 1;
        int scale = opcode >>> 1, index;
        boolean replicate = false;
        switch (scale) {
            case 0 -> index = (q ? 8 : 0) | (s ? 4 : 0) | size;
            case 1 -> {
                if ((size & 1) != 0) return null;
                index = (q ? 4 : 0) | (s ? 2 : 0) | (size >>> 1);
            }
            case 2 -> {
                if ((size & 2) != 0) return null;
                if ((size & 1) == 0) index = (q ? 2 : 0) | (s ? 1 : 0);
                else {
                    if (s) return null;
                    index = q ? 1 : 0;
                    scale = 3;
                }
            }
            default -> {
                if (!load || s) return null;
                scale = size;
                index = 0;
                replicate = true;
            }
        }
        String regs = replicate ? list(rd(i), selem, "." + arr(size, q))
                : list(rd(i), selem, "." + "bhsd".charAt(scale)) + "[" + index + "]";
        String mn = (load ? "ld" : "st") + selem + (replicate ? "r" : "");
        String out = mn + "\t" + regs + ", [" + A64Disassembler.rsp(true, rn(i)) + "]";
        if (post) out += rm(i) == 31 ? ", #" + (selem << scale) : ", " + x(true, rm(i));
        return out;
    }

    // ---- scalar floating point ----

    private static int width(int i) {
        if ((i & 0xa0000000) != 0) return 0;
        return switch ((i >>> 22) & 3) { case 0 -> 32; case 1 -> 64; default -> 0; };
    }

    private String fpDp1(int i) {
        int opcode = (i >>> 15) & 0x3f;
        if ((opcode & 0x3c) == 4) {
            if ((i & 0xa0000000) != 0) return null;
            int from = switch ((i >>> 22) & 3) { case 0 -> 32; case 1 -> 64; case 3 -> 16; default -> 0; };
            int to = switch (opcode & 3) { case 0 -> 32; case 1 -> 64; case 3 -> 16; default -> 0; };
            if (from == 0 || to == 0 || from == to) return null;
            return "fcvt\t" + fr(rd(i), to) + ", " + fr(rn(i), from);
        }
        int n = width(i);
        if (n == 0) return null;
        String mn = switch (opcode) {
            case 0 -> "fmov"; case 1 -> "fabs"; case 2 -> "fneg"; case 3 -> "fsqrt";
            case 8 -> "frintn"; case 9 -> "frintp"; case 10 -> "frintm"; case 11 -> "frintz";
            case 12 -> "frinta"; case 14 -> "frintx"; case 15 -> "frinti";
            default -> null;
        };
        return mn == null ? null : mn + "\t" + fr(rd(i), n) + ", " + fr(rn(i), n);
    }

    private String fpDp2(int i) {
        int n = width(i);
        if (n == 0) return null;
        String[] names = {"fmul", "fdiv", "fadd", "fsub", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul"};
        int opcode = (i >>> 12) & 15;
        if (opcode >= names.length) return null;
        return names[opcode] + "\t" + fr(rd(i), n) + ", " + fr(rn(i), n) + ", " + fr(rm(i), n);
    }

    private String fpDp3(int i) {
        int n = width(i);
        if (n == 0) return null;
        int k = (bit(i, 21) ? 2 : 0) | (bit(i, 15) ? 1 : 0);
        String mn = new String[] {"fmadd", "fmsub", "fnmadd", "fnmsub"}[k];
        return mn + "\t" + fr(rd(i), n) + ", " + fr(rn(i), n) + ", " + fr(rm(i), n) + ", " + fr((i >>> 10) & 31, n);
    }

    private String fpCompare(int i) {
        int n = width(i);
        if (n == 0 || ((i >>> 14) & 3) != 0 || (i & 7) != 0) return null;
        String mn = bit(i, 4) ? "fcmpe" : "fcmp";
        return mn + "\t" + fr(rn(i), n) + ", " + (bit(i, 3) ? "#0.0" : fr(rm(i), n));
    }

    private String fpCondCompare(int i) {
        int n = width(i);
        if (n == 0) return null;
        return (bit(i, 4) ? "fccmpe" : "fccmp") + "\t" + fr(rn(i), n) + ", " + fr(rm(i), n) + ", " + hex(i & 15) + ", " + COND[(i >>> 12) & 15]
                + A64Disassembler.condComment((i >>> 12) & 15);
    }

    private String fpCondSelect(int i) {
        int n = width(i);
        if (n == 0) return null;
        return "fcsel\t" + fr(rd(i), n) + ", " + fr(rn(i), n) + ", " + fr(rm(i), n) + ", " + COND[(i >>> 12) & 15]
                + A64Disassembler.condComment((i >>> 12) & 15);
    }

    private String fpImmediate(int i) {
        int n = width(i);
        if (n == 0 || ((i >>> 5) & 31) != 0) return null;
        return "fmov\t" + fr(rd(i), n) + ", " + fpImm(FpArithmetic.expandImm((i >>> 13) & 0xff, n), n);
    }

    private String fpInteger(int i) {
        boolean sf = i < 0;
        int ftype = (i >>> 22) & 3, rmode = (i >>> 19) & 3, opcode = (i >>> 16) & 7;
        if (bit(i, 29)) return null;
        if (opcode >= 6) {
            boolean toGeneral = opcode == 6;
            String g = x(sf, toGeneral ? rd(i) : rn(i)), f;
            if (ftype == 0 && !sf && rmode == 0) f = fr(toGeneral ? rn(i) : rd(i), 32);
            else if (ftype == 1 && sf && rmode == 0) f = fr(toGeneral ? rn(i) : rd(i), 64);
            else if (ftype == 2 && sf && rmode == 1) f = "v" + (toGeneral ? rn(i) : rd(i)) + ".d[1]";
            else return null;
            return "fmov\t" + (toGeneral ? g + ", " + f : f + ", " + g);
        }
        int n = switch (ftype) { case 0 -> 32; case 1 -> 64; default -> 0; };
        if (n == 0) return null;
        String mn = switch (opcode) {
            case 0 -> "fcvt" + "npmz".charAt(rmode) + "s";
            case 1 -> "fcvt" + "npmz".charAt(rmode) + "u";
            case 2 -> rmode == 0 ? "scvtf" : null;
            case 3 -> rmode == 0 ? "ucvtf" : null;
            case 4 -> rmode == 0 ? "fcvtas" : null;
            case 5 -> rmode == 0 ? "fcvtau" : null;
            default -> null;
        };
        if (mn == null) return null;
        return opcode == 2 || opcode == 3 ? mn + "\t" + fr(rd(i), n) + ", " + x(sf, rn(i)) : mn + "\t" + x(sf, rd(i)) + ", " + fr(rn(i), n);
    }

    private String fpFixed(int i) {
        boolean sf = i < 0;
        int ftype = (i >>> 22) & 3, rmode = (i >>> 19) & 3, opcode = (i >>> 16) & 7, scale = (i >>> 10) & 63;
        if (bit(i, 29) || (!sf && scale < 32)) return null;
        int n = switch (ftype) { case 0 -> 32; case 1 -> 64; default -> 0; };
        if (n == 0) return null;
        String fb = ", #" + (64 - scale);
        if (rmode == 3 && opcode < 2) return (opcode == 0 ? "fcvtzs\t" : "fcvtzu\t") + x(sf, rd(i)) + ", " + fr(rn(i), n) + fb;
        if (rmode == 0 && (opcode == 2 || opcode == 3)) return (opcode == 2 ? "scvtf\t" : "ucvtf\t") + fr(rd(i), n) + ", " + x(sf, rn(i)) + fb;
        return null;
    }

    // ---- copy, immediates, permutes ----

    private String copy(int i) {
        boolean q = bit(i, 30), op = bit(i, 29);
        int imm5 = (i >>> 16) & 31, imm4 = (i >>> 11) & 15;
        int size = Integer.numberOfTrailingZeros(imm5);
        if (size > 3) return null;
        int index = imm5 >>> (size + 1);
        if (op) {
            if (!q) return null;
            return "mov\t" + elem(rd(i), size, index) + ", " + elem(rn(i), size, imm4 >>> size);
        }
        return switch (imm4) {
            case 0 -> size == 3 && !q ? null : "dup\t" + v(rd(i), size, q) + ", " + elem(rn(i), size, index);
            case 1 -> size == 3 && !q ? null : "dup\t" + v(rd(i), size, q) + ", " + x(size == 3, rn(i));
            case 3 -> !q ? null : "mov\t" + elem(rd(i), size, index) + ", " + x(size == 3, rn(i));
            case 5 -> size == 3 || (size == 2 && !q) ? null : "smov\t" + x(q, rd(i)) + ", " + elem(rn(i), size, index);
            case 7 -> (size == 3) != q ? null : (size >= 2 ? "mov\t" : "umov\t") + x(q, rd(i)) + ", " + elem(rn(i), size, index);
            default -> null;
        };
    }

    private String scalarCopy(int i) {
        int imm5 = (i >>> 16) & 31, imm4 = (i >>> 11) & 15;
        if (bit(i, 29) || imm4 != 0) return null;
        int size = Integer.numberOfTrailingZeros(imm5);
        if (size > 3) return null;
        return "mov\t" + sc(rd(i), size) + ", " + elem(rn(i), size, imm5 >>> (size + 1));
    }

    private String modifiedImmediate(int i) {
        boolean q = bit(i, 30), op = bit(i, 29);
        int cmode = (i >>> 12) & 15;
        if (bit(i, 11)) return null;
        int imm8 = (((i >>> 16) & 7) << 5) | ((i >>> 5) & 31);
        String d = "v" + rd(i) + ".";
        if (cmode < 8) {
            String t = q ? "4s" : "2s";
            int shift = ((cmode >>> 1) & 3) * 8;
            String mn = (cmode & 1) == 0 ? (op ? "mvni" : "movi") : (op ? "bic" : "orr");
            return mn + "\t" + d + t + ", " + hex(imm8) + (shift == 0 ? "" : ", lsl #" + shift);
        }
        if (cmode < 12) {
            String t = q ? "8h" : "4h";
            int shift = ((cmode >>> 1) & 1) * 8;
            String mn = (cmode & 1) == 0 ? (op ? "mvni" : "movi") : (op ? "bic" : "orr");
            return mn + "\t" + d + t + ", " + hex(imm8) + (shift == 0 ? "" : ", lsl #" + shift);
        }
        if (cmode < 14) {
            return (op ? "mvni" : "movi") + "\t" + d + (q ? "4s" : "2s") + ", " + hex(imm8) + ", msl #" + ((cmode & 1) == 0 ? 8 : 16);
        }
        if (cmode == 14) {
            if (!op) return "movi\t" + d + (q ? "16b" : "8b") + ", " + hex(imm8);
            long imm = org.multios.isa.arm64.exec.SimdImmediates.expand(true, 14, imm8);
            return "movi\t" + (q ? d + "2d" : "d" + rd(i)) + ", " + hex(imm);
        }
        if (!op) return "fmov\t" + d + (q ? "4s" : "2s") + ", " + fpImm(FpArithmetic.expandImm(imm8, 32), 32);
        if (!q) return null;
        return "fmov\t" + d + "2d, " + fpImm(FpArithmetic.expandImm(imm8, 64), 64);
    }

    private String permute(int i) {
        boolean q = bit(i, 30);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 7;
        if (size == 3 && !q) return null;
        String mn = switch (opcode) {
            case 1 -> "uzp1"; case 2 -> "trn1"; case 3 -> "zip1"; case 5 -> "uzp2"; case 6 -> "trn2"; case 7 -> "zip2";
            default -> null;
        };
        if (mn == null) return null;
        return mn + "\t" + v(rd(i), size, q) + ", " + v(rn(i), size, q) + ", " + v(rm(i), size, q);
    }

    private String extract(int i) {
        boolean q = bit(i, 30);
        int imm4 = (i >>> 11) & 15;
        if (((i >>> 22) & 3) != 0 || (!q && imm4 >= 8)) return null;
        return "ext\t" + v(rd(i), 0, q) + ", " + v(rn(i), 0, q) + ", " + v(rm(i), 0, q) + ", #" + imm4;
    }

    private String table(int i) {
        boolean q = bit(i, 30);
        if (((i >>> 22) & 3) != 0) return null;
        int regs = ((i >>> 13) & 3) + 1;
        return (bit(i, 12) ? "tbx\t" : "tbl\t") + v(rd(i), 0, q) + ", " + list(rn(i), regs, ".16b") + ", " + v(rm(i), 0, q);
    }

    // ---- three same ----

    private static final String[][] INT_SAME = {
        {"shadd", "sqadd", "srhadd", null, "shsub", "sqsub", "cmgt", "cmge", "sshl", "sqshl", "srshl", "sqrshl", "smax", "smin",
            "sabd", "saba", "add", "cmtst", "mla", "mul", "smaxp", "sminp", "sqdmulh", "addp"},
        {"uhadd", "uqadd", "urhadd", null, "uhsub", "uqsub", "cmhi", "cmhs", "ushl", "uqshl", "urshl", "uqrshl", "umax", "umin",
            "uabd", "uaba", "sub", "cmeq", "mls", "pmul", "umaxp", "uminp", "sqrdmulh", null},
    };

    private String threeSame(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 11) & 31;
        if (opcode >= 0x18) return fpThreeSame(i, scalar, q, u, opcode);
        if (opcode == 3) {
            if (scalar) return null;
            String mn = new String[] {"and", "bic", "orr", "orn", "eor", "bsl", "bit", "bif"}[(u ? 4 : 0) | size];
            if (!u && size == 2 && rn(i) == rm(i)) return "mov\t" + v(rd(i), 0, q) + ", " + v(rn(i), 0, q);
            return mn + "\t" + v(rd(i), 0, q) + ", " + v(rn(i), 0, q) + ", " + v(rm(i), 0, q);
        }
        String mn = INT_SAME[u ? 1 : 0][opcode];
        if (mn == null) return null;
        if (scalar) {
            boolean ok = switch (opcode) {
                case 1, 5, 9, 11 -> true;
                case 6, 7, 8, 10, 16, 17 -> size == 3;
                case 22 -> size == 1 || size == 2;
                default -> false;
            };
            if (!ok) return null;
            return mn + "\t" + sc(rd(i), size) + ", " + sc(rn(i), size) + ", " + sc(rm(i), size);
        }
        if (size == 3 && !q) return null;
        boolean ok = switch (opcode) {
            case 0, 2, 4, 12, 13, 14, 15, 18, 20, 21 -> size != 3;
            case 19 -> u ? size == 0 : size != 3;
            case 22 -> size == 1 || size == 2;
            default -> true;
        };
        if (!ok) return null;
        return mn + "\t" + v(rd(i), size, q) + ", " + v(rn(i), size, q) + ", " + v(rm(i), size, q);
    }

    private static String fpSameName(int key) {
        return switch (key) {
            case 0x18 -> "fmaxnm"; case 0x38 -> "fminnm"; case 0x19 -> "fmla"; case 0x39 -> "fmls";
            case 0x1a -> "fadd"; case 0x3a -> "fsub"; case 0x1b -> "fmulx"; case 0x1c -> "fcmeq";
            case 0x1e -> "fmax"; case 0x3e -> "fmin"; case 0x1f -> "frecps"; case 0x3f -> "frsqrts";
            case 0x58 -> "fmaxnmp"; case 0x78 -> "fminnmp"; case 0x5a -> "faddp"; case 0x7a -> "fabd";
            case 0x5b -> "fmul"; case 0x5c -> "fcmge"; case 0x7c -> "fcmgt"; case 0x5d -> "facge";
            case 0x7d -> "facgt"; case 0x5e -> "fmaxp"; case 0x7e -> "fminp"; case 0x5f -> "fdiv";
            default -> null;
        };
    }

    private String fpThreeSame(int i, boolean scalar, boolean q, boolean u, int opcode) {
        int sz = (i >>> 22) & 1;
        int key = (u ? 0x40 : 0) | (bit(i, 23) ? 0x20 : 0) | opcode;
        String mn = fpSameName(key);
        if (mn == null) return null;
        if (scalar) {
            boolean ok = key == 0x1b || key == 0x1c || key == 0x5c || key == 0x7c || key == 0x5d || key == 0x7d
                    || key == 0x1f || key == 0x3f || key == 0x7a;
            if (!ok) return null;
            int n = 32 << sz;
            return mn + "\t" + fr(rd(i), n) + ", " + fr(rn(i), n) + ", " + fr(rm(i), n);
        }
        if (sz == 1 && !q) return null;
        return mn + "\t" + v(rd(i), 2 + sz, q) + ", " + v(rn(i), 2 + sz, q) + ", " + v(rm(i), 2 + sz, q);
    }

    // ---- three different ----

    private String threeDifferent(int i) {
        boolean q = bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 15;
        if (opcode == 14 && !u && (size == 0 || size == 3)) {
            if (size == 3) return two("pmull", q) + "\t" + v(rd(i), "1q") + ", " + v(rn(i), 3, q) + ", " + v(rm(i), 3, q);
            return two("pmull", q) + "\t" + v(rd(i), 1, true) + ", " + v(rn(i), 0, q) + ", " + v(rm(i), 0, q);
        }
        if (size == 3) return null;
        String[] names = u
                ? new String[] {"uaddl", "uaddw", "usubl", "usubw", "raddhn", "uabal", "rsubhn", "uabdl", "umlal", null, "umlsl", null, "umull", null, null, null}
                : new String[] {"saddl", "saddw", "ssubl", "ssubw", "addhn", "sabal", "subhn", "sabdl", "smlal", "sqdmlal", "smlsl", "sqdmlsl", "smull", "sqdmull", null, null};
        String mn = names[opcode];
        if (mn == null) return null;
        if ((opcode == 9 || opcode == 11 || opcode == 13) && size == 0) return null;
        mn = two(mn, q);
        String wide = arr(size + 1, true), narrow = arr(size, q);
        return switch (opcode) {
            case 1, 3 -> mn + "\t" + v(rd(i), wide) + ", " + v(rn(i), wide) + ", " + v(rm(i), narrow);
            case 4, 6 -> mn + "\t" + v(rd(i), narrow) + ", " + v(rn(i), wide) + ", " + v(rm(i), wide);
            default -> mn + "\t" + v(rd(i), wide) + ", " + v(rn(i), narrow) + ", " + v(rm(i), narrow);
        };
    }

    private String scalarThreeDifferent(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 15;
        if (bit(i, 29) || (size != 1 && size != 2)) return null;
        String mn = switch (opcode) { case 9 -> "sqdmlal"; case 11 -> "sqdmlsl"; case 13 -> "sqdmull"; default -> null; };
        if (mn == null) return null;
        return mn + "\t" + sc(rd(i), size + 1) + ", " + sc(rn(i), size) + ", " + sc(rm(i), size);
    }

    // ---- two-register miscellaneous ----

    private String twoMisc(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31;
        int key = (u ? 0x20 : 0) | opcode;
        boolean fpOp = (opcode >= 0x0c && opcode <= 0x0f && size >= 2) || (opcode >= 0x16 && opcode <= 0x1d)
                || (opcode == 0x1f && size >= 2);
        if (fpOp) return fpTwoMisc(i, scalar, q, u, size, opcode);
        String d = scalar ? sc(rd(i), size) : v(rd(i), size, q), n = scalar ? sc(rn(i), size) : v(rn(i), size, q);
        switch (key) {
            case 0x00, 0x20, 0x01 -> {
                int container = key == 0x00 ? 64 : key == 0x20 ? 32 : 16;
                if (scalar || (8 << size) >= container) return null;
                return (key == 0x00 ? "rev64" : key == 0x20 ? "rev32" : "rev16") + "\t" + d + ", " + n;
            }
            case 0x02, 0x22, 0x06, 0x26 -> {
                if (scalar || size == 3) return null;
                String mn = (u ? "u" : "s") + ((opcode & 4) != 0 ? "adalp" : "addlp");
                return mn + "\t" + v(rd(i), size + 1, q) + ", " + n;
            }
            case 0x03, 0x23 -> {
                if (!scalar && size == 3 && !q) return null;
                return (u ? "usqadd\t" : "suqadd\t") + d + ", " + n;
            }
            case 0x04, 0x24 -> {
                if (scalar || size == 3) return null;
                return (u ? "clz\t" : "cls\t") + d + ", " + n;
            }
            case 0x05 -> { return scalar || size != 0 ? null : "cnt\t" + d + ", " + n; }
            case 0x25 -> {
                if (scalar || size > 1) return null;
                return (size == 0 ? "mvn\t" : "rbit\t") + v(rd(i), 0, q) + ", " + v(rn(i), 0, q);
            }
            case 0x07, 0x27, 0x08, 0x28, 0x09, 0x29, 0x0a, 0x0b, 0x2b -> {
                boolean needs64 = key != 0x07 && key != 0x27;
                if (scalar ? needs64 && size != 3 : size == 3 && !q) return null;
                return switch (key) {
                    case 0x07 -> "sqabs\t" + d + ", " + n;
                    case 0x27 -> "sqneg\t" + d + ", " + n;
                    case 0x08 -> "cmgt\t" + d + ", " + n + ", #0";
                    case 0x28 -> "cmge\t" + d + ", " + n + ", #0";
                    case 0x09 -> "cmeq\t" + d + ", " + n + ", #0";
                    case 0x29 -> "cmle\t" + d + ", " + n + ", #0";
                    case 0x0a -> "cmlt\t" + d + ", " + n + ", #0";
                    case 0x0b -> "abs\t" + d + ", " + n;
                    default -> "neg\t" + d + ", " + n;
                };
            }
            case 0x12, 0x32, 0x14, 0x34 -> {
                if (size == 3 || (scalar && key == 0x12)) return null;
                String mn = key == 0x12 ? "xtn" : key == 0x32 ? "sqxtun" : key == 0x14 ? "sqxtn" : "uqxtn";
                if (scalar) return mn + "\t" + sc(rd(i), size) + ", " + sc(rn(i), size + 1);
                return two(mn, q) + "\t" + v(rd(i), size, q) + ", " + v(rn(i), size + 1, true);
            }
            case 0x33 -> {
                if (scalar || size == 3) return null;
                return two("shll", q) + "\t" + v(rd(i), size + 1, true) + ", " + v(rn(i), size, q) + ", #" + (8 << size);
            }
            default -> { return null; }
        }
    }

    private static String fpMiscName(int key) {
        return switch (key) {
            case 0x2c -> "fcmgt"; case 0x6c -> "fcmge"; case 0x2d -> "fcmeq"; case 0x6d -> "fcmle"; case 0x2e -> "fcmlt";
            case 0x2f -> "fabs"; case 0x6f -> "fneg"; case 0x7f -> "fsqrt";
            case 0x18 -> "frintn"; case 0x38 -> "frintp"; case 0x58 -> "frinta"; case 0x19 -> "frintm";
            case 0x39 -> "frintz"; case 0x59 -> "frintx"; case 0x79 -> "frinti";
            case 0x1a -> "fcvtns"; case 0x5a -> "fcvtnu"; case 0x3a -> "fcvtps"; case 0x7a -> "fcvtpu";
            case 0x1b -> "fcvtms"; case 0x5b -> "fcvtmu"; case 0x3b -> "fcvtzs"; case 0x7b -> "fcvtzu";
            case 0x1c -> "fcvtas"; case 0x5c -> "fcvtau"; case 0x1d -> "scvtf"; case 0x5d -> "ucvtf";
            case 0x3d -> "frecpe"; case 0x7d -> "frsqrte"; case 0x3f -> "frecpx"; case 0x3c -> "urecpe"; case 0x7c -> "ursqrte";
            default -> null;
        };
    }

    private String fpTwoMisc(int i, boolean scalar, boolean q, boolean u, int size, int opcode) {
        int sz = size & 1;
        boolean a = (size & 2) != 0;
        if (opcode == 0x16 || opcode == 0x17) {
            if (a) return null;
            if (opcode == 0x16) {
                if (u && sz == 0) return null;
                if (scalar) return u ? "fcvtxn\t" + fr(rd(i), 32) + ", " + fr(rn(i), 64) : null;
                // FCVTN: 4s -> 4h (sz 0) or 2d -> 2s (sz 1)
                return two(u ? "fcvtxn" : "fcvtn", q) + "\t" + v(rd(i), 1 + sz, q) + ", " + v(rn(i), 2 + sz, true);
            }
            if (u || scalar) return null;
            return two("fcvtl", q) + "\t" + v(rd(i), 2 + sz, true) + ", " + v(rn(i), 1 + sz, q);
        }
        int key = (u ? 0x40 : 0) | (a ? 0x20 : 0) | opcode;
        String mn = fpMiscName(key);
        if (mn == null) return null;
        if (!scalar && sz == 1 && !q) return null;
        if (scalar && (key == 0x2f || key == 0x6f || key == 0x7f || (opcode >= 0x18 && opcode <= 0x19))) return null;
        if (!scalar && key == 0x3f) return null;
        if ((key == 0x3c || key == 0x7c) && (scalar || sz != 0)) return null;
        String d = scalar ? fr(rd(i), 32 << sz) : v(rd(i), 2 + sz, q), n = scalar ? fr(rn(i), 32 << sz) : v(rn(i), 2 + sz, q);
        boolean zero = opcode >= 0x0c && opcode <= 0x0e;
        return mn + "\t" + d + ", " + n + (zero ? ", #0.0" : "");
    }

    // ---- across lanes, pairwise ----

    private String across(int i) {
        boolean q = bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31;
        if (opcode == 0x0c || opcode == 0x0f) {
            if (!u || (size & 1) != 0 || !q) return null;
            boolean min = (size & 2) != 0;
            String mn = opcode == 0x0c ? (min ? "fminnmv" : "fmaxnmv") : (min ? "fminv" : "fmaxv");
            return mn + "\t" + fr(rd(i), 32) + ", " + v(rn(i), 2, true);
        }
        if (size == 3 || (size == 2 && !q)) return null;
        return switch (opcode) {
            case 0x03 -> (u ? "uaddlv\t" : "saddlv\t") + sc(rd(i), size + 1) + ", " + v(rn(i), size, q);
            case 0x0a -> (u ? "umaxv\t" : "smaxv\t") + sc(rd(i), size) + ", " + v(rn(i), size, q);
            case 0x1a -> (u ? "uminv\t" : "sminv\t") + sc(rd(i), size) + ", " + v(rn(i), size, q);
            case 0x1b -> u ? null : "addv\t" + sc(rd(i), size) + ", " + v(rn(i), size, q);
            default -> null;
        };
    }

    private String scalarPairwise(int i) {
        boolean u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31;
        if (!u) return opcode == 0x1b && size == 3 ? "addp\t" + sc(rd(i), 3) + ", " + v(rn(i), 3, true) : null;
        int sz = size & 1;
        String mn = switch (((size & 2) != 0 ? 0x20 : 0) | opcode) {
            case 0x0c -> "fmaxnmp"; case 0x2c -> "fminnmp"; case 0x0d -> "faddp"; case 0x0f -> "fmaxp"; case 0x2f -> "fminp";
            default -> null;
        };
        if (mn == null) return null;
        return mn + "\t" + fr(rd(i), 32 << sz) + ", " + v(rn(i), 2 + sz, sz == 1);
    }

    // ---- by element ----

    private String byElement(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 15;
        int l = (i >>> 21) & 1, m = (i >>> 20) & 1, h = (i >>> 11) & 1, rmLow = (i >>> 16) & 15;
        if (opcode == 1 || opcode == 5 || opcode == 9) {
            if (size < 2 || (u && opcode != 9)) return null;
            int sz = size & 1;
            if (sz == 1 && l == 1) return null;
            if (!scalar && sz == 1 && !q) return null;
            int index = sz == 0 ? (h << 1) | l : h;
            String mn = opcode == 1 ? "fmla" : opcode == 5 ? "fmls" : u ? "fmulx" : "fmul";
            String e = elem((m << 4) | rmLow, 2 + sz, index);
            if (scalar) return mn + "\t" + fr(rd(i), 32 << sz) + ", " + fr(rn(i), 32 << sz) + ", " + e;
            return mn + "\t" + v(rd(i), 2 + sz, q) + ", " + v(rn(i), 2 + sz, q) + ", " + e;
        }
        int index, rm;
        switch (size) {
            case 1 -> { index = (h << 2) | (l << 1) | m; rm = rmLow; }
            case 2 -> { index = (h << 1) | l; rm = (m << 4) | rmLow; }
            default -> { return null; }
        }
        String e = elem(rm, size, index);
        int key = (u ? 0x10 : 0) | opcode;
        if (scalar) {
            return switch (key) {
                case 0x0c -> "sqdmulh\t" + sc(rd(i), size) + ", " + sc(rn(i), size) + ", " + e;
                case 0x0d -> "sqrdmulh\t" + sc(rd(i), size) + ", " + sc(rn(i), size) + ", " + e;
                case 0x03 -> "sqdmlal\t" + sc(rd(i), size + 1) + ", " + sc(rn(i), size) + ", " + e;
                case 0x07 -> "sqdmlsl\t" + sc(rd(i), size + 1) + ", " + sc(rn(i), size) + ", " + e;
                case 0x0b -> "sqdmull\t" + sc(rd(i), size + 1) + ", " + sc(rn(i), size) + ", " + e;
                default -> null;
            };
        }
        String same = switch (key) {
            case 0x08 -> "mul"; case 0x10 -> "mla"; case 0x14 -> "mls"; case 0x0c -> "sqdmulh"; case 0x0d -> "sqrdmulh";
            default -> null;
        };
        if (same != null) return same + "\t" + v(rd(i), size, q) + ", " + v(rn(i), size, q) + ", " + e;
        String lng = switch (key) {
            case 0x02 -> "smlal"; case 0x12 -> "umlal"; case 0x06 -> "smlsl"; case 0x16 -> "umlsl"; case 0x0a -> "smull";
            case 0x1a -> "umull"; case 0x03 -> "sqdmlal"; case 0x07 -> "sqdmlsl"; case 0x0b -> "sqdmull";
            default -> null;
        };
        if (lng == null) return null;
        return two(lng, q) + "\t" + v(rd(i), size + 1, true) + ", " + v(rn(i), size, q) + ", " + e;
    }

    // ---- shift by immediate ----

    private String shiftImmediate(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int immh = (i >>> 19) & 15, immhb = (i >>> 16) & 127, opcode = (i >>> 11) & 31;
        if (immh == 0) return null;
        int log = 31 - Integer.numberOfLeadingZeros(immh), esize = 8 << log;
        int key = (u ? 0x20 : 0) | opcode;
        boolean narrow = opcode >= 0x10 && opcode <= 0x13, lengthen = opcode == 0x14;
        if (narrow || lengthen) {
            if (immh >= 8 || (lengthen && scalar) || (scalar && (key == 0x10 || key == 0x11))) return null;
            if (lengthen) {
                int shift = immhb - esize;
                String d = v(rd(i), log + 1, true), n = v(rn(i), log, q);
                if (shift == 0) return two(u ? "uxtl" : "sxtl", q) + "\t" + d + ", " + n;
                return two(u ? "ushll" : "sshll", q) + "\t" + d + ", " + n + ", #" + shift;
            }
            String mn = switch (key) {
                case 0x10 -> "shrn"; case 0x11 -> "rshrn"; case 0x30 -> "sqshrun"; case 0x31 -> "sqrshrun";
                case 0x12 -> "sqshrn"; case 0x13 -> "sqrshrn"; case 0x32 -> "uqshrn"; default -> "uqrshrn";
            };
            int shift = 2 * esize - immhb;
            if (scalar) return mn + "\t" + sc(rd(i), log) + ", " + sc(rn(i), log + 1) + ", #" + shift;
            return two(mn, q) + "\t" + v(rd(i), log, q) + ", " + v(rn(i), log + 1, true) + ", #" + shift;
        }
        if (!scalar && immh >= 8 && !q) return null;
        boolean only64 = switch (key) { case 0x0c, 0x0e, 0x2c, 0x2e, 0x1c, 0x3c, 0x1f, 0x3f -> false; default -> true; };
        if (scalar && only64 && immh < 8) return null;
        String mn = switch (key) {
            case 0x00 -> "sshr"; case 0x02 -> "ssra"; case 0x04 -> "srshr"; case 0x06 -> "srsra"; case 0x0a -> "shl";
            case 0x0e -> "sqshl"; case 0x1c -> "scvtf"; case 0x1f -> "fcvtzs";
            case 0x20 -> "ushr"; case 0x22 -> "usra"; case 0x24 -> "urshr"; case 0x26 -> "ursra"; case 0x28 -> "sri";
            case 0x2a -> "sli"; case 0x2c -> "sqshlu"; case 0x2e -> "uqshl"; case 0x3c -> "ucvtf"; case 0x3f -> "fcvtzu";
            default -> null;
        };
        if (mn == null) return null;
        if ((opcode == 0x1c || opcode == 0x1f) && immh < 4) return null;
        boolean left = opcode == 0x0a || opcode == 0x0c || opcode == 0x0e;
        int shift = left ? immhb - esize : 2 * esize - immhb;
        String d = scalar ? sc(rd(i), log) : v(rd(i), log, q), n = scalar ? sc(rn(i), log) : v(rn(i), log, q);
        return mn + "\t" + d + ", " + n + ", #" + shift;
    }
}
