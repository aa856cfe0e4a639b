package org.multios.isa.riscv.exec;

import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.block.RvUop;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrFile;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * System instructions: environment calls and breakpoints, trap returns (MRET, SRET), WFI,
 * SFENCE.VMA, FENCE.I, the Zicsr instructions, and the MultiOS native call. Checks come
 * first (privilege, TSR/TVM/TW), then the effect, as in the privileged spec.
 */
public final class RvPrivileged {
    /** Returned by {@link #exec}: continue with the next instruction, or the pc was set. */
    public static final int NEXT = 0, JUMPED = 1;
    /**
     * The instruction trapped (not retired): the trap handler was entered with epc = its pc,
     * which the caller set in {@code cpu.pc} and {@code enterSlowPath} before calling.
     */
    public static final int TRAPPED = 2;

    private RvPrivileged() {}

    public static int exec(RvCpu cpu, RvUop u, long pc) {
        int priv = cpu.privilege();
        RvCsrFile csr = cpu.csr;
        switch (u.op) {
            // ECALL and EBREAK always trap: they enter the handler here, as the executor's catch would
            // for a thrown RvTrap, without allocating and unwinding an exception on every syscall.
            case ECALL -> {
                cpu.takeTrap(priv == 0 ? RvTrap.ECALL_FROM_U : priv == 1 ? RvTrap.ECALL_FROM_S : RvTrap.ECALL_FROM_M, 0);
                return TRAPPED;
            }
            case EBREAK -> {
                cpu.takeTrap(RvTrap.BREAKPOINT, pc);
                return TRAPPED;
            }
            case MRET -> {
                if (priv != 3) throw RvTrap.illegal(u.raw());
                cpu.trapReturn(true);
                return JUMPED;
            }
            case SRET -> {
                if (priv == 0 || (priv == 1 && (csr.mstatus & Mstatus.TSR) != 0)) throw RvTrap.illegal(u.raw());
                cpu.trapReturn(false);
                return JUMPED;
            }
            case WFI -> {
                // With S-mode present, U-mode WFI is illegal; TW makes it illegal below M.
                if (priv == 0 || (priv == 1 && (csr.mstatus & Mstatus.TW) != 0)) throw RvTrap.illegal(u.raw());
                cpu.setPc(pc + u.len);
                cpu.waitForInterrupt();
                return JUMPED;
            }
            case SFENCE_VMA -> {
                if (priv == 0 || (priv == 1 && (csr.mstatus & Mstatus.TVM) != 0)) throw RvTrap.illegal(u.raw());
                cpu.mmu().sfenceVma(u.rs1 != 0, cpu.x[u.rs1], u.rs2 != 0, (int) cpu.x[u.rs2]);
                return NEXT;
            }
            case FENCE_I -> {
                // Stores to decoded code already invalidated its blocks; nothing is stale.
                return NEXT;
            }
            case CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI -> {
                csrOp(cpu, u);
                return NEXT;
            }
            case NATIVE_CALL -> {
                if (cpu.nativeCallHandler() == null) throw RvTrap.illegal(u.raw());
                cpu.setPc(pc + u.len);
                cpu.nativeCallHandler().call(cpu, (int) (u.imm & 0xfff));
                return JUMPED;
            }
            default -> throw RvTrap.illegal(u.raw());
        }
    }

    private static void csrOp(RvCpu cpu, RvUop u) {
        int number = (int) (u.imm & 0xfff);
        int rdArch = u.insn.rd;
        boolean imm = u.op == org.multios.isa.riscv.decode.RvOp.CSRRWI || u.op == org.multios.isa.riscv.decode.RvOp.CSRRSI
                || u.op == org.multios.isa.riscv.decode.RvOp.CSRRCI;
        long operand = imm ? u.rs1 : cpu.x[u.rs1];
        int kind = switch (u.op) {
            case CSRRW, CSRRWI -> 0;
            case CSRRS, CSRRSI -> 1;
            default -> 2;
        };
        boolean write = kind == 0 || u.rs1 != 0;
        boolean read = kind != 0 || rdArch != 0;
        long old = cpu.csr.access(number, read, write, kind, operand, u.raw());
        cpu.x[u.rd] = old;
    }
}
