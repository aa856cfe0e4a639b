package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.ExceptionClass;
import org.multios.isa.arm64.decode.A64Op;
import org.multios.isa.arm64.sysreg.A64SystemRegisters;
import org.multios.isa.arm64.sysreg.SysRegInfo;

/**
 * Branches, exception generation and system instructions (Arm ARM C4.1.87): B/BL/B.cond,
 * CBZ/TBZ, BR/BLR/RET/ERET, SVC/HVC/SMC/BRK, hints (WFI sleeps, the rest are NOPs on one
 * in-order PE), barriers, MSR (immediate) for SPSel/DAIF, SYS (DC ZVA zeroes; other cache
 * maintenance is a no-op because caches are not modelled; TLBI flushes the software TLB;
 * AT translates into PAR_EL1) and MRS/MSR through the system register table.
 */
final class A64System {
    private final A64Cpu cpu;
    private final A64Executor ex;

    A64System(A64Cpu cpu, A64Executor ex) {
        this.cpu = cpu;
        this.ex = ex;
    }

    void execute(A64Op op, int i) {
        switch (op) {
            case B -> cpu.nextPc = cpu.pc + ((((long) i << 38) >> 38) << 2);
            case BL -> {
                ex.setX(30, cpu.pc + 4);
                cpu.nextPc = cpu.pc + ((((long) i << 38) >> 38) << 2);
            }
            case CBZ -> {
                boolean sf = i < 0, nz = (i & (1 << 24)) != 0;
                long v = ex.xr(i & 31);
                if (!sf) v &= 0xffffffffL;
                if ((v == 0) != nz) cpu.nextPc = cpu.pc + ((((long) i << 40) >> 45) << 2);
            }
            case TBZ -> {
                int bit = ((i >>> 26) & 0x20) | ((i >>> 19) & 0x1f);
                boolean nz = (i & (1 << 24)) != 0;
                boolean set = ((ex.xr(i & 31) >>> bit) & 1) != 0;
                if (set == nz) cpu.nextPc = cpu.pc + ((((long) i << 45) >> 50) << 2);
            }
            case B_COND -> {
                if (ex.conditionHolds(i & 15)) cpu.nextPc = cpu.pc + ((((long) i << 40) >> 45) << 2);
            }
            case BRANCH_REG -> branchRegister(i);
            case EXCEPTION -> exception(i);
            case SYSTEM -> system(i);
            default -> throw cpu.undefined();
        }
    }

    private void branchRegister(int i) {
        int opc = (i >>> 21) & 15, op2 = (i >>> 16) & 31, op3 = (i >>> 10) & 0x3f, op4 = i & 31;
        int rn = A64Executor.rn(i);
        if (op2 != 31 || op3 != 0 || op4 != 0) throw cpu.undefined(); // pointer authentication forms
        switch (opc) {
            case 0, 2 -> cpu.nextPc = ex.xr(rn);
            case 1 -> {
                long target = ex.xr(rn);
                ex.setX(30, cpu.pc + 4);
                cpu.nextPc = target;
            }
            case 4 -> {
                if (rn != 31 || cpu.el == 0) throw cpu.undefined();
                cpu.exceptionReturn();
            }
            default -> throw cpu.undefined();
        }
    }

    private void exception(int i) {
        int opc = (i >>> 21) & 7, ll = i & 3, op2 = (i >>> 2) & 7;
        int imm16 = (i >>> 5) & 0xffff;
        if (op2 != 0) throw cpu.undefined();
        switch (opc << 2 | ll) {
            case 0b00001 -> { // SVC: the preferred return address is the next instruction
                cpu.pc += 4;
                cpu.syncException(ExceptionClass.SVC64, imm16, 0, false);
            }
            case 0b00010, 0b00011 -> { // HVC, SMC: no EL2/EL3 here; the board's PSCI answers
                boolean smc = ll == 3;
                if (!smc && cpu.nativeCall(imm16)) return;
                if (cpu.el == 0 || !cpu.hypercalls().call(cpu, imm16, smc)) throw cpu.undefined();
            }
            case 0b00100 -> cpu.syncException(ExceptionClass.BRK64, imm16, 0, false);
            default -> throw cpu.undefined(); // HLT (no external debug), DCPSx
        }
    }

