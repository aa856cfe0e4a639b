package org.multios.isa.arm64.disasm;

import org.multios.isa.arm64.decode.A64DecodeTable;
import org.multios.isa.arm64.decode.A64Op;
import org.multios.isa.arm64.exec.Bits;
import org.multios.isa.arm64.sysreg.SysRegInfo;
import org.multios.isa.arm64.sysreg.SysRegTable;

/**
 * Disassembles A64 instructions in GNU objdump 2.40's syntax ({@code mnemonic\toperands},
 * preferred aliases such as mov/cmp/lsl/cset, its "// " comments). The encoding class comes
 * from the same table the CPU decodes with ({@link A64DecodeTable}); the formatting of each
 * class follows the operand fields the executor reads. Returns null for encodings outside
 * the implemented classes (objdump prints SIMD/FP and others we do not implement yet).
 */
public final class A64Disassembler {
    private static final String[] COND = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
    /** objdump's extra names for conditions (the SVE aliases), printed as a comment. */
    private static final String[] COND_ALIASES = {"none", "any", "hs, nlast", "lo, ul, last", "first", "nfrst", null, null,
            "pmore", "plast", "tcont", "tstop", null, null, null, null};
    private static final String[] SHIFT = {"lsl", "lsr", "asr", "ror"};
    private static final String[] EXTEND = {"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"};

    private final A64DecodeTable table = A64DecodeTable.standard();
    private final SysRegTable sysregs = SysRegTable.standard();
    private final A64FpSimdDisassembler fpSimd = new A64FpSimdDisassembler(this);
    private final boolean fileHasSymbols;

    /** For a file without symbols: objdump prints branch targets as {@code 0x...}. */
    public A64Disassembler() { this(false); }

    /**
     * @param fileHasSymbols objdump prints targets as bare hex (then {@code <symbol>}) when the
     *                       file has symbols, and as {@code 0x...} when it has none
     */
    public A64Disassembler(boolean fileHasSymbols) { this.fileHasSymbols = fileHasSymbols; }

    /** The instruction at {@code pc} as objdump prints it after the encoding, or null if not implemented. */
    public String disassemble(int i, long pc) {
        A64Op op = table.decode(i);
        return switch (op) {
            case ADR -> {
                long imm = ((long) ((i >> 5) & 0x7ffff) << 2 | ((i >>> 29) & 3));
                imm = (imm << 43) >> 43;
                yield "adr\t" + x(rd(i)) + ", " + addr(pc + imm);
            }
            case ADRP -> {
                long imm = ((long) ((i >> 5) & 0x7ffff) << 2 | ((i >>> 29) & 3));
                imm = (imm << 43) >> 43;
                yield "adrp\t" + x(rd(i)) + ", " + addr((pc & ~0xfffL) + (imm << 12));
            }
            case ADDSUB_IMM -> addSubImm(i);
            case LOGIC_IMM -> logicImm(i);
            case MOVE_WIDE -> moveWide(i);
            case BITFIELD -> bitfield(i);
            case EXTR -> extr(i);
            case B -> "b\t" + addr(pc + ((((long) i << 38) >> 38) << 2));
            case BL -> "bl\t" + addr(pc + ((((long) i << 38) >> 38) << 2));
            case CBZ -> ((i & (1 << 24)) != 0 ? "cbnz\t" : "cbz\t") + r(i < 0, i & 31) + ", " + addr(pc + ((((long) i << 40) >> 45) << 2));
            case TBZ -> {
                int bit = ((i >>> 26) & 0x20) | ((i >>> 19) & 0x1f);
                yield ((i & (1 << 24)) != 0 ? "tbnz\t" : "tbz\t") + r(bit >= 32, i & 31) + ", #" + bit + ", "
                        + addr(pc + ((((long) i << 45) >> 50) << 2));
            }
            case B_COND -> "b." + COND[i & 15] + "\t" + addr(pc + ((((long) i << 40) >> 45) << 2)) + branchCondComment(i & 15);
            case EXCEPTION -> exception(i);
            case SYSTEM -> system(i);
            case BRANCH_REG -> branchReg(i);
            case LDST_UIMM, LDST_IMM9, LDST_REGOFF -> loadStore(op, i);
            case LDR_LIT -> literal(i, pc);
            case LDST_PAIR -> pair(i);
            case LDST_EXCL -> exclusive(i);
            case ATOMIC -> atomic(i);
            case LOGIC_REG -> logicReg(i);
            case ADDSUB_SHIFT -> addSubShift(i);
            case ADDSUB_EXT -> addSubExt(i);
            case ADC -> adc(i);
            case COND_CMP -> condCmp(i);
            case COND_SEL -> condSel(i);
            case DP_2SRC -> dp2(i);
            case DP_1SRC -> dp1(i);
            case DP_3SRC -> dp3(i);
            case UNDEFINED -> null;
            default -> fpSimd.disassemble(op, i, pc);
        };
    }

