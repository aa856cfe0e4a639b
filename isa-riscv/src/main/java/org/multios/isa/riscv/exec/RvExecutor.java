package org.multios.isa.riscv.exec;

import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.block.RvBlock;
import org.multios.isa.riscv.block.RvBlockCompiler;
import org.multios.isa.riscv.block.RvCompiledBlock;
import org.multios.isa.riscv.block.RvUop;
import org.multios.isa.riscv.mmu.RvMmu;
import org.multios.isa.riscv.trap.RvTrap;

import static org.multios.isa.riscv.block.RvUopCode.*;

/**
 * Runs decoded blocks. The base integer and multiply instructions (RvBaseInteger and the
 * M chapter, the bulk of executed code) are inline in one switch; everything else goes to
 * the chapter's class. The method stays well below HotSpot's 8000-byte compile limit.
 * <p>
 * The pc lives in a local while the block runs; it is stored back when the block ends,
 * before any call that may look at it, and when a trap is taken.
 */
public final class RvExecutor {
    private final RvCpu cpu;
    private final long[] x;
    private final RvMmu mmu;

    public RvExecutor(RvCpu cpu) {
        this.cpu = cpu;
        this.x = cpu.x;
        this.mmu = cpu.mmu();
    }

    /**
     * Executes up to {@code limit} instructions of {@code b} starting at {@code cpu.pc()}.
     * Returns the number retired; the CPU's pc is the next instruction's (or the trap
     * handler's, after a trap).
     */
    public int run(RvBlock b, int limit) {
        final long[] x = this.x;
        final RvMmu m = this.mmu;
        final RvUop[] ops = b.uops;
        if (limit >= ops.length) {
            RvCompiledBlock c = b.compiled;
            if (c != null) return runCompiled(b, c, limit);
            if (++b.executions == RvBlockCompiler.THRESHOLD && RvBlockCompiler.THRESHOLD > 0 && RvBlockCompiler.compilable(b)) {
                b.compiled = RvBlockCompiler.compile(b);
            }
        }
        final int n = Math.min(ops.length, limit);
        long pc = cpu.pc;
        int i = 0;
        try {
            for (; i < n; i++) {
                final RvUop u = ops[i];
                switch (u.code) {
                    case LUI -> x[u.rd] = u.imm;
                    case AUIPC -> x[u.rd] = pc + u.imm;
                    case JAL -> {
                        x[u.rd] = pc + u.len;
                        cpu.pc = pc + u.imm;
                        return i + 1;
                    }
                    case JALR -> {
                        long t = (x[u.rs1] + u.imm) & ~1L;
                        x[u.rd] = pc + u.len;
                        cpu.pc = t;
                        return i + 1;
                    }
                    case BEQ -> { if (x[u.rs1] == x[u.rs2]) { cpu.pc = pc + u.imm; return i + 1; } }
                    case BNE -> { if (x[u.rs1] != x[u.rs2]) { cpu.pc = pc + u.imm; return i + 1; } }
                    case BLT -> { if (x[u.rs1] < x[u.rs2]) { cpu.pc = pc + u.imm; return i + 1; } }
                    case BGE -> { if (x[u.rs1] >= x[u.rs2]) { cpu.pc = pc + u.imm; return i + 1; } }
                    case BLTU -> { if (Long.compareUnsigned(x[u.rs1], x[u.rs2]) < 0) { cpu.pc = pc + u.imm; return i + 1; } }
                    case BGEU -> { if (Long.compareUnsigned(x[u.rs1], x[u.rs2]) >= 0) { cpu.pc = pc + u.imm; return i + 1; } }
                    case LB -> x[u.rd] = (byte) m.load8(x[u.rs1] + u.imm);
                    case LH -> x[u.rd] = (short) m.load16(x[u.rs1] + u.imm);
                    case LW -> x[u.rd] = (int) m.load32(x[u.rs1] + u.imm);
                    case LD -> x[u.rd] = m.load64(x[u.rs1] + u.imm);
                    case LBU -> x[u.rd] = m.load8(x[u.rs1] + u.imm);
                    case LHU -> x[u.rd] = m.load16(x[u.rs1] + u.imm);
                    case LWU -> x[u.rd] = m.load32(x[u.rs1] + u.imm);
                    case SB -> m.store8(x[u.rs1] + u.imm, x[u.rs2]);
                    case SH -> m.store16(x[u.rs1] + u.imm, x[u.rs2]);
                    case SW -> m.store32(x[u.rs1] + u.imm, x[u.rs2]);
                    case SD -> m.store64(x[u.rs1] + u.imm, x[u.rs2]);
                    case ADDI -> x[u.rd] = x[u.rs1] + u.imm;
                    case SLTI -> x[u.rd] = x[u.rs1] < u.imm ? 1 : 0;
                    case SLTIU -> x[u.rd] = Long.compareUnsigned(x[u.rs1], u.imm) < 0 ? 1 : 0;
                    case XORI -> x[u.rd] = x[u.rs1] ^ u.imm;
                    case ORI -> x[u.rd] = x[u.rs1] | u.imm;
                    case ANDI -> x[u.rd] = x[u.rs1] & u.imm;
                    case SLLI -> x[u.rd] = x[u.rs1] << u.imm;
                    case SRLI -> x[u.rd] = x[u.rs1] >>> u.imm;
                    case SRAI -> x[u.rd] = x[u.rs1] >> u.imm;
                    case ADD -> x[u.rd] = x[u.rs1] + x[u.rs2];
                    case SUB -> x[u.rd] = x[u.rs1] - x[u.rs2];
                    case SLL -> x[u.rd] = x[u.rs1] << x[u.rs2];
                    case SLT -> x[u.rd] = x[u.rs1] < x[u.rs2] ? 1 : 0;
                    case SLTU -> x[u.rd] = Long.compareUnsigned(x[u.rs1], x[u.rs2]) < 0 ? 1 : 0;
                    case XOR -> x[u.rd] = x[u.rs1] ^ x[u.rs2];
                    case SRL -> x[u.rd] = x[u.rs1] >>> x[u.rs2];
                    case SRA -> x[u.rd] = x[u.rs1] >> x[u.rs2];
                    case OR -> x[u.rd] = x[u.rs1] | x[u.rs2];
                    case AND -> x[u.rd] = x[u.rs1] & x[u.rs2];
                    case ADDIW -> x[u.rd] = (int) (x[u.rs1] + u.imm);
                    case SLLIW -> x[u.rd] = (int) x[u.rs1] << u.imm;
                    case SRLIW -> x[u.rd] = (int) x[u.rs1] >>> u.imm;
                    case SRAIW -> x[u.rd] = (int) x[u.rs1] >> u.imm;
                    case ADDW -> x[u.rd] = (int) (x[u.rs1] + x[u.rs2]);
                    case SUBW -> x[u.rd] = (int) (x[u.rs1] - x[u.rs2]);
                    case SLLW -> x[u.rd] = (int) x[u.rs1] << x[u.rs2];
                    case SRLW -> x[u.rd] = (int) x[u.rs1] >>> x[u.rs2];
                    case SRAW -> x[u.rd] = (int) x[u.rs1] >> x[u.rs2];
                    case FENCE -> {}
                    case MUL -> x[u.rd] = x[u.rs1] * x[u.rs2];
                    case MULH -> x[u.rd] = Math.multiplyHigh(x[u.rs1], x[u.rs2]);
                    case MULHSU -> x[u.rd] = RvMultiply.mulhsu(x[u.rs1], x[u.rs2]);
                    case MULHU -> x[u.rd] = Math.unsignedMultiplyHigh(x[u.rs1], x[u.rs2]);
                    case DIV -> x[u.rd] = RvMultiply.div(x[u.rs1], x[u.rs2]);
                    case DIVU -> x[u.rd] = RvMultiply.divu(x[u.rs1], x[u.rs2]);
                    case REM -> x[u.rd] = RvMultiply.rem(x[u.rs1], x[u.rs2]);
                    case REMU -> x[u.rd] = RvMultiply.remu(x[u.rs1], x[u.rs2]);
                    case MULW -> x[u.rd] = (int) x[u.rs1] * (int) x[u.rs2];
                    case DIVW -> x[u.rd] = RvMultiply.divw(x[u.rs1], x[u.rs2]);
                    case DIVUW -> x[u.rd] = RvMultiply.divuw(x[u.rs1], x[u.rs2]);
                    case REMW -> x[u.rd] = RvMultiply.remw(x[u.rs1], x[u.rs2]);
                    case REMUW -> x[u.rd] = RvMultiply.remuw(x[u.rs1], x[u.rs2]);
                    case BITMANIP_RR ->
                            x[u.rd] = RvBitManip.exec(u.op, x[u.rs1], x[u.rs2]);
                    case BITMANIP_RI ->
                            x[u.rd] = RvBitManip.exec(u.op, x[u.rs1], u.imm);
                    default -> {
                        cpu.pc = pc;
                        cpu.enterSlowPath(i);
                        int r = slow(u, pc);
                        if (r == RvPrivileged.JUMPED) return i + 1;
                        if (r == RvPrivileged.TRAPPED) return i; // as the catch below: not retired, handler entered
                    }
                }
                pc += u.len;
            }
            cpu.pc = pc;
            return n;
        } catch (RvTrap t) {
            if (t.cause == RvTrap.CODE_MODIFIED) {
                // The store completed and hit this block's code: end the block after it.
                cpu.pc = pc + ops[i].len;
                return i + 1;
            }
            cpu.pc = pc;
            cpu.enterSlowPath(i);
            cpu.takeTrap(t);
            return i;
        }
    }

