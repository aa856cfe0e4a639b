package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64Op;

/**
 * Loads and stores (Arm ARM C4.1.88): single registers with every addressing mode,
 * pairs, literal loads, exclusives with a local monitor, load-acquire/store-release
 * (ordering is trivially met by this in-order, one-thread machine) and the LSE atomics.
 * The SIMD&FP register forms (V=1: B/H/S/D/Q registers) share the addressing and go to
 * {@link #vectorSingle}, {@link #vectorPair} and {@link #vectorLiteral}.
 */
final class A64LoadStore {
    private final A64Cpu cpu;
    private final A64Executor ex;

    A64LoadStore(A64Cpu cpu, A64Executor ex) {
        this.cpu = cpu;
        this.ex = ex;
    }

    void execute(A64Op op, int i) {
        boolean vector = (i & (1 << 26)) != 0;
        if (vector) {
            if (op == A64Op.LDST_EXCL || op == A64Op.ATOMIC) throw cpu.undefined();
            cpu.checkFpEnabled();
        }
        switch (op) {
            case LDST_UIMM -> {
                int size = vector ? vectorScale(i) : (i >>> 30) & 3;
                long offset = (long) ((i >>> 10) & 0xfff) << size;
                single(i, size, ex.xsp(A64Executor.rn(i)) + offset, false, 0);
            }
            case LDST_IMM9 -> {
                int size = vector ? vectorScale(i) : (i >>> 30) & 3;
                long imm = ((long) i << 43) >> 55; // bits 20:12, sign-extended
                int mode = (i >>> 10) & 3;
                int rn = A64Executor.rn(i);
                long base = ex.xsp(rn);
                switch (mode) {
                    case 0 -> single(i, size, base + imm, false, 0); // unscaled
                    case 2 -> {                                          // unprivileged
                        if (vector) throw cpu.undefined();
                        cpu.checkUnprivileged(base + imm, 1 << size, ((i >>> 22) & 3) == 0); // EL0's permissions at EL1
                        single(i, size, base + imm, false, 0);
                    }
                    case 1 -> single(i, size, base, true, base + imm);   // post-index
                    default -> single(i, size, base + imm, true, base + imm); // pre-index
                }
            }
            case LDST_REGOFF -> {
                int size = vector ? vectorScale(i) : (i >>> 30) & 3;
                int option = (i >>> 13) & 7;
                if ((option & 2) == 0) throw cpu.undefined();
                int shift = (i & (1 << 12)) != 0 ? size : 0;
                long offset = A64Executor.extendReg(ex.xr(A64Executor.rm(i)), option, shift);
                single(i, size, ex.xsp(A64Executor.rn(i)) + offset, false, 0);
            }
            case LDR_LIT -> literal(i);
            case LDST_PAIR -> pair(i);
            case LDST_EXCL -> exclusive(i);
            case ATOMIC -> atomic(i);
            default -> throw cpu.undefined();
        }
    }

    /** One register load or store at {@code address}; with {@code writeback} the base becomes {@code newBase}. */
    private void single(int i, int size, long address, boolean writeback, long newBase) {
        if ((i & (1 << 26)) != 0) {
            vectorSingle(i, size, address);
            if (writeback) ex.setXsp(A64Executor.rn(i), newBase);
            return;
        }
        int opc = (i >>> 22) & 3;
        int rt = i & 31, rn = A64Executor.rn(i);
        int bytes = 1 << size;
        switch (opc) {
            case 0 -> cpu.write(address, bytes, ex.xr(rt));
            case 1 -> ex.setX(rt, cpu.read(address, bytes));
            case 2, 3 -> {
                if (size == 3) {
                    if (opc == 2) return; // PRFM / PRFUM: a hint
                    throw cpu.undefined();
                }
                if (size == 2 && opc == 3) throw cpu.undefined();
                long v = cpu.read(address, bytes);
                int from = 64 - 8 * bytes;
                long s = (v << from) >> from;
                ex.setX(rt, opc == 3 ? s & 0xffffffffL : s);
            }
            default -> throw cpu.undefined();
        }
        if (writeback) ex.setXsp(rn, newBase);
    }