    // ---- operands ----

    private static int rd(int i) { return i & 31; }
    private static int rn(int i) { return (i >>> 5) & 31; }
    private static int rm(int i) { return (i >>> 16) & 31; }

    /** General register, 31 = zero register. */
    static String r(boolean sf, int n) { return n == 31 ? (sf ? "xzr" : "wzr") : (sf ? "x" : "w") + n; }

    /** General register, 31 = stack pointer. */
    static String rsp(boolean sf, int n) { return n == 31 ? (sf ? "sp" : "wsp") : (sf ? "x" : "w") + n; }

    private static String x(int n) { return r(true, n); }

    private String addr(long a) { return (fileHasSymbols ? "" : "0x") + Long.toHexString(a); }

    private static String hex(long v) { return "#0x" + Long.toHexString(v); }

    static String condComment(int cond) {
        String a = COND_ALIASES[cond];
        return a == null ? "" : "\t// " + COND[cond] + " = " + a;
    }

    /** b.cond's comment names the SVE aliases with the "b." prefix: "  // b.lo, b.ul, b.last". */
    private static String branchCondComment(int cond) {
        String a = COND_ALIASES[cond];
        if (a == null) return "";
        return "  // b." + a.replace(", ", ", b.");
    }

    /** objdump's MOV-immediate operand: "#0x%-20lx" and the decimal value as a comment. */
    private static String movImm(boolean sf, int rd, long value) {
        long v = sf ? value : value & 0xffffffffL;
        String h = Long.toHexString(v);
        StringBuilder sb = new StringBuilder("mov\t").append(rsp(sf, rd)).append(", #0x").append(h);
        for (int k = h.length(); k < 20; k++) sb.append(' ');
        sb.append("\t// #").append(sf ? v : (long) (int) v);
        return sb.toString();
    }

    // ---- data processing, immediate ----

    private String addSubImm(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        if ((i & (1 << 23)) != 0) return null;
        int imm = (i >>> 10) & 0xfff;
        boolean shifted = (i & (1 << 22)) != 0;
        String immText = hex(imm) + (shifted ? ", lsl #12" : "");
        int d = rd(i), n = rn(i);
        if (!sub && !s && imm == 0 && !shifted && (d == 31 || n == 31)) return "mov\t" + rsp(sf, d) + ", " + rsp(sf, n);
        if (s && d == 31) return (sub ? "cmp\t" : "cmn\t") + rsp(sf, n) + ", " + immText;
        String mn = (sub ? "sub" : "add") + (s ? "s" : "");
        return mn + "\t" + (s ? r(sf, d) : rsp(sf, d)) + ", " + rsp(sf, n) + ", " + immText;
    }

    private String logicImm(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, nbit = (i >>> 22) & 1;
        if (!sf && nbit == 1) return null;
        long imm = Bits.logicalImmediate(nbit, (i >>> 16) & 0x3f, (i >>> 10) & 0x3f, sf ? 64 : 32);
        if (imm == Bits.RESERVED) return null;
        int d = rd(i), n = rn(i);
        if (opc == 1 && n == 31 && !moveWidePreferred(sf, nbit, (i >>> 10) & 0x3f, (i >>> 16) & 0x3f)) return movImm(sf, d, imm);
        if (opc == 3 && d == 31) return "tst\t" + r(sf, n) + ", " + hex(imm);
        String mn = switch (opc) { case 0 -> "and"; case 1 -> "orr"; case 2 -> "eor"; default -> "ands"; };
        return mn + "\t" + (opc == 3 ? r(sf, d) : rsp(sf, d)) + ", " + r(sf, n) + ", " + hex(imm);
    }

    /** MoveWidePreferred(): whether MOVZ/MOVN could encode this bitmask immediate (then ORR is not shown as MOV). */
    private static boolean moveWidePreferred(boolean sf, int nbit, int imms, int immr) {
        int width = sf ? 64 : 32;
        if (sf && nbit != 1) return false;
        if (!sf && !(nbit == 0 && (imms & 0x20) == 0)) return false;
        if (imms < 16) return (-immr & 15) <= (15 - imms);
        if (imms >= width - 15) return (immr & 15) <= (imms - (width - 15));
        return false;
    }