    private void system(int i) {
        boolean read = (i & (1 << 21)) != 0;
        int op0 = (i >>> 19) & 3, op1 = (i >>> 16) & 7, crn = (i >>> 12) & 15, crm = (i >>> 8) & 15, op2 = (i >>> 5) & 7;
        int rt = i & 31;
        if (op0 == 0) {
            if (read) throw cpu.undefined();
            if (crn == 2) { // hints
                int hint = crm << 3 | op2;
                if (hint == 3) cpu.waitForInterrupt(); // WFI
                // NOP, YIELD, WFE (no event sources beyond interrupts: falls through), SEV, SEVL, ...
                return;
            }
            if (crn == 3) { // barriers and CLREX
                if (rt != 31) throw cpu.undefined();
                switch (op2) {
                    case 2 -> cpu.exclusiveAddress = -1;
                    case 4, 5, 6 -> { } // DSB, DMB, ISB: one in-order PE with coherent fetch
                    default -> throw cpu.undefined();
                }
                return;
            }
            if (crn == 4) { // MSR (immediate)
                if (rt != 31) throw cpu.undefined();
                int pstateField = op1 << 3 | op2;
                switch (pstateField) {
                    case 0b000_101 -> { if (cpu.el == 0) throw cpu.undefined(); cpu.spsel = (crm & 1) != 0; }
                    case 0b011_110 -> { requireDaifAccess(); cpu.daif |= (crm << 6); }
                    case 0b011_111 -> { requireDaifAccess(); cpu.daif &= ~(crm << 6); }
                    default -> throw cpu.undefined();
                }
                return;
            }
            throw cpu.undefined();
        }
        if (op0 == 1) {
            if (read) throw cpu.undefined(); // SYSL: nothing defined
            sys(op1, crn, crm, op2, rt);
            return;
        }
        int key = SysRegInfo.key(op0, op1, crn, crm, op2);
        A64SystemRegisters regs = cpu.sysregs;
        SysRegInfo r = regs.accessible(key, cpu.el);
        if (r == null) {
            if (read && cpu.el > 0 && A64SystemRegisters.isReservedIdSpace(key)) {
                ex.setX(rt, 0);
                return;
            }
            throw cpu.undefined();
        }
        if (read) ex.setX(rt, regs.read(r));
        else {
            if (r.kind() == SysRegInfo.Kind.RO) throw cpu.undefined();
            regs.write(r, ex.xr(rt));
        }
    }

    private void requireDaifAccess() {
        if (cpu.el == 0 && (cpu.sysregs.sctlrEl1 & (1 << 9)) == 0) throw cpu.undefined();
    }

    /** SYS: cache maintenance, address translation and TLB maintenance. */
    private void sys(int op1, int crn, int crm, int op2, int rt) {
        long arg = ex.xr(rt);
        if (crn == 7) {
            if (op1 == 3 && crm == 4 && op2 == 1) { // DC ZVA
                if (cpu.el == 0 && (cpu.sysregs.sctlrEl1 & (1 << 14)) == 0) throw cpu.undefined();
                long base = arg & ~63L;
                for (int b = 0; b < 64; b += 8) cpu.write(base + b, 8, 0);
                return;
            }
            if (crm == 8 && op1 == 0 && op2 < 4) { // AT S1E1R/W, S1E0R/W
                if (cpu.el == 0) throw cpu.undefined();
                long pa = cpu.debugTranslate(arg);
                cpu.sysregs.write(cpu.sysregs.table().lookup(SysRegInfo.key(3, 0, 7, 4, 0)),
                        pa == -1 ? 1 : (pa & 0x0000_ffff_ffff_f000L));
                return;
            }
            // DC CIVAC/CVAC/CVAU/IVAC/ISW/CSW/CISW, IC IVAU/IALLU/IALLUIS: no caches modelled.
            // Set/way and IC IALLU are EL1-only, the VA forms usable at EL0 when SCTLR allows.
            if (cpu.el == 0 && op1 != 3) throw cpu.undefined();
            return;
        }
        if (crn == 8 && op1 == 0) { // TLBI, EL1 forms (Arm ARM C5.5): inner-shareable (CRm 3) = local here, one PE
            if (cpu.el == 0) throw cpu.undefined();
            if (crm == 3 || crm == 7) {
                switch (op2) {
                    case 0 -> cpu.tlbInvalidateAll();                   // VMALLE1
                    case 1, 5 -> cpu.tlbInvalidateVa(arg, false);       // VAE1, VALE1
                    case 2 -> cpu.tlbInvalidateAsid((int) (arg >>> 48)); // ASIDE1
                    case 3, 7 -> cpu.tlbInvalidateVa(arg, true);        // VAAE1, VAALE1
                    default -> cpu.tlbInvalidateAll();
                }
            } else {
                cpu.tlbInvalidateAll(); // outer-shareable/range forms: a superset invalidation is always allowed
            }
            return;
        }
        if (crn == 8) { // TLBI of other regimes (EL2/EL3 forms): those ELs are absent, their encodings UNDEFINED-free as before
            if (cpu.el == 0) throw cpu.undefined();
            cpu.tlbInvalidateAll();
            return;
        }
        throw cpu.undefined();
    }
}