    private void literal(int i) {
        if ((i & (1 << 26)) != 0) {
            vectorLiteral(i);
            return;
        }
        int opc = (i >>> 30) & 3;
        long offset = (((long) i << 40) >> 45) << 2; // imm19 at 23:5
        long address = cpu.pc + offset;
        int rt = i & 31;
        switch (opc) {
            case 0 -> ex.setX(rt, cpu.read(address, 4));
            case 1 -> ex.setX(rt, cpu.read(address, 8));
            case 2 -> ex.setX(rt, (int) cpu.read(address, 4));
            default -> { } // PRFM (literal)
        }
    }

    private void pair(int i) {
        if ((i & (1 << 26)) != 0) {
            vectorPair(i);
            return;
        }
        int opc = (i >>> 30) & 3, mode = (i >>> 23) & 3;
        boolean load = (i & (1 << 22)) != 0;
        int rt = i & 31, rt2 = (i >>> 10) & 31, rn = A64Executor.rn(i);
        if (opc == 3 || (opc == 1 && !load)) throw cpu.undefined(); // STGP (MTE) is not implemented
        int scale = 2 + (opc >>> 1);
        long imm = (((long) i << 42) >> 57) << scale; // imm7 at 21:15
        long base = ex.xsp(rn);
        long address = mode == 1 ? base : base + imm;
        int bytes = 1 << scale;
        if (load) {
            long a = cpu.read(address, bytes), b = cpu.read(address + bytes, bytes);
            if (opc == 1) { a = (int) a; b = (int) b; }
            ex.setX(rt, a);
            ex.setX(rt2, b);
        } else {
            long a = ex.xr(rt), b = ex.xr(rt2);
            cpu.write(address, bytes, a);
            cpu.write(address + bytes, bytes, b);
        }
        if (mode == 1) ex.setXsp(rn, base + imm);
        else if (mode == 3) ex.setXsp(rn, address);
    }

    private void exclusive(int i) {
        if ((i & (1 << 26)) != 0) throw cpu.undefined();
        int size = (i >>> 30) & 3;
        boolean o2 = (i & (1 << 23)) != 0, load = (i & (1 << 22)) != 0, o1 = (i & (1 << 21)) != 0;
        int rs = (i >>> 16) & 31, rt2 = (i >>> 10) & 31, rn = A64Executor.rn(i), rt = i & 31;
        long address = ex.xsp(rn);
        int bytes = 1 << size;
        if (o2 && o1) { // CAS, CASA, CASL, CASAL
            long expected = ex.xr(rs) & Bits.ones(8 * bytes);
            long old = cpu.read(address, bytes);
            if (old == expected) cpu.write(address, bytes, ex.xr(rt));
            ex.setX(rs, old);
            return;
        }
        if (o2) { // LDAR/STLR and the LORegion forms
            if (load) ex.setX(rt, cpu.read(address, bytes));
            else cpu.write(address, bytes, ex.xr(rt));
            return;
        }
        if (o1 && size < 2) throw cpu.undefined(); // CASP is not implemented
        if ((address & ((o1 ? 2L * bytes : bytes) - 1)) != 0) {
            throw cpu.syncException(cpu.el == 0 ? 0x24 : 0x25, 0x21 | (load ? 0 : 1 << 6), address, true); // alignment fault
        }
        if (load) {
            long pa = cpu.translate(address, A64Cpu.ACCESS_LOAD, bytes);
            long a = cpu.read(address, bytes);
            long b = o1 ? cpu.read(address + bytes, bytes) : 0;
            ex.setX(rt, a);
            if (o1) ex.setX(rt2, b);
            cpu.exclusiveAddress = pa;
            cpu.exclusiveSize = o1 ? 2 * bytes : bytes;
        } else {
            long pa = cpu.translate(address, A64Cpu.ACCESS_STORE, bytes);
            boolean ok = cpu.exclusiveAddress == pa && cpu.exclusiveSize == (o1 ? 2 * bytes : bytes);
            cpu.exclusiveAddress = -1;
            if (ok) {
                long a = ex.xr(rt), b = o1 ? ex.xr(rt2) : 0;
                cpu.write(address, bytes, a);
                if (o1) cpu.write(address + bytes, bytes, b);
            }
            ex.setX(rs, ok ? 0 : 1);
        }
    }

