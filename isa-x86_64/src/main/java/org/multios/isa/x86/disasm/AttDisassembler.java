package org.multios.isa.x86.disasm;

import java.util.List;
import org.multios.isa.x86.decode.ByteSource;
import org.multios.isa.x86.decode.DecodeException;
import org.multios.isa.x86.decode.OpcodeEntry;
import org.multios.isa.x86.decode.OperandSpec;
import org.multios.isa.x86.decode.X86Decoder;
import org.multios.isa.x86.decode.X86Insn;

/**
 * AT&T syntax as GNU objdump prints it (source before destination, {@code %} registers,
 * {@code $} immediates, {@code disp(base,index,scale)} memory), from the same opcode maps
 * and length decoder the CPU uses. Size suffixes appear where no register operand fixes the
 * size, as objdump does.
 */
public final class AttDisassembler {
    private static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
    private static final String[] R8REX = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
    private static final String[] R8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    private static final String[] SEG = {"es", "cs", "ss", "ds", "fs", "gs"};
    private static final String[] BASE16 = {"bx,si", "bx,di", "bp,si", "bp,di", "si", "di", "bp", "bx"};

    /** The text of one decoded instruction and its length. */
    public record Line(int length, String text) {}

    private final int codeBits;

    public AttDisassembler(int codeBits) { this.codeBits = codeBits; }

    /** Disassembles the instruction at {@code pc}; undefined bytes give "(bad)" with length 1. */
    public Line disassemble(ByteSource bytes, long pc) {
        X86Insn in = new X86Insn();
        try {
            X86Decoder.decode(bytes, codeBits, in);
        } catch (DecodeException | RuntimeException e) {
            return new Line(1, "(bad)");
        }
        return new Line(in.length, format(in, pc));
    }