    private String moveWide(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, hw = (i >>> 21) & 3, imm16 = (i >>> 5) & 0xffff;
        if (opc == 1 || (!sf && hw >= 2)) return null;
        int d = rd(i);
        long imm = (long) imm16 << (16 * hw);
        if (opc == 2 && !(imm16 == 0 && hw != 0)) return movImm(sf, d, imm).replace("mov\t" + rsp(sf, d), "mov\t" + r(sf, d));
        if (opc == 0 && !(imm16 == 0 && hw != 0) && (sf || imm16 != 0xffff)) {
            return movImm(sf, d, ~imm).replace("mov\t" + rsp(sf, d), "mov\t" + r(sf, d));
        }
        String mn = switch (opc) { case 0 -> "movn"; case 2 -> "movz"; default -> "movk"; };
        return mn + "\t" + r(sf, d) + ", " + hex(imm16) + (hw != 0 ? ", lsl #" + 16 * hw : "");
    }

    private String bitfield(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, nbit = (i >>> 22) & 1, immr = (i >>> 16) & 0x3f, imms = (i >>> 10) & 0x3f;
        int width = sf ? 64 : 32;
        if (opc == 3 || (sf ? nbit != 1 : nbit != 0) || (!sf && (immr >= 32 || imms >= 32))) return null;
        String d = r(sf, rd(i)), n = r(sf, rn(i));
        switch (opc) {
            case 0 -> {
                if (imms == width - 1) return "asr\t" + d + ", " + n + ", #" + immr;
                if (immr == 0 && (imms == 7 || imms == 15 || (imms == 31 && sf))) {
                    return (imms == 7 ? "sxtb\t" : imms == 15 ? "sxth\t" : "sxtw\t") + d + ", " + r(false, rn(i));
                }
                if (imms < immr) return "sbfiz\t" + d + ", " + n + ", #" + ((width - immr) % width) + ", #" + (imms + 1);
                return "sbfx\t" + d + ", " + n + ", #" + immr + ", #" + (imms - immr + 1);
            }
            case 1 -> {
                if (imms < immr) {
                    String mn = rn(i) == 31 ? "bfc\t" + d + ", " : "bfi\t" + d + ", " + n + ", ";
                    return mn + "#" + ((width - immr) % width) + ", #" + (imms + 1);
                }
                return "bfxil\t" + d + ", " + n + ", #" + immr + ", #" + (imms - immr + 1);
            }
            default -> {
                if (imms != width - 1 && imms + 1 == immr) return "lsl\t" + d + ", " + n + ", #" + (width - 1 - imms);
                if (imms == width - 1) return "lsr\t" + d + ", " + n + ", #" + immr;
                if (immr == 0 && !sf && (imms == 7 || imms == 15)) return (imms == 7 ? "uxtb\t" : "uxth\t") + d + ", " + n;
                if (imms < immr) return "ubfiz\t" + d + ", " + n + ", #" + ((width - immr) % width) + ", #" + (imms + 1);
                return "ubfx\t" + d + ", " + n + ", #" + immr + ", #" + (imms - immr + 1);
            }
        }
    }

    private String extr(int i) {
        boolean sf = i < 0;
        int nbit = (i >>> 22) & 1, lsb = (i >>> 10) & 0x3f;
        if ((sf ? 1 : 0) != nbit || (!sf && lsb >= 32)) return null;
        if (rn(i) == rm(i)) return "ror\t" + r(sf, rd(i)) + ", " + r(sf, rn(i)) + ", #" + lsb;
        return "extr\t" + r(sf, rd(i)) + ", " + r(sf, rn(i)) + ", " + r(sf, rm(i)) + ", #" + lsb;
    }

    // ---- branches, exceptions, system ----

    private String exception(int i) {
        int opc = (i >>> 21) & 7, ll = i & 3, op2 = (i >>> 2) & 7, imm = (i >>> 5) & 0xffff;
        if (op2 != 0) return null;
        return switch (opc << 2 | ll) {
            case 0b00001 -> "svc\t" + hex(imm);
            case 0b00010 -> "hvc\t" + hex(imm);
            case 0b00011 -> "smc\t" + hex(imm);
            case 0b00100 -> "brk\t" + hex(imm);
            case 0b01000 -> "hlt\t" + hex(imm);
            default -> null;
        };
    }

    private String branchReg(int i) {
        int opc = (i >>> 21) & 15, op2 = (i >>> 16) & 31, op3 = (i >>> 10) & 0x3f, op4 = i & 31, n = rn(i);
        if (op2 != 31 || op3 != 0 || op4 != 0) return null;
        return switch (opc) {
            case 0 -> "br\t" + x(n);
            case 1 -> "blr\t" + x(n);
            case 2 -> n == 30 ? "ret" : "ret\t" + x(n);
            case 4 -> n == 31 ? "eret" : null;
            default -> null;
        };
    }

    private static final String[] BARRIER = {"#0x0", "oshld", "oshst", "osh", "#0x4", "nshld", "nshst", "nsh",
            "#0x8", "ishld", "ishst", "ish", "#0xc", "ld", "st", "sy"};