    private int runCompiled(RvBlock b, RvCompiledBlock c, int limit) {
        long pc = cpu.pc;
        cpu.jitBase = 0;
        try {
            // Loops inside compiled blocks stop now and then so the clock sees progress.
            return c.run(cpu, x, mmu, pc, Math.min(limit, 1 << 14));
        } catch (RvTrap t) {
            int k = cpu.jitIndex, base = cpu.jitBase;
            long at = pc + b.offsets[k];
            if (t.cause == RvTrap.CODE_MODIFIED) {
                cpu.pc = at + b.uops[k].len;
                return base + k + 1;
            }
            cpu.pc = at;
            cpu.enterSlowPath(base + k);
            cpu.takeTrap(t);
            return base + k;
        }
    }

    private int slow(RvUop u, long pc) {
        return switch (u.op) {
            case LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
                 LR_D, SC_D, AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D -> {
                RvAtomic.exec(cpu, u);
                yield RvPrivileged.NEXT;
            }
            case ECALL, EBREAK, MRET, SRET, WFI, SFENCE_VMA, FENCE_I, CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI, NATIVE_CALL, ILLEGAL ->
                    RvPrivileged.exec(cpu, u, pc);
            default -> {
                RvFloatingPoint.exec(cpu, u);
                yield RvPrivileged.NEXT;
            }
        };
    }
}
