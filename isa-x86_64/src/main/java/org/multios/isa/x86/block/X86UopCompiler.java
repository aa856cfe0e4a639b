package org.multios.isa.x86.block;

import java.util.List;
import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.decode.OpcodeEntry;
import org.multios.isa.x86.decode.OperandSpec;
import org.multios.isa.x86.decode.X86Insn;

/**
 * Turns a decoded instruction into an {@link X86Uop}: picks the operation from the
 * mnemonic and the operand accessors from the opcode map's notation once, so that the
 * run-time path no longer interprets either. Only plain integer forms are pre-resolved
 * (no LOCK/REP prefix, no segment-register, control-register, string, x87 or SSE operand);
 * everything else becomes a {@link X86Uop.Fallback} for the general Executor.
 */
public final class X86UopCompiler {
    private X86UopCompiler() {}

    /** {@code -Dmultios.x86.uops=false} leaves every instruction to the Executor (to compare the two paths). */
    public static final boolean ENABLED = !"false".equals(System.getProperty("multios.x86.uops"));

    public static X86Uop compile(X86Insn in, int codeBits) {
        X86Uop u = null;
        if (ENABLED && in.entry != null && !in.lock && !in.rep && !in.repne
                && (in.entry.attributes() & (OpcodeEntry.SSE | OpcodeEntry.X87)) == 0) {
            try {
                u = pick(in, codeBits);
            } catch (Unsupported e) {
                u = null;
            }
        }
        return u != null ? u : new X86Uop.Fallback(in, codeBits);
    }