    private String system(int i) {
        boolean read = (i & (1 << 21)) != 0;
        int op0 = (i >>> 19) & 3, op1 = (i >>> 16) & 7, crn = (i >>> 12) & 15, crm = (i >>> 8) & 15, op2 = (i >>> 5) & 7;
        int t = i & 31;
        if (op0 == 0) {
            if (read) return null;
            if (crn == 2 && t == 31) {
                int hint = crm << 3 | op2;
                return switch (hint) {
                    case 0 -> "nop";
                    case 1 -> "yield";
                    case 2 -> "wfe";
                    case 3 -> "wfi";
                    case 4 -> "sev";
                    case 5 -> "sevl";
                    default -> "hint\t" + hex(hint);
                };
            }
            if (crn == 3 && t == 31) {
                return switch (op2) {
                    case 2 -> crm == 15 ? "clrex" : "clrex\t" + hex(crm);
                    case 4 -> "dsb\t" + BARRIER[crm];
                    case 5 -> "dmb\t" + BARRIER[crm];
                    case 6 -> crm == 15 ? "isb" : "isb\t" + hex(crm);
                    default -> null;
                };
            }
            if (crn == 4 && t == 31) {
                int f = op1 << 3 | op2;
                return switch (f) {
                    case 0b000_101 -> "msr\tspsel, " + hex(crm);
                    case 0b011_110 -> "msr\tdaifset, " + hex(crm);
                    case 0b011_111 -> "msr\tdaifclr, " + hex(crm);
                    default -> null;
                };
            }
            return null;
        }
        if (op0 == 1) {
            if (read) return null;
            String arg = t == 31 ? "" : ", " + x(t);
            if (crn == 7) {
                String dc = switch (op1 << 7 | crm << 3 | op2) {
                    case 3 << 7 | 4 << 3 | 1 -> "zva";
                    case 0 << 7 | 6 << 3 | 1 -> "ivac";
                    case 0 << 7 | 6 << 3 | 2 -> "isw";
                    case 3 << 7 | 10 << 3 | 1 -> "cvac";
                    case 0 << 7 | 10 << 3 | 2 -> "csw";
                    case 3 << 7 | 11 << 3 | 1 -> "cvau";
                    case 3 << 7 | 14 << 3 | 1 -> "civac";
                    case 0 << 7 | 14 << 3 | 2 -> "cisw";
                    default -> null;
                };
                if (dc != null) return "dc\t" + dc + arg;
                if (op1 == 0 && crm == 1 && op2 == 0 && t == 31) return "ic\tialluis";
                if (op1 == 0 && crm == 5 && op2 == 0 && t == 31) return "ic\tiallu";
                if (op1 == 3 && crm == 5 && op2 == 1) return "ic\tivau" + arg;
                if (op1 == 0 && crm == 8 && op2 < 4) return "at\t" + new String[] {"s1e1r", "s1e1w", "s1e0r", "s1e0w"}[op2] + arg;
            }
            if (crn == 8 && op1 == 0) {
                String tlbi = switch (crm << 3 | op2) {
                    case 3 << 3 -> "vmalle1is";
                    case 7 << 3 -> "vmalle1";
                    case 7 << 3 | 1 -> "vae1";
                    case 3 << 3 | 1 -> "vae1is";
                    case 7 << 3 | 2 -> "aside1";
                    case 3 << 3 | 2 -> "aside1is";
                    case 7 << 3 | 3 -> "vaae1";
                    case 3 << 3 | 3 -> "vaae1is";
                    case 7 << 3 | 5 -> "vale1";
                    case 3 << 3 | 7 -> "vaale1is";
                    case 7 << 3 | 7 -> "vaale1";
                    case 3 << 3 | 5 -> "vale1is";
                    default -> null;
                };
                if (tlbi != null) return "tlbi\t" + tlbi + arg;
            }
            if (crn == 8 && crm == 7 && op2 == 0 && t == 31 && (op1 == 4 || op1 == 6)) return "tlbi\talle" + (op1 == 4 ? 2 : 3);
            return "sys\t#" + op1 + ", C" + crn + ", C" + crm + ", #" + op2 + arg;
        }
        int key = SysRegInfo.key(op0, op1, crn, crm, op2);
        SysRegInfo info = sysregs.lookup(key);
        String name = info != null ? info.name().toLowerCase() : SysRegInfo.genericName(key);
        return read ? "mrs\t" + x(t) + ", " + name : "msr\t" + name + ", " + x(t);
    }

    // ---- loads and stores ----

    private static String base(int n) { return rsp(true, n); }

    private static String offset(long off) { return off == 0 ? "" : ", #" + off; }

