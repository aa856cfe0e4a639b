package org.multios.isa.riscv.exec;

import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.block.RvUop;
import org.multios.isa.riscv.mmu.RvMmu;
import org.multios.isa.riscv.mmu.SvWalker;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * "A" extension semantics: LR/SC with a one-entry reservation (virtual address, size and
 * the value LR read, as QEMU keeps it), AMOs as a translate-once read-modify-write.
 * SC succeeds only if the reservation is held and memory still holds the value LR saw
 * (QEMU's compare-and-exchange rule), which also catches stores by other harts that run
 * between this hart's slices. Traps and xRET drop the reservation. Misaligned addresses
 * raise address-misaligned exceptions (LR: load; SC and AMOs: store/AMO).
 */
public final class RvAtomic {
    private RvAtomic() {}

    public static void exec(RvCpu cpu, RvUop u) {
        long[] x = cpu.x;
        RvMmu mmu = cpu.mmu();
        long va = x[u.rs1];
        boolean word = switch (u.op) {
            case LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W -> true;
            default -> false;
        };
        int size = word ? 4 : 8;
        switch (u.op) {
            case LR_W, LR_D -> {
                if ((va & (size - 1)) != 0) throw new RvTrap(RvTrap.LOAD_ADDRESS_MISALIGNED, va);
                long pa = mmu.translateLoad(va, size);
                long v = mmu.readPhysical(pa, size, SvWalker.LOAD, va);
                x[u.rd] = word ? (int) v : v;
                cpu.reservationAddr = va;
                cpu.reservationSize = size;
                cpu.reservationValue = v;
            }
            case SC_W, SC_D -> {
                if ((va & (size - 1)) != 0) throw new RvTrap(RvTrap.STORE_ADDRESS_MISALIGNED, va);
                boolean held = cpu.reservationSize == size && cpu.reservationAddr == va;
                if (!held) {
                    cpu.reservationSize = 0;
                    x[u.rd] = 1;
                    return;
                }
                long pa = mmu.translateAmo(va, size);
                long src = x[u.rs2];
                cpu.reservationSize = 0;
                if (mmu.readPhysical(pa, size, SvWalker.STORE, va) != cpu.reservationValue) {
                    x[u.rd] = 1;
                    return;
                }
                mmu.writePhysical(pa, size, src, va);
                x[u.rd] = 0;
                mmu.endOfAtomic();
            }
            default -> {
                if ((va & (size - 1)) != 0) throw new RvTrap(RvTrap.STORE_ADDRESS_MISALIGNED, va);
                long pa = mmu.translateAmo(va, size);
                long old = mmu.readPhysical(pa, size, SvWalker.STORE, va);
                if (word) old = (int) old;
                long src = word ? (int) x[u.rs2] : x[u.rs2];
                long v = switch (u.op) {
                    case AMOSWAP_W, AMOSWAP_D -> src;
                    case AMOADD_W, AMOADD_D -> old + src;
                    case AMOXOR_W, AMOXOR_D -> old ^ src;
                    case AMOAND_W, AMOAND_D -> old & src;
                    case AMOOR_W, AMOOR_D -> old | src;
                    case AMOMIN_W, AMOMIN_D -> Math.min(old, src);
                    case AMOMAX_W, AMOMAX_D -> Math.max(old, src);
                    case AMOMINU_W, AMOMINU_D -> Long.compareUnsigned(old, src) <= 0 ? old : src;
                    case AMOMAXU_W, AMOMAXU_D -> Long.compareUnsigned(old, src) >= 0 ? old : src;
                    default -> throw new IllegalArgumentException("not an AMO: " + u.op);
                };
                mmu.writePhysical(pa, size, v, va);
                x[u.rd] = old;
                mmu.endOfAtomic();
            }
        }
    }
}