    /** An operand form this compiler leaves to the Executor. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() { super(null, null, false, false); }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();

    private static X86Uop pick(X86Insn in, int cb) {
        List<OperandSpec> ops = in.entry.operands();
        int n = ops.size();
        String m = in.mnemonic();
        Operand.Mem mem = in.hasMemoryOperand() ? new Operand.Mem(in, 0) : null;
        switch (m) {
            case "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test" -> {
                if (n != 2) return null;
                int op = m.equals("test") ? 8 : List.of("add", "or", "adc", "sbb", "and", "sub", "xor", "cmp").indexOf(m);
                Operand.Mem mm = memAt(in, ops, mem);
                return new X86Uop.Alu(in, cb, mm, op, operand(in, ops, 0, mm), operand(in, ops, 1, mm));
            }
            case "mov", "movzx", "movsx", "movsxd" -> {
                if (n != 2) return null;
                Operand.Mem mm = memAt(in, ops, mem);
                Operand src = operand(in, ops, 1, mm);
                boolean signed = m.equals("movsx") || m.equals("movsxd");
                return new X86Uop.Mov(in, cb, mm, operand(in, ops, 0, mm), src, signed);
            }
            case "lea" -> {
                if (n != 2 || mem == null || ops.get(0).method() != 'G') return null;
                return new X86Uop.Lea(in, cb, mem, operand(in, ops, 0, null));
            }
            case "inc", "dec", "not", "neg" -> {
                if (n != 1) return null;
                Operand.Mem mm = memAt(in, ops, mem);
                int op = switch (m) { case "inc" -> X86Uop.Unary.INC; case "dec" -> X86Uop.Unary.DEC; case "not" -> X86Uop.Unary.NOT; default -> X86Uop.Unary.NEG; };
                return new X86Uop.Unary(in, cb, mm, op, operand(in, ops, 0, mm));
            }
            case "shl", "shr", "sar" -> {
                if (n != 2) return null;
                Operand.Mem mm = memAt(in, ops, mem);
                int op = m.equals("shl") ? 4 : m.equals("shr") ? 5 : 7;
                return new X86Uop.Shift(in, cb, mm, op, operand(in, ops, 0, mm), operand(in, ops, 1, mm));
            }
            case "imul2", "imul3" -> {
                Operand.Mem mm = memAt(in, ops, mem);
                if (m.equals("imul2") && n == 2) {
                    return new X86Uop.Imul(in, cb, mm, operand(in, ops, 0, mm), operand(in, ops, 0, mm), operand(in, ops, 1, mm));
                }
                if (m.equals("imul3") && n == 3) {
                    return new X86Uop.Imul(in, cb, mm, operand(in, ops, 0, mm), operand(in, ops, 1, mm), operand(in, ops, 2, mm));
                }
                return null;
            }
            case "push" -> {
                if (n != 1) return null;
                OperandSpec o = ops.get(0);
                if (o.method() == 'F') return null;
                Operand.Mem mm = memAt(in, ops, mem);
                Operand v = operand(in, ops, 0, mm);
                return new X86Uop.Stack(in, cb, mm, v, true, o.method() == 'I' ? in.osize : v.size);
            }
            case "pop" -> {
                // POP to memory computes its address after RSP moves: left to the Executor
                if (n != 1 || mem != null) return null;
                OperandSpec o = ops.get(0);
                if (o.method() != 'Z' && o.method() != 'E') return null;
                Operand v = operand(in, ops, 0, null);
                return new X86Uop.Stack(in, cb, null, v, false, v.size);
            }
            case "cbw" -> { return new X86Uop.Widen(in, cb, false); }
            case "cwd" -> { return new X86Uop.Widen(in, cb, true); }
            case "nop" -> {
                if (in.map == 0 && in.opcode == 0x90 && (in.rex & 1) != 0) return null; // XCHG r8, rAX
                return new X86Uop.Nop(in, cb);
            }
            case "jmp", "call" -> {
                if (n != 1 || ops.get(0).method() != 'J') return null;
                return new X86Uop.Branch(in, cb, m.equals("jmp") ? X86Uop.Branch.JMP : X86Uop.Branch.CALL, 0);
            }
            case "ret" -> {
                if (n != 0) return null;
                return new X86Uop.Branch(in, cb, X86Uop.Branch.RET, 0);
            }
            default -> {
                // Jcc: 70-7F rel8, 0F 80-8F rel32
                if ((in.map == 0 && (in.opcode & 0xf0) == 0x70) || (in.map == 1 && (in.opcode & 0xf0) == 0x80)) {
                    if (n != 1 || ops.get(0).method() != 'J') return null;
                    return new X86Uop.Branch(in, cb, X86Uop.Branch.JCC, in.opcode & 15);
                }
                // SETcc 0F 90-9F, CMOVcc 0F 40-4F
                if (in.map == 1 && (in.opcode & 0xf0) == 0x90 && m.startsWith("set") && n == 1) {
                    Operand.Mem mm = memAt(in, ops, mem);
                    return new X86Uop.Conditional(in, cb, mm, in.opcode & 15, false, operand(in, ops, 0, mm), null);
                }
                if (in.map == 1 && (in.opcode & 0xf0) == 0x40 && m.startsWith("cmov") && n == 2) {
                    Operand.Mem mm = memAt(in, ops, mem);
                    return new X86Uop.Conditional(in, cb, mm, in.opcode & 15, true, operand(in, ops, 0, mm), operand(in, ops, 1, mm));
                }
                return null;
            }
        }
    }

    /** The instruction's memory operand sized for its ModRM r/m operand, or null. */
    private static Operand.Mem memAt(X86Insn in, List<OperandSpec> ops, Operand.Mem any) {
        if (any == null) return null;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).isRm()) return new Operand.Mem(in, size(in, ops, i));
        }
        return null;
    }

    /** Operand {@code i} as an accessor, following the Executor's get/set rules for each notation. */
    private static Operand operand(X86Insn in, List<OperandSpec> ops, int i, Operand.Mem mem) {
        OperandSpec o = ops.get(i);
        int size = size(in, ops, i);
        boolean rex = in.rex != 0;
        return switch (o.method()) {
            case 'E', 'R' -> in.mod == 3 ? reg(in.rm, size, rex) : memOrFail(mem);
            case 'M' -> memOrFail(mem);
            case 'G' -> reg(in.reg, size, rex);
            case 'Z' -> reg(in.opReg, size, rex);
            case 'I' -> {
                if (i > 0 && ops.get(i - 1).method() == 'I') throw UNSUPPORTED; // ENTER's second immediate
                long v = i == 0 ? in.imm : in.imm & LazyFlags.mask(size(in, ops, 0));
                yield new Operand.Imm(v, size);
            }
            case '1' -> new Operand.Imm(1, 1);
            case 'F' -> switch (o.fixed()) {
                case "AL", "rAX", "eAX" -> new Operand.Reg(0, size);
                case "CL" -> new Operand.Reg(1, 1);
                default -> throw UNSUPPORTED;
            };
            default -> throw UNSUPPORTED;
        };
    }

    private static Operand memOrFail(Operand.Mem mem) {
        if (mem == null) throw UNSUPPORTED;
        return mem;
    }

    private static Operand reg(int r, int size, boolean rex) {
        if (size == 1 && !rex && r >= 4 && r < 8) return new Operand.HighByte(r - 4);
        return new Operand.Reg(r & 15, size);
    }

    /** The size in bytes of operand {@code i} (the Executor's rules for the size letters). */
    static int size(X86Insn in, List<OperandSpec> ops, int i) {
        OperandSpec o = ops.get(i);
        return switch (o.size()) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'd' -> 4;
            case 'q' -> 8;
            case 'z' -> Math.min(in.osize, 4);
            case 'y' -> in.osize == 8 ? 8 : 4;
            case 's' -> i == 0 ? in.osize : size(in, ops, 0);
            case 'v' -> in.osize;
            case 'x', 'p', 't' -> throw UNSUPPORTED;
            default -> switch (o.method()) {
                case 'F' -> switch (o.fixed()) {
                    case "AL", "CL" -> 1;
                    case "DX" -> 2;
                    case "rAX" -> in.osize;
                    case "eAX" -> Math.min(in.osize, 4);
                    default -> throw UNSUPPORTED;
                };
                case '1' -> 1;
                default -> in.osize;
            };
        };
    }
}