    /** Mnemonic stem for size/opc of a single-register access, null if unallocated; PRFM as "prfm". */
    private static String singleMnemonic(int size, int opc, String prefixLd, String prefixSt) {
        String suffix = switch (size) { case 0 -> "b"; case 1 -> "h"; default -> ""; };
        return switch (opc) {
            case 0 -> prefixSt + suffix;
            case 1 -> prefixLd + suffix;
            case 2 -> size == 3 ? "prfm" : prefixLd + "s" + (size == 2 ? "w" : suffix);
            default -> size >= 2 ? null : prefixLd + "s" + suffix;
        };
    }

    private static boolean targetIsX(int size, int opc) { return opc == 2 ? true : opc == 3 ? false : size == 3; }

    private static final String[] PRFOP = {"pldl1keep", "pldl1strm", "pldl2keep", "pldl2strm", "pldl3keep", "pldl3strm", null, null,
            "plil1keep", "plil1strm", "plil2keep", "plil2strm", "plil3keep", "plil3strm", null, null,
            "pstl1keep", "pstl1strm", "pstl2keep", "pstl2strm", "pstl3keep", "pstl3strm", null, null};

    private static String prfop(int t) { return t < PRFOP.length && PRFOP[t] != null ? PRFOP[t] : hex(t); }

    private String loadStore(A64Op op, int i) {
        if ((i & (1 << 26)) != 0) return vectorLoadStore(op, i);
        int size = (i >>> 30) & 3, opc = (i >>> 22) & 3, t = i & 31, n = rn(i);
        boolean unscaled = op == A64Op.LDST_IMM9 && ((i >>> 10) & 3) == 0;
        boolean unpriv = op == A64Op.LDST_IMM9 && ((i >>> 10) & 3) == 2;
        String mn = unscaled ? singleMnemonic(size, opc, "ldur", "stur") : unpriv ? singleMnemonic(size, opc, "ldtr", "sttr")
                : singleMnemonic(size, opc, "ldr", "str");
        if (mn == null) return null;
        boolean prfm = size == 3 && opc == 2;
        if (prfm && unscaled) mn = "prfum";
        if (prfm && unpriv) return null;
        String rt = prfm ? prfop(t) : r(targetIsX(size, opc), t);
        String addr;
        switch (op) {
            case LDST_UIMM -> addr = "[" + base(n) + offset((long) ((i >>> 10) & 0xfff) << size) + "]";
            case LDST_IMM9 -> {
                long imm = ((long) i << 43) >> 55;
                int mode = (i >>> 10) & 3;
                if (prfm && mode != 0) return null;
                addr = switch (mode) {
                    case 1 -> "[" + base(n) + "], #" + imm;
                    case 3 -> "[" + base(n) + ", #" + imm + "]!";
                    default -> "[" + base(n) + offset(imm) + "]";
                };
            }
            default -> {
                int option = (i >>> 13) & 7;
                if ((option & 2) == 0) return null;
                boolean s = (i & (1 << 12)) != 0;
                String m = r((option & 1) != 0, rm(i));
                String ext;
                if (option == 3) ext = s ? ", lsl #" + size : "";
                else ext = ", " + EXTEND[option] + (s ? " #" + size : "");
                addr = "[" + base(n) + ", " + m + ext + "]";
            }
        }
        return mn + "\t" + rt + ", " + addr;
    }

    /** LDR/STR (and LDUR/STUR) of a B/H/S/D/Q register: the addressing of the general forms. */
    private String vectorLoadStore(A64Op op, int i) {
        String rt = A64FpSimdDisassembler.vectorRegister(i, i & 31);
        if (rt == null) return null;
        int scale = A64FpSimdDisassembler.vectorScale(i), n = rn(i);
        boolean load = (i & (1 << 22)) != 0;
        String mn = load ? "ldr" : "str";
        String addr;
        switch (op) {
            case LDST_UIMM -> addr = "[" + base(n) + offset((long) ((i >>> 10) & 0xfff) << scale) + "]";
            case LDST_IMM9 -> {
                long imm = ((long) i << 43) >> 55;
                int mode = (i >>> 10) & 3;
                if (mode == 2) return null;
                if (mode == 0) mn = load ? "ldur" : "stur";
                addr = switch (mode) {
                    case 1 -> "[" + base(n) + "], #" + imm;
                    case 3 -> "[" + base(n) + ", #" + imm + "]!";
                    default -> "[" + base(n) + offset(imm) + "]";
                };
            }
            default -> {
                int option = (i >>> 13) & 7;
                if ((option & 2) == 0) return null;
                boolean s = (i & (1 << 12)) != 0;
                String m = r((option & 1) != 0, rm(i));
                String ext;
                if (option == 3) ext = s ? ", lsl #" + scale : "";
                else ext = ", " + EXTEND[option] + (s ? " #" + scale : "");
                addr = "[" + base(n) + ", " + m + ext + "]";
            }
        }
        return mn + "\t" + rt + ", " + addr;
    }

