package org.multios.isa.riscv.block;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicLong;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.decode.RvOp;
import org.multios.isa.riscv.exec.RvBitManip;
import org.multios.isa.riscv.exec.RvMultiply;
import org.multios.isa.riscv.mmu.RvMmu;

/**
 * The JIT tier: translates a hot block whose instructions are all base-integer, M or
 * bit-manipulation operations ({@link RvUopCode} ≠ SLOW) into a hidden class implementing
 * {@link RvCompiledBlock}. Register numbers and immediates become constants, so HotSpot
 * compiles the block as straight-line code with no dispatch. Blocks with FP, atomic or
 * system instructions stay interpreted. Semantics are those of {@code RvExecutor}.
 */
public final class RvBlockCompiler {
    /** Executions of a block before it is compiled; negative disables the JIT. */
    public static final int THRESHOLD = Integer.getInteger("multios.riscv.jitThreshold", 64);

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final AtomicLong SEQ = new AtomicLong();
    private static final ClassDesc CD_CPU = ClassDesc.of(RvCpu.class.getName());
    private static final ClassDesc CD_MMU = ClassDesc.of(RvMmu.class.getName());
    private static final ClassDesc CD_BLOCK = ClassDesc.of(RvCompiledBlock.class.getName());
    private static final ClassDesc CD_MUL = ClassDesc.of(RvMultiply.class.getName());
    private static final ClassDesc CD_BIT = ClassDesc.of(RvBitManip.class.getName());
    private static final ClassDesc CD_OP = ClassDesc.of(RvOp.class.getName());
    private static final ClassDesc CD_SELF = ClassDesc.of(RvBlockCompiler.class.getName());
    private static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_int, CD_CPU, CD_LONG_ARRAY, CD_MMU, CD_long, CD_int);
    private static final MethodTypeDesc Z_ = MethodTypeDesc.of(java.lang.constant.ConstantDescs.CD_boolean);
    private static final MethodTypeDesc J_J = MethodTypeDesc.of(CD_long, CD_long);
    private static final MethodTypeDesc V_JJ = MethodTypeDesc.of(CD_void, CD_long, CD_long);
    private static final MethodTypeDesc J_JJ = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc I_JJ = MethodTypeDesc.of(CD_int, CD_long, CD_long);
    private static final MethodTypeDesc J_OPJJ = MethodTypeDesc.of(CD_long, CD_OP, CD_long, CD_long);

    // Local variable slots of run(): this, cpu, x, m, pc (2 slots), limit, instructions
    // retired by earlier loop iterations, temp (2 slots); guest registers follow.
    private static final int CPU = 1, X = 2, M = 3, PC = 4, LIMIT = 6, DONE = 7, TMP = 8;

    private RvBlockCompiler() {}

    public static boolean compilable(RvBlock b) {
        for (RvUop u : b.uops) if (u.code == RvUopCode.SLOW) return false;
        return true;
    }

    /** Translates {@code b}; returns null if the block cannot be compiled. */
    public static RvCompiledBlock compile(RvBlock b) {
        if (!compilable(b)) return null;
        ClassDesc name = ClassDesc.of(RvBlockCompiler.class.getPackageName() + ".RvJitBlock" + SEQ.incrementAndGet());
        byte[] bytes = ClassFile.of().build(name, clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL);
            clb.withInterfaceSymbols(CD_BLOCK);
            clb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, cb -> {
                cb.aload(0);
                cb.invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void));
                cb.return_();
            });
            clb.withMethodBody("run", RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, cb -> new Emitter(cb, b).body());
        });
        String dump = System.getProperty("multios.riscv.jitDump"); // directory for the class files
        if (dump != null) {
            try {
                java.nio.file.Files.write(java.nio.file.Path.of(dump, name.displayName() + ".class"), bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        try {
            MethodHandles.Lookup l = LOOKUP.defineHiddenClass(bytes, true);
            return (RvCompiledBlock) l.lookupClass().getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JIT: cannot define block class", e);
        }
    }

    /**
     * Emits one block's run() body. Guest registers the block uses live in JVM locals
     * (loaded at entry); registers written since the last write-back are stored to
     * {@code x[]} before every instruction that may trap and at every exit.
     */
    private static final class Emitter {
        private final CodeBuilder cb;
        private final RvBlock b;
        private final int[] slots = new int[33];
        private final boolean[] dirty = new boolean[33];
        private boolean selfLoop;

        static boolean isBranch(int code) {
            return code == RvUopCode.BEQ || code == RvUopCode.BNE || code == RvUopCode.BLT
                    || code == RvUopCode.BGE || code == RvUopCode.BLTU || code == RvUopCode.BGEU;
        }

        Emitter(CodeBuilder cb, RvBlock b) {
            this.cb = cb;
            this.b = b;
            int next = TMP + 2;
            for (RvUop u : b.uops) {
                for (int r : new int[] {u.rd, u.rs1, u.rs2}) {
                    if (r > 0 && r < 32 && slots[r] == 0) { slots[r] = next; next += 2; }
                }
            }
        }

        int slot(int r) { return slots[r]; }

        void loadRegisters() {
            for (int r = 1; r < 32; r++) {
                if (slots[r] == 0) continue;
                cb.aload(X);
                cb.loadConstant(r);
                cb.laload();
                cb.lstore(slots[r]);
            }
        }

        void writeBack(CodeBuilder c) {
            for (int r = 1; r < 32; r++) {
                if (!dirty[r]) continue;
                c.aload(X);
                c.loadConstant(r);
                c.lload(slots[r]);
                c.lastore();
                dirty[r] = false;
            }
        }

        /** Stores every register written in the block (exits may follow different paths). */
        void writeBackAll(CodeBuilder c) {
            boolean[] saved = dirty.clone();
            writeBack(c);
            System.arraycopy(saved, 0, dirty, 0, dirty.length);
        }

    void body() {
            RvUop[] ops = b.uops;
            int n = ops.length;
            RvUop end = ops[n - 1];
            // A block whose final branch jumps back to its own start runs as a loop here.
            selfLoop = isBranch(end.code) && b.offsets[n - 1] + end.imm == 0;
            cb.loadConstant(0);
            cb.istore(DONE);
            loadRegisters();
            Label top = cb.newLabel();
            cb.labelBinding(top);
            for (int k = 0; k < n; k++) {
                RvUop u = ops[k];
                long off = b.offsets[k];
                boolean last = k == n - 1;
                switch (u.code) {
                    case RvUopCode.JAL -> {
                        storeX(cb, u.rd, c -> { pcPlus(c, off + u.len); });
                        setPc(cb, c -> pcPlus(c, off + u.imm));
                        ret(cb, k + 1);
                        return;
                    }
                    case RvUopCode.JALR -> {
                        loadX(cb, u.rs1);
                        cb.loadConstant(u.imm);
                        cb.ladd();
                        cb.loadConstant(-2L);
                        cb.land();
                        cb.lstore(TMP);
                        storeX(cb, u.rd, c -> pcPlus(c, off + u.len));
                        setPc(cb, c -> c.lload(TMP));
                        ret(cb, k + 1);
                        return;
                    }
                    case RvUopCode.BEQ, RvUopCode.BNE, RvUopCode.BLT, RvUopCode.BGE, RvUopCode.BLTU, RvUopCode.BGEU -> {
                        loadX(cb, u.rs1);
                        loadX(cb, u.rs2);
                        Opcode jump;
                        switch (u.code) {
                            case RvUopCode.BLTU, RvUopCode.BGEU -> {
                                cb.invokestatic(ClassDesc.of("java.lang.Long"), "compareUnsigned", I_JJ);
                                jump = u.code == RvUopCode.BLTU ? Opcode.IFLT : Opcode.IFGE;
                            }
                            default -> {
                                cb.lcmp();
                                jump = switch (u.code) {
                                    case RvUopCode.BEQ -> Opcode.IFEQ;
                                    case RvUopCode.BNE -> Opcode.IFNE;
                                    case RvUopCode.BLT -> Opcode.IFLT;
                                    default -> Opcode.IFGE;
                                };
                            }
                        }
                        Label taken = cb.newLabel();
                        cb.branch(jump, taken);
                        setPc(cb, c -> pcPlus(c, off + u.len));
                        ret(cb, k + 1);
                        cb.labelBinding(taken);
                        if (selfLoop) {
                            // Another iteration if the budget allows and nothing asks to stop.
                            cb.iinc(DONE, n);
                            writeBack(cb); // both ways on from here need x[] current
                            Label exit = cb.newLabel();
                            cb.iload(DONE);
                            cb.loadConstant(n);
                            cb.iadd();
                            cb.iload(LIMIT);
                            cb.if_icmpgt(exit);
                            cb.aload(CPU);
                            cb.invokevirtual(CD_CPU, "loopMayContinue", Z_);
                            cb.ifeq(exit);
                            cb.aload(CPU);
                            cb.iload(DONE);
                            cb.putfield(CD_CPU, "jitBase", CD_int);
                            cb.goto_(top);
                            cb.labelBinding(exit);
                            setPc(cb, c -> pcPlus(c, 0));
                            ret(cb, 0);
                        } else {
                            setPc(cb, c -> pcPlus(c, off + u.imm));
                            ret(cb, k + 1);
                        }
                        return;
                    }
                    default -> op(u, k, off);
                }
                if (last) {
                    setPc(cb, c -> pcPlus(c, off + u.len));
                    ret(cb, n);
                }
            }
        }

        void op(RvUop u, int k, long off) {
            switch (u.code) {
                case RvUopCode.LUI -> storeX(cb, u.rd, c -> c.loadConstant(u.imm));
                case RvUopCode.AUIPC -> storeX(cb, u.rd, c -> pcPlus(c, off + u.imm));
                case RvUopCode.LB, RvUopCode.LH, RvUopCode.LW, RvUopCode.LD, RvUopCode.LBU, RvUopCode.LHU, RvUopCode.LWU -> {
                    markIndex(cb, k);
                    storeX(cb, u.rd, c -> {
                        c.aload(M);
                        address(c, u);
                        String fn = switch (u.code) {
                            case RvUopCode.LB, RvUopCode.LBU -> "load8";
                            case RvUopCode.LH, RvUopCode.LHU -> "load16";
                            case RvUopCode.LW, RvUopCode.LWU -> "load32";
                            default -> "load64";
                        };
                        c.invokevirtual(CD_MMU, fn, J_J);
                        switch (u.code) {
                            case RvUopCode.LB -> { c.l2i(); c.i2b(); c.i2l(); }
                            case RvUopCode.LH -> { c.l2i(); c.i2s(); c.i2l(); }
                            case RvUopCode.LW -> { c.l2i(); c.i2l(); }
                            default -> {}
                        }
                    });
                }
                case RvUopCode.SB, RvUopCode.SH, RvUopCode.SW, RvUopCode.SD -> {
                    markIndex(cb, k);
                    cb.aload(M);
                    address(cb, u);
                    loadX(cb, u.rs2);
                    String fn = switch (u.code) {
                        case RvUopCode.SB -> "store8";
                        case RvUopCode.SH -> "store16";
                        case RvUopCode.SW -> "store32";
                        default -> "store64";
                    };
                    cb.invokevirtual(CD_MMU, fn, V_JJ);
                }
                case RvUopCode.FENCE -> {}
                case RvUopCode.ADDI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); c.ladd(); });
                case RvUopCode.XORI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); c.lxor(); });
                case RvUopCode.ORI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); c.lor(); });
                case RvUopCode.ANDI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); c.land(); });
                case RvUopCode.SLTI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); helper(c, "slt"); });
                case RvUopCode.SLTIU -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); helper(c, "sltu"); });
                case RvUopCode.SLLI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant((int) (u.imm & 63)); c.lshl(); });
                case RvUopCode.SRLI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant((int) (u.imm & 63)); c.lushr(); });
                case RvUopCode.SRAI -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant((int) (u.imm & 63)); c.lshr(); });
                case RvUopCode.ADD -> rr(cb, u, CodeBuilder::ladd);
                case RvUopCode.SUB -> rr(cb, u, CodeBuilder::lsub);
                case RvUopCode.XOR -> rr(cb, u, CodeBuilder::lxor);
                case RvUopCode.OR -> rr(cb, u, CodeBuilder::lor);
                case RvUopCode.AND -> rr(cb, u, CodeBuilder::land);
                case RvUopCode.MUL -> rr(cb, u, CodeBuilder::lmul);
                case RvUopCode.SLT -> rr(cb, u, c -> helper(c, "slt"));
                case RvUopCode.SLTU -> rr(cb, u, c -> helper(c, "sltu"));
                case RvUopCode.SLL -> rr(cb, u, c -> { c.l2i(); c.lshl(); });
                case RvUopCode.SRL -> rr(cb, u, c -> { c.l2i(); c.lushr(); });
                case RvUopCode.SRA -> rr(cb, u, c -> { c.l2i(); c.lshr(); });
                case RvUopCode.ADDIW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.loadConstant(u.imm); c.ladd(); c.l2i(); c.i2l(); });
                case RvUopCode.SLLIW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.l2i(); c.loadConstant((int) (u.imm & 31)); c.ishl(); c.i2l(); });
                case RvUopCode.SRLIW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.l2i(); c.loadConstant((int) (u.imm & 31)); c.iushr(); c.i2l(); });
                case RvUopCode.SRAIW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.l2i(); c.loadConstant((int) (u.imm & 31)); c.ishr(); c.i2l(); });
                case RvUopCode.ADDW -> rr(cb, u, c -> { c.ladd(); c.l2i(); c.i2l(); });
                case RvUopCode.SUBW -> rr(cb, u, c -> { c.lsub(); c.l2i(); c.i2l(); });
                case RvUopCode.MULW -> rr(cb, u, c -> { c.lmul(); c.l2i(); c.i2l(); });
                case RvUopCode.SLLW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.l2i(); loadX(c, u.rs2); c.l2i(); c.ishl(); c.i2l(); });
                case RvUopCode.SRLW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.l2i(); loadX(c, u.rs2); c.l2i(); c.iushr(); c.i2l(); });
                case RvUopCode.SRAW -> storeX(cb, u.rd, c -> { loadX(c, u.rs1); c.l2i(); loadX(c, u.rs2); c.l2i(); c.ishr(); c.i2l(); });
                case RvUopCode.MULH -> rr(cb, u, c -> c.invokestatic(CD_MUL, "mulh", J_JJ));
                case RvUopCode.MULHSU -> rr(cb, u, c -> c.invokestatic(CD_MUL, "mulhsu", J_JJ));
                case RvUopCode.MULHU -> rr(cb, u, c -> c.invokestatic(CD_MUL, "mulhu", J_JJ));
                case RvUopCode.DIV -> rr(cb, u, c -> c.invokestatic(CD_MUL, "div", J_JJ));
                case RvUopCode.DIVU -> rr(cb, u, c -> c.invokestatic(CD_MUL, "divu", J_JJ));
                case RvUopCode.REM -> rr(cb, u, c -> c.invokestatic(CD_MUL, "rem", J_JJ));
                case RvUopCode.REMU -> rr(cb, u, c -> c.invokestatic(CD_MUL, "remu", J_JJ));
                case RvUopCode.DIVW -> rr(cb, u, c -> c.invokestatic(CD_MUL, "divw", J_JJ));
                case RvUopCode.DIVUW -> rr(cb, u, c -> c.invokestatic(CD_MUL, "divuw", J_JJ));
                case RvUopCode.REMW -> rr(cb, u, c -> c.invokestatic(CD_MUL, "remw", J_JJ));
                case RvUopCode.REMUW -> rr(cb, u, c -> c.invokestatic(CD_MUL, "remuw", J_JJ));
                case RvUopCode.BITMANIP_RR, RvUopCode.BITMANIP_RI -> storeX(cb, u.rd, c -> {
                    c.getstatic(CD_OP, u.op.name(), CD_OP);
                    loadX(c, u.rs1);
                    if (u.code == RvUopCode.BITMANIP_RI) c.loadConstant(u.imm); else loadX(c, u.rs2);
                    c.invokestatic(CD_BIT, "exec", J_OPJJ);
                });
                default -> throw new IllegalStateException("JIT: no translation for " + u.op);
            }
        }

        // ---- emit helpers ----

        void loadX(CodeBuilder c, int r) {
            if (r == 0) c.loadConstant(0L);
            else c.lload(slot(r));
        }

        /** x[rd] = value (rd 0 is the sink register 32 already). */
        void storeX(CodeBuilder c, int rd, java.util.function.Consumer<CodeBuilder> value) {
            value.accept(c);
            if (rd == RvUop.X0_SINK) {
                c.pop2(); // the value is computed for its side effects (loads), then dropped
            } else {
                c.lstore(slot(rd));
                dirty[rd] = true;
            }
        }

        void rr(CodeBuilder c, RvUop u, java.util.function.Consumer<CodeBuilder> op) {
            storeX(c, u.rd, cc -> {
                loadX(cc, u.rs1);
                loadX(cc, u.rs2);
                op.accept(cc);
            });
        }

        void address(CodeBuilder c, RvUop u) {
            loadX(c, u.rs1);
            if (u.imm != 0) {
                c.loadConstant(u.imm);
                c.ladd();
            }
        }

        static void pcPlus(CodeBuilder c, long delta) {
            c.lload(PC);
            if (delta != 0) {
                c.loadConstant(delta);
                c.ladd();
            }
        }

        static void setPc(CodeBuilder c, java.util.function.Consumer<CodeBuilder> value) {
            c.aload(CPU);
            value.accept(c);
            c.putfield(CD_CPU, "pc", CD_long);
        }

        void markIndex(CodeBuilder c, int k) {
            writeBack(c); // a trap must see the architectural registers
            c.aload(CPU);
            c.loadConstant(k);
            c.putfield(CD_CPU, "jitIndex", CD_int);
        }

        void ret(CodeBuilder c, int retired) {
            writeBackAll(c);
            c.loadConstant(retired);
            if (selfLoop) {
                c.iload(DONE);
                c.iadd();
            }
            c.ireturn();
        }

        static void helper(CodeBuilder c, String name) { c.invokestatic(CD_SELF, name, J_JJ); }

    }

    // ---- helpers the generated code calls (HotSpot inlines them) ----

    public static long slt(long a, long b) { return a < b ? 1 : 0; }

    public static long sltu(long a, long b) { return Long.compareUnsigned(a, b) < 0 ? 1 : 0; }
}