    String format(X86Insn in, long pc) {
        String m = in.mnemonic();
        List<OperandSpec> ops = in.entry.operands();
        long next = pc + in.length;
        StringBuilder prefix = new StringBuilder();
        // prefixes the instruction does not use are printed by name, as objdump does
        for (int i = 1; i < in.opsizeCount; i++) prefix.append("data16 ");
        if (in.ignoredSegment >= 0) prefix.append(SEG[in.ignoredSegment]).append(' ');
        if (in.lock) prefix.append("lock ");
        if (in.rep && isString(m)) prefix.append(m.equals("cmps") || m.equals("scas") ? "repz " : "rep ");
        if (in.repne && isString(m)) prefix.append("repnz ");
        String[] rendered = new String[ops.size()];
        boolean registerSized = false;
        for (int i = 0; i < ops.size(); i++) {
            OperandSpec o = ops.get(i);
            rendered[i] = operand(in, o, i, next);
            if (isRegister(in, o)) registerSized = true;
        }
        if (m.equals("nop") && in.map == 0 && in.opcode == 0x90 && (in.opsizePrefix || (in.rex & 1) != 0)) {
            // 66 90 and REX.B 90 are XCHG forms, printed as such
            int size = in.osize;
            return prefix + pad("xchg") + "%" + reg(in, 0, size) + ",%" + reg(in, in.opReg, size);
        }
        String name = name(in, m, registerSized);
        StringBuilder sb = new StringBuilder(prefix).append(name);
        if (ops.isEmpty()) return in.entry.has(OpcodeEntry.X87) || in.entry.has(OpcodeEntry.SSE) ? sb.toString() : pad(sb.toString());
        String text = pad(sb.toString());
        StringBuilder args = new StringBuilder();
        boolean cmpPseudo = m.startsWith("cmp") && in.entry.has(OpcodeEntry.SSE) && (in.imm & 0xff) < 8;
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (cmpPseudo && ops.get(i).method() == 'I') continue;
            if (args.length() > 0) args.append(',');
            args.append(rendered[i]);
        }
        String s = text + args;
        if (in.hasMemoryOperand() && in.base == X86Insn.RIP) s += String.format("        # %x", next + in.disp);
        return s;
    }

    private static String pad(String mnemonic) {
        StringBuilder b = new StringBuilder(mnemonic);
        while (b.length() < 6) b.append(' ');
        return b.append(' ').toString();
    }

    private static boolean isString(String m) {
        return switch (m) { case "movs", "cmps", "stos", "lods", "scas", "ins", "outs" -> true; default -> false; };
    }

    private boolean isRegister(X86Insn in, OperandSpec o) {
        return switch (o.method()) {
            case 'G', 'Z', 'R', 'C', 'D', 'V' -> true;
            case 'E', 'W', 'M' -> in.mod == 3;
            case 'F' -> true;
            default -> false;
        };
    }

    private static char suffix(int size) {
        return switch (size) { case 1 -> 'b'; case 2 -> 'w'; case 4 -> 'l'; default -> 'q'; };
    }

    private int operandSize(X86Insn in, OperandSpec o) {
        return switch (o.size()) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'd' -> 4;
            case 'q' -> 8;
            case 'z' -> Math.min(in.osize, 4);
            case 'y' -> in.osize == 8 ? 8 : 4;
            default -> in.osize;
        };
    }

    /** SSE and x87 names: the table's, with the forms objdump spells by REX.W or operand kind. */
    private String fpName(X86Insn in, String m) {
        if (in.entry.has(OpcodeEntry.X87)) return m;
        return switch (m) {
            case "movd" -> in.rexW() ? "movq" : m;
            case "pextrd" -> in.rexW() ? "pextrq" : m;
            case "pinsrd" -> in.rexW() ? "pinsrq" : m;
            case "cvtsi2ss", "cvtsi2sd" -> in.mod != 3 ? m + (in.rexW() ? 'q' : 'l') : m;
            case "crc32" -> in.mod == 3 ? m : m + suffix(in.entry.operands().get(1).size() == 'b' ? 1 : in.osize);
            case "cmpps", "cmppd", "cmpss", "cmpsd" -> (in.imm & 0xff) < 8 ? "cmp" + CMP_PREDICATES[(int) in.imm & 7] + m.substring(3) : m;
            default -> m;
        };
    }

    /** CMPPS & co. with an immediate below 8 print as these pseudo-ops, without the immediate. */
    private static final String[] CMP_PREDICATES = {"eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"};

    private String name(X86Insn in, String m, boolean registerSized) {
        if (in.rexW() && (m.equals("fxsave") || m.equals("fxrstor") || m.equals("xsave") || m.equals("xrstor"))) return m + "64";
        if (m.equals("ldmxcsr") || m.equals("stmxcsr")) return m;
        if (in.entry.has(OpcodeEntry.SSE) || in.entry.has(OpcodeEntry.X87)) return fpName(in, m);
        List<OperandSpec> ops = in.entry.operands();
        int size = ops.isEmpty() ? in.osize : operandSize(in, ops.get(0));
        return switch (m) {
            case "movsxd" -> "movslq";
            case "mov" -> {
                // a 64-bit immediate (B8+r with REX.W) or a 64-bit absolute offset (A0-A3) is "movabs"
                boolean abs = ops.stream().anyMatch(o -> o.method() == 'I' && o.size() == 'v' && in.osize == 8
                        || o.method() == 'O' && in.asize == 8);
                String base = abs ? "movabs" : "mov";
                yield registerSized ? base : base + suffix(size);
            }
            case "movzx", "movsx" -> (m.equals("movzx") ? "movz" : "movs") + suffix(operandSize(in, ops.get(1))) + suffix(in.osize);
            case "imul1", "imul2", "imul3" -> registerSized ? "imul" : "imul" + suffix(size);
            case "cbw" -> in.osize == 2 ? "cbtw" : in.osize == 4 ? "cwtl" : "cltq";
            case "cwd" -> in.osize == 2 ? "cwtd" : in.osize == 4 ? "cltd" : "cqto";
            case "movsr", "movcr", "movdr" -> "mov";
            case "jcxz" -> in.asize == 8 ? "jrcxz" : in.asize == 4 ? "jecxz" : "jcxz";
            case "iret" -> in.osize == 8 ? "iretq" : in.osize == 2 ? "iretw" : "iret";
            case "lret" -> in.osize == 8 ? "lretq" : "lret";
            case "pushf", "popf" -> codeBits == 64 ? m : m + suffix(in.osize);
            case "push", "pop" -> {
                if (registerSized || codeBits == 64) yield m;
                yield m + suffix(in.osize);
            }
            case "call", "jmp" -> (ops.get(0).method() == 'J' || codeBits == 64) ? m : m + (registerSized ? "" : "" + suffix(in.osize));
            case "nop" -> ops.isEmpty() || registerSized ? m : m + suffix(in.osize);
            case "ret", "leave", "hlt", "cpuid", "rdtsc", "rdmsr", "wrmsr", "cli", "sti", "cld", "std", "clc", "stc",
                    "cmc", "lahf", "sahf", "int3", "syscall", "sysret", "swapgs", "pause", "ud2", "wbinvd", "mfence", "lfence",
                    "sfence", "xlat" -> m;
            case "movs", "cmps", "stos", "lods", "scas", "ins", "outs" -> m + suffix(in.entry.operands().get(0).size() == 'b' ? 1 : size);
            case "shl" -> registerSized ? "shl" : "shl" + suffix(size);
            default -> {
                if (m.startsWith("set") || m.startsWith("cmov") || registerSized || m.charAt(0) == 'j' || m.startsWith("loop")) yield m;
                if (ops.isEmpty()) yield m;
                char first = ops.get(0).method();
                if (first == 'M' && ops.get(0).size() == 0) yield m; // lea, lgdt, invlpg: no size
                yield m + suffix(size);
            }
        };
    }

    private String operand(X86Insn in, OperandSpec o, int index, long next) {
        int size = operandSize(in, o);
        if (in.entry.has(OpcodeEntry.SSE)) {
            switch (o.method()) {
                case 'V' -> { return "%xmm" + in.reg; }
                case 'W', 'U' -> { return in.mod == 3 ? "%xmm" + in.rm : memory(in); }
                case 'P' -> { return "%mm" + (in.reg & 7); }
                case 'Q', 'N' -> { return in.mod == 3 ? "%mm" + (in.rm & 7) : memory(in); }
                case 'E', 'G' -> {
                    // general registers of SSE instructions are 32- or 64-bit even for byte/word data
                    int r = o.method() == 'G' ? in.reg : in.rm;
                    if (o.method() == 'E' && in.mod != 3) return memory(in);
                    int s = o.size() == 'y' || o.size() == 'v' ? (in.osize == 8 ? 8 : in.osize == 2 && o.size() == 'v' ? 2 : 4)
                            : in.mnemonic().equals("crc32") && o.method() == 'E' ? size : 4;
                    return "%" + reg(in, r, s);
                }
                default -> { }
            }
        }
        return switch (o.method()) {
            case 'E', 'M', 'R', 'W' -> in.mod == 3 ? "%" + reg(in, in.rm, size) : memory(in);
            case 'G' -> "%" + reg(in, in.reg, size);
            case 'Z' -> "%" + reg(in, in.opReg, size);
            case 'I' -> {
                long v = index > 0 && in.entry.operands().get(index - 1).method() == 'I' ? in.imm2 : in.imm;
                int dest = index == 0 ? (o.size() == 's' ? in.osize : size) : operandSize(in, in.entry.operands().get(0));
                if (in.mnemonic().equals("push")) dest = in.osize;
                if (o.size() == 'b' || o.size() == 'w') dest = Math.min(dest, size);
                if (in.mnemonic().equals("enter") || in.mnemonic().equals("ret") || in.mnemonic().equals("lret")
                        || in.mnemonic().equals("int") || in.mnemonic().equals("in") || in.mnemonic().equals("out")) dest = size;
                long mask = dest == 8 ? -1L : (1L << (dest * 8)) - 1;
                yield "$0x" + Long.toHexString(v & mask);
            }
            case 'J' -> {
                long t = next + in.imm;
                if (codeBits != 64) t &= 0xffffffffL;
                yield Long.toHexString(t);
            }
            case '1' -> "1";
            case 'O' -> (in.segment >= 0 ? "%" + SEG[in.segment] + ":" : "") + "0x" + Long.toHexString(in.imm);
            case 'S' -> "%" + SEG[in.reg & 7];
            case 'C' -> "%cr" + in.reg;
            case 'D' -> "%db" + in.reg;
            case 'A' -> "$0x" + Long.toHexString(in.imm2) + ",$0x" + Long.toHexString(in.imm);
            case 'V' -> "%xmm" + in.reg;
            case 'X' -> "%ds:(%" + (in.asize == 8 ? "rsi" : in.asize == 4 ? "esi" : "si") + ")";
            case 'Y' -> "%es:(%" + (in.asize == 8 ? "rdi" : in.asize == 4 ? "edi" : "di") + ")";
            case 'F' -> switch (o.fixed()) {
                case "AL" -> "%al";
                case "CL" -> "%cl";
                case "DX" -> "(%dx)";
                case "ST" -> "%st";
                case "STi" -> "%st(" + (in.modrm & 7) + ")";
                case "XMM0" -> "%xmm0";
                case "AX" -> "%ax";
                case "rAX" -> "%" + reg(in, 0, in.osize);
                case "eAX" -> "%" + reg(in, 0, Math.min(in.osize, 4));
                default -> "%" + o.fixed().toLowerCase();
            };
            default -> "?";
        };
    }

    private String reg(X86Insn in, int r, int size) {
        return switch (size) {
            case 1 -> in.rex != 0 ? R8REX[r] : (r < 8 ? R8[r] : R8REX[r]);
            case 2 -> R16[r];
            case 4 -> R32[r];
            case 16 -> "xmm" + r;
            default -> R64[r];
        };
    }

    private String memory(X86Insn in) {
        StringBuilder b = new StringBuilder();
        if (in.segment >= 0) b.append('%').append(SEG[in.segment]).append(':');
        String[] regs = in.asize == 8 ? R64 : R32;
        if (in.asize == 2) {
            if (in.base < 0) return b.append("0x").append(Long.toHexString(in.disp & 0xffff)).toString();
            b.append(disp(in.disp, in.mod != 0));
            int rm = in.modrm & 7;
            b.append("(%").append(BASE16[rm].replace(",", ",%")).append(')');
            return b.toString();
        }
        if (in.base == X86Insn.RIP) {
            return b.append(disp(in.disp, true)).append("(%rip)").toString();
        }
        if (in.base < 0 && in.index < 0) return b.append("0x").append(Long.toHexString(in.disp & 0xffffffffL)).toString();
        b.append(disp(in.disp, in.mod != 0 || in.base < 0));
        b.append('(');
        if (in.base >= 0) b.append('%').append(regs[in.base]);
        if (in.index >= 0) b.append(",%").append(regs[in.index]).append(',').append(1 << in.scale);
        else if ((in.modrm & 7) == 4 && in.base >= 0 && (in.base & 7) != 4) b.append(",%riz,").append(1 << in.scale);
        return b.append(')').toString();
    }

    private static String disp(long d, boolean show) {
        if (!show) return "";
        return d < 0 ? "-0x" + Long.toHexString(-d) : "0x" + Long.toHexString(d);
    }
}