    private String literal(int i, long pc) {
        int opc = (i >>> 30) & 3, t = i & 31;
        String target = addr(pc + ((((long) i << 40) >> 45) << 2));
        if ((i & (1 << 26)) != 0) return opc == 3 ? null : "ldr\t" + "sdq".charAt(opc) + t + ", " + target;
        return switch (opc) {
            case 0 -> "ldr\t" + r(false, t) + ", " + target;
            case 1 -> "ldr\t" + x(t) + ", " + target;
            case 2 -> "ldrsw\t" + x(t) + ", " + target;
            default -> "prfm\t" + prfop(t) + ", " + target;
        };
    }

    private String pair(int i) {
        int opc = (i >>> 30) & 3, mode = (i >>> 23) & 3;
        boolean load = (i & (1 << 22)) != 0;
        if ((i & (1 << 26)) != 0) { // SIMD&FP pair: S, D or Q registers
            if (opc == 3) return null;
            long imm = (((long) i << 42) >> 57) << (2 + opc);
            char k = "sdq".charAt(opc);
            String mn = mode == 0 ? (load ? "ldnp" : "stnp") : load ? "ldp" : "stp";
            String b = base(rn(i));
            String a = switch (mode) {
                case 1 -> "[" + b + "], #" + imm;
                case 3 -> "[" + b + ", #" + imm + "]!";
                default -> "[" + b + offset(imm) + "]";
            };
            return mn + "\t" + k + (i & 31) + ", " + k + ((i >>> 10) & 31) + ", " + a;
        }
        if (opc == 3 || (opc == 1 && !load) || (opc == 1 && mode == 0)) return null;
        int scale = 2 + (opc >>> 1);
        long imm = (((long) i << 42) >> 57) << scale;
        boolean sf = opc != 0;
        String mn = mode == 0 ? (load ? "ldnp" : "stnp") : opc == 1 ? "ldpsw" : load ? "ldp" : "stp";
        String regs = r(sf, i & 31) + ", " + r(sf, (i >>> 10) & 31);
        String b = base(rn(i));
        String a = switch (mode) {
            case 1 -> "[" + b + "], #" + imm;
            case 3 -> "[" + b + ", #" + imm + "]!";
            default -> "[" + b + offset(imm) + "]";
        };
        return mn + "\t" + regs + ", " + a;
    }

    private String exclusive(int i) {
        if ((i & (1 << 26)) != 0) return null;
        int size = (i >>> 30) & 3;
        boolean o2 = (i & (1 << 23)) != 0, load = (i & (1 << 22)) != 0, o1 = (i & (1 << 21)) != 0, o0 = (i & (1 << 15)) != 0;
        int s = rs(i), t2 = (i >>> 10) & 31, n = rn(i), t = i & 31;
        String suffix = size == 0 ? "b" : size == 1 ? "h" : "";
        boolean sf = size == 3;
        String b = "[" + base(n) + "]";
        if (o2 && o1) {
            if (t2 != 31) return null;
            String mn = "cas" + (load ? "a" : "") + (o0 ? "l" : "") + suffix;
            return mn + "\t" + r(sf, s) + ", " + r(sf, t) + ", " + b;
        }
        if (o2) {
            if (t2 != 31 || s != 31) return null;
            String mn = load ? (o0 ? "ldar" : "ldlar") : (o0 ? "stlr" : "stllr");
            return mn + suffix + "\t" + r(sf, t) + ", " + b;
        }
        if (o1) {
            if (size < 2) return null;
            String mn = load ? (o0 ? "ldaxp" : "ldxp") : (o0 ? "stlxp" : "stxp");
            if (load) return mn + "\t" + r(sf, t) + ", " + r(sf, t2) + ", " + b;
            return mn + "\t" + r(false, s) + ", " + r(sf, t) + ", " + r(sf, t2) + ", " + b;
        }
        if (t2 != 31) return null;
        String mn = load ? (o0 ? "ldaxr" : "ldxr") : (o0 ? "stlxr" : "stxr");
        if (load) return mn + suffix + "\t" + r(sf, t) + ", " + b;
        return mn + suffix + "\t" + r(false, s) + ", " + r(sf, t) + ", " + b;
    }

    private static int rs(int i) { return (i >>> 16) & 31; }

    private static final String[] LSE = {"add", "clr", "eor", "set", "smax", "smin", "umax", "umin"};