    private void atomic(int i) {
        int size = (i >>> 30) & 3;
        int rs = (i >>> 16) & 31, rn = A64Executor.rn(i), rt = i & 31;
        boolean o3 = (i & (1 << 15)) != 0;
        int opc = (i >>> 12) & 7;
        int bytes = 1 << size;
        long address = ex.xsp(rn);
        long mask = Bits.ones(8 * bytes);
        if (o3) {
            if (opc == 4 && ((i >>> 22) & 3) == 2 && rs == 31) { // LDAPR
                ex.setX(rt, cpu.read(address, bytes));
                return;
            }
            if (opc != 0) throw cpu.undefined();
            long old = cpu.read(address, bytes);
            cpu.write(address, bytes, ex.xr(rs));
            ex.setX(rt, old);
            return;
        }
        long old = cpu.read(address, bytes);
        long s = ex.xr(rs) & mask;
        int sh = 64 - 8 * bytes;
        long r = switch (opc) {
            case 0 -> old + s;
            case 1 -> old & ~s;
            case 2 -> old ^ s;
            case 3 -> old | s;
            case 4 -> ((old << sh) >> sh) >= ((s << sh) >> sh) ? old : s;
            case 5 -> ((old << sh) >> sh) <= ((s << sh) >> sh) ? old : s;
            case 6 -> Long.compareUnsigned(old, s) >= 0 ? old : s;
            default -> Long.compareUnsigned(old, s) <= 0 ? old : s;
        };
        cpu.write(address, bytes, r & mask);
        ex.setX(rt, old);
    }

    // ---- SIMD&FP registers (V=1) ----

    /** log2 of the access size of a V=1 single-register form: size, or 4 for Q (size 00, opc 1x). */
    private int vectorScale(int i) {
        int size = (i >>> 30) & 3, opc = (i >>> 22) & 3;
        if ((opc & 2) != 0) {
            if (size != 0) throw cpu.undefined();
            return 4;
        }
        return size;
    }

    private void vectorSingle(int i, int scale, long address) {
        boolean load = (i & (1 << 22)) != 0;
        int rt = i & 31;
        if (load) loadVector(rt, address, scale);
        else storeVector(rt, address, scale);
    }

    /** Loads 1 << scale bytes into Vt, clearing the rest of the register. */
    private void loadVector(int rt, long address, int scale) {
        long[] v = cpu.vreg;
        if (scale == 4) {
            long lo = cpu.read(address, 8), hi = cpu.read(address + 8, 8);
            v[2 * rt] = lo;
            v[2 * rt + 1] = hi;
        } else {
            v[2 * rt] = cpu.read(address, 1 << scale);
            v[2 * rt + 1] = 0;
        }
    }

    private void storeVector(int rt, long address, int scale) {
        long[] v = cpu.vreg;
        if (scale == 4) {
            long lo = v[2 * rt], hi = v[2 * rt + 1];
            cpu.write(address, 8, lo);
            cpu.write(address + 8, 8, hi);
        } else {
            cpu.write(address, 1 << scale, v[2 * rt]);
        }
    }

    private void vectorLiteral(int i) {
        int opc = (i >>> 30) & 3;
        if (opc == 3) throw cpu.undefined();
        long address = cpu.pc + ((((long) i << 40) >> 45) << 2);
        loadVector(i & 31, address, 2 + opc);
    }

    private void vectorPair(int i) {
        int opc = (i >>> 30) & 3, mode = (i >>> 23) & 3;
        boolean load = (i & (1 << 22)) != 0;
        if (opc == 3) throw cpu.undefined();
        int rt = i & 31, rt2 = (i >>> 10) & 31, rn = A64Executor.rn(i);
        int scale = 2 + opc;
        long imm = (((long) i << 42) >> 57) << scale;
        long base = ex.xsp(rn);
        long address = mode == 1 ? base : base + imm;
        int bytes = 1 << scale;
        if (load) {
            // read both before writing either, so a fault on the second leaves Vt intact
            long[] v = cpu.vreg;
            long a0, a1 = 0, b0, b1 = 0;
            if (scale == 4) {
                a0 = cpu.read(address, 8); a1 = cpu.read(address + 8, 8);
                b0 = cpu.read(address + 16, 8); b1 = cpu.read(address + 24, 8);
            } else {
                a0 = cpu.read(address, bytes);
                b0 = cpu.read(address + bytes, bytes);
            }
            v[2 * rt] = a0; v[2 * rt + 1] = a1;
            v[2 * rt2] = b0; v[2 * rt2 + 1] = b1;
        } else {
            storeVector(rt, address, scale);
            storeVector(rt2, address + bytes, scale);
        }
        if (mode == 1) ex.setXsp(rn, base + imm);
        else if (mode == 3) ex.setXsp(rn, address);
    }
}