    private String atomic(int i) {
        if ((i & (1 << 26)) != 0) return null;
        int size = (i >>> 30) & 3, opc = (i >>> 12) & 7, s = rs(i), t = i & 31, n = rn(i);
        boolean a = (i & (1 << 23)) != 0, rl = (i & (1 << 22)) != 0, o3 = (i & (1 << 15)) != 0;
        String suffix = size == 0 ? "b" : size == 1 ? "h" : "";
        boolean sf = size == 3;
        String ord = (a ? "a" : "") + (rl ? "l" : "");
        String b = "[" + base(n) + "]";
        if (o3) {
            if (opc == 4 && a && !rl && s == 31) return "ldapr" + suffix + "\t" + r(sf, t) + ", " + b;
            if (opc != 0) return null;
            return "swp" + ord + suffix + "\t" + r(sf, s) + ", " + r(sf, t) + ", " + b;
        }
        if (t == 31 && !a) return "st" + LSE[opc] + (rl ? "l" : "") + suffix + "\t" + r(sf, s) + ", " + b;
        return "ld" + LSE[opc] + ord + suffix + "\t" + r(sf, s) + ", " + r(sf, t) + ", " + b;
    }

    // ---- data processing, register ----

    private static String shiftSuffix(int type, int amount) { return amount == 0 && type == 0 ? "" : ", " + SHIFT[type] + " #" + amount; }

    private String logicReg(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, shift = (i >>> 22) & 3, amount = (i >>> 10) & 0x3f;
        boolean invert = (i & (1 << 21)) != 0;
        if (!sf && amount >= 32) return null;
        int d = rd(i), n = rn(i), m = rm(i);
        String sh = shiftSuffix(shift, amount);
        if (opc == 1 && !invert && n == 31 && shift == 0 && amount == 0) return "mov\t" + r(sf, d) + ", " + r(sf, m);
        if (opc == 1 && invert && n == 31) return "mvn\t" + r(sf, d) + ", " + r(sf, m) + sh;
        if (opc == 3 && !invert && d == 31) return "tst\t" + r(sf, n) + ", " + r(sf, m) + sh;
        String mn = switch (opc) {
            case 0 -> invert ? "bic" : "and";
            case 1 -> invert ? "orn" : "orr";
            case 2 -> invert ? "eon" : "eor";
            default -> invert ? "bics" : "ands";
        };
        return mn + "\t" + r(sf, d) + ", " + r(sf, n) + ", " + r(sf, m) + sh;
    }

    private String addSubShift(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        int shift = (i >>> 22) & 3, amount = (i >>> 10) & 0x3f;
        if (shift == 3 || (!sf && amount >= 32)) return null;
        int d = rd(i), n = rn(i), m = rm(i);
        String sh = shiftSuffix(shift, amount);
        if (s && d == 31) return (sub ? "cmp\t" : "cmn\t") + r(sf, n) + ", " + r(sf, m) + sh;
        if (sub && n == 31) return (s ? "negs\t" : "neg\t") + r(sf, d) + ", " + r(sf, m) + sh;
        return (sub ? "sub" : "add") + (s ? "s" : "") + "\t" + r(sf, d) + ", " + r(sf, n) + ", " + r(sf, m) + sh;
    }

    private String addSubExt(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        int opt = (i >>> 22) & 3, option = (i >>> 13) & 7, imm3 = (i >>> 10) & 7;
        if (opt != 0 || imm3 > 4) return null;
        int d = rd(i), n = rn(i), m = rm(i);
        String mreg = r(sf && (option & 3) == 3, m);
        boolean lslAlias = (option == (sf ? 3 : 2)) && ((s ? false : d == 31) || n == 31);
        String ext = lslAlias ? (imm3 == 0 ? "" : ", lsl #" + imm3) : ", " + EXTEND[option] + (imm3 != 0 ? " #" + imm3 : "");
        if (s && d == 31) return (sub ? "cmp\t" : "cmn\t") + rsp(sf, n) + ", " + mreg + ext;
        return (sub ? "sub" : "add") + (s ? "s" : "") + "\t" + (s ? r(sf, d) : rsp(sf, d)) + ", " + rsp(sf, n) + ", " + mreg + ext;
    }

    private String adc(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        int d = rd(i), n = rn(i), m = rm(i);
        if (sub && n == 31) return (s ? "ngcs\t" : "ngc\t") + r(sf, d) + ", " + r(sf, m);
        return (sub ? "sbc" : "adc") + (s ? "s" : "") + "\t" + r(sf, d) + ", " + r(sf, n) + ", " + r(sf, m);
    }

    private String condCmp(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0;
        if ((i & (1 << 29)) == 0) return null;
        int cond = (i >>> 12) & 15;
        String second = (i & (1 << 11)) != 0 ? hex((i >>> 16) & 31) : r(sf, rm(i));
        return (sub ? "ccmp\t" : "ccmn\t") + r(sf, rn(i)) + ", " + second + ", " + hex(i & 15) + ", " + COND[cond] + condComment(cond);
    }

    private String condSel(int i) {
        boolean sf = i < 0, op = (i & (1 << 30)) != 0;
        int op2 = (i >>> 10) & 3;
        if (op2 > 1) return null;
        int cond = (i >>> 12) & 15, d = rd(i), n = rn(i), m = rm(i);
        boolean invertible = (cond & 14) != 14;
        int inv = cond ^ 1;
        if (n == m && invertible && op2 == 1 && !op) {
            if (n == 31) return "cset\t" + r(sf, d) + ", " + COND[inv] + condComment(inv);
            return "cinc\t" + r(sf, d) + ", " + r(sf, n) + ", " + COND[inv] + condComment(inv);
        }
        if (n == m && invertible && op2 == 0 && op) {
            if (n == 31) return "csetm\t" + r(sf, d) + ", " + COND[inv] + condComment(inv);
            return "cinv\t" + r(sf, d) + ", " + r(sf, n) + ", " + COND[inv] + condComment(inv);
        }
        if (n == m && invertible && op2 == 1 && op) return "cneg\t" + r(sf, d) + ", " + r(sf, n) + ", " + COND[inv] + condComment(inv);
        String mn = op ? (op2 == 0 ? "csinv" : "csneg") : (op2 == 0 ? "csel" : "csinc");
        return mn + "\t" + r(sf, d) + ", " + r(sf, n) + ", " + r(sf, m) + ", " + COND[cond] + condComment(cond);
    }

    private String dp2(int i) {
        boolean sf = i < 0;
        if ((i & (1 << 29)) != 0) return null;
        int opcode = (i >>> 10) & 0x3f;
        String ops = r(sf, rd(i)) + ", " + r(sf, rn(i)) + ", " + r(sf, rm(i));
        return switch (opcode) {
            case 2 -> "udiv\t" + ops;
            case 3 -> "sdiv\t" + ops;
            case 8 -> "lsl\t" + ops;
            case 9 -> "lsr\t" + ops;
            case 10 -> "asr\t" + ops;
            case 11 -> "ror\t" + ops;
            case 16, 17, 18, 19, 20, 21, 22, 23 -> {
                int sz = opcode & 3;
                if ((sz == 3) != sf) yield null;
                String mn = "crc32" + ((opcode & 4) != 0 ? "c" : "") + "bhwx".charAt(sz);
                yield mn + "\t" + r(false, rd(i)) + ", " + r(false, rn(i)) + ", " + r(sz == 3, rm(i));
            }
            default -> null;
        };
    }

    private String dp1(int i) {
        boolean sf = i < 0;
        if ((i & (1 << 29)) != 0 || ((i >>> 16) & 31) != 0) return null;
        int opcode = (i >>> 10) & 0x3f;
        String ops = r(sf, rd(i)) + ", " + r(sf, rn(i));
        return switch (opcode) {
            case 0 -> "rbit\t" + ops;
            case 1 -> "rev16\t" + ops;
            case 2 -> (sf ? "rev32\t" : "rev\t") + ops;
            case 3 -> sf ? "rev\t" + ops : null;
            case 4 -> "clz\t" + ops;
            case 5 -> "cls\t" + ops;
            default -> null;
        };
    }

    private String dp3(int i) {
        boolean sf = i < 0;
        int op54 = (i >>> 29) & 3, op31 = (i >>> 21) & 7;
        boolean o0 = (i & (1 << 15)) != 0;
        if (op54 != 0) return null;
        int d = rd(i), n = rn(i), m = rm(i), a = (i >>> 10) & 31;
        switch (op31) {
            case 0 -> {
                String ops = r(sf, d) + ", " + r(sf, n) + ", " + r(sf, m);
                if (a == 31) return (o0 ? "mneg\t" : "mul\t") + ops;
                return (o0 ? "msub\t" : "madd\t") + ops + ", " + r(sf, a);
            }
            case 1, 5 -> {
                if (!sf) return null;
                String u = op31 == 5 ? "u" : "s";
                String ops = x(d) + ", " + r(false, n) + ", " + r(false, m);
                if (a == 31) return u + (o0 ? "mnegl\t" : "mull\t") + ops;
                return u + (o0 ? "msubl\t" : "maddl\t") + ops + ", " + x(a);
            }
            case 2, 6 -> {
                if (!sf || o0) return null;
                return (op31 == 6 ? "umulh\t" : "smulh\t") + x(d) + ", " + x(n) + ", " + x(m);
            }
            default -> { return null; }
        }
    }
}
