package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64Op;

/**
 * Advanced SIMD moves and permutes (Arm ARM C4.1.90): copy (DUP, INS, UMOV, SMOV and the
 * scalar DUP), modified immediate (MOVI, MVNI, ORR, BIC, FMOV), ZIP/UZP/TRN, EXT, TBL/TBX.
 */
final class A64SimdPermute {
    private final A64Cpu cpu;
    private final A64Executor ex;
    private final long[] v;

    A64SimdPermute(A64Cpu cpu, A64Executor ex) {
        this.cpu = cpu;
        this.ex = ex;
        this.v = cpu.vreg;
    }

    void execute(A64Op op, int i) {
        cpu.checkFpEnabled();
        switch (op) {
            case SIMD_COPY -> copy(i);
            case SIMD_S_COPY -> scalarCopy(i);
            case SIMD_MODIMM -> modifiedImmediate(i);
            case SIMD_PERMUTE -> permute(i);
            case SIMD_EXT -> extract(i);
            case SIMD_TBL -> table(i);
            default -> throw cpu.undefined();
        }
    }

    private void copy(int i) {
        boolean q = (i & (1 << 30)) != 0, op = (i & (1 << 29)) != 0;
        int imm5 = (i >>> 16) & 31, imm4 = (i >>> 11) & 15;
        int rn = A64Executor.rn(i), rd = A64Executor.rd(i);
        int size = Integer.numberOfTrailingZeros(imm5);
        if (size > 3) throw cpu.undefined();
        int esize = 8 << size;
        int index = imm5 >>> (size + 1);
        if (op) { // INS (element)
            if (!q) throw cpu.undefined();
            int index2 = imm4 >>> size;
            long e = Vec.get(Vec.read(v, rn), index2, esize);
            long[] d = Vec.read(v, rd);
            Vec.set(d, index, esize, e);
            Vec.write(v, rd, d, true);
            return;
        }
        switch (imm4) {
            case 0 -> { // DUP (element)
                if (size == 3 && !q) throw cpu.undefined();
                long e = Vec.get(Vec.read(v, rn), index, esize);
                Vec.write(v, rd, replicate(e, esize), q);
            }
            case 1 -> { // DUP (general)
                if (size == 3 && !q) throw cpu.undefined();
                Vec.write(v, rd, replicate(ex.xr(rn) & Vec.mask(esize), esize), q);
            }
            case 3 -> { // INS (general)
                if (!q) throw cpu.undefined();
                long[] d = Vec.read(v, rd);
                Vec.set(d, index, esize, ex.xr(rn));
                Vec.write(v, rd, d, true);
            }
            case 5 -> { // SMOV
                if (size == 3 || (size == 2 && !q)) throw cpu.undefined();
                long e = Vec.sx(Vec.get(Vec.read(v, rn), index, esize), esize);
                ex.setX(rd, q ? e : e & 0xffffffffL);
            }
            case 7 -> { // UMOV
                if ((size == 3) != q) throw cpu.undefined();
                ex.setX(rd, Vec.get(Vec.read(v, rn), index, esize));
            }
            default -> throw cpu.undefined();
        }
    }

    static long[] replicate(long e, int esize) {
        long w = 0;
        for (int b = 0; b < 64; b += esize) w |= e << b;
        return new long[] {w, w};
    }

    /** DUP (element), scalar: the MOV Vd, Vn.T[index] alias. */
    private void scalarCopy(int i) {
        int imm5 = (i >>> 16) & 31, imm4 = (i >>> 11) & 15;
        if ((i & (1 << 29)) != 0 || imm4 != 0) throw cpu.undefined();
        int size = Integer.numberOfTrailingZeros(imm5);
        if (size > 3) throw cpu.undefined();
        int esize = 8 << size;
        long e = Vec.get(Vec.read(v, A64Executor.rn(i)), imm5 >>> (size + 1), esize);
        Vec.writeScalar(v, A64Executor.rd(i), e, esize);
    }

    private void modifiedImmediate(int i) {
        boolean q = (i & (1 << 30)) != 0, op = (i & (1 << 29)) != 0;
        int cmode = (i >>> 12) & 15;
        if ((i & (1 << 11)) != 0) throw cpu.undefined(); // o2: FMOV (vector, half) needs FEAT_FP16
        int imm8 = (((i >>> 16) & 7) << 5) | ((i >>> 5) & 31);
        int rd = A64Executor.rd(i);
        if (cmode == 15 && op && !q) throw cpu.undefined();
        long imm = SimdImmediates.expand(op, cmode, imm8);
        boolean orrBic = (cmode & 1) != 0 && cmode < 12;
        long[] d = Vec.read(v, rd);
        long[] r = new long[2];
        for (int k = 0; k < 2; k++) {
            if (orrBic) r[k] = op ? d[k] & ~imm : d[k] | imm;      // BIC / ORR
            else if (op && cmode < 14) r[k] = ~imm;                 // MVNI
            else r[k] = imm;                                        // MOVI, FMOV
        }
        Vec.write(v, rd, r, q);
    }

    private void permute(int i) {
        boolean q = (i & (1 << 30)) != 0;
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 7;
        if (size == 3 && !q) throw cpu.undefined();
        int esize = 8 << size, elements = (q ? 128 : 64) / esize, half = elements / 2;
        long[] n = Vec.read(v, A64Executor.rn(i)), m = Vec.read(v, A64Executor.rm(i)), d = new long[2];
        int part = (opcode >>> 2) & 1;
        switch (opcode & 3) {
            case 1 -> { // UZP1/UZP2: even or odd elements of n:m
                for (int e = 0; e < elements; e++) {
                    int src = 2 * e + part;
                    Vec.set(d, e, esize, src < elements ? Vec.get(n, src, esize) : Vec.get(m, src - elements, esize));
                }
            }
            case 2 -> { // TRN1/TRN2
                for (int p = 0; p < half; p++) {
                    Vec.set(d, 2 * p, esize, Vec.get(n, 2 * p + part, esize));
                    Vec.set(d, 2 * p + 1, esize, Vec.get(m, 2 * p + part, esize));
                }
            }
            case 3 -> { // ZIP1/ZIP2
                int base = part * half;
                for (int p = 0; p < half; p++) {
                    Vec.set(d, 2 * p, esize, Vec.get(n, base + p, esize));
                    Vec.set(d, 2 * p + 1, esize, Vec.get(m, base + p, esize));
                }
            }
            default -> throw cpu.undefined();
        }
        Vec.write(v, A64Executor.rd(i), d, q);
    }

    private void extract(int i) {
        boolean q = (i & (1 << 30)) != 0;
        int imm4 = (i >>> 11) & 15;
        if (((i >>> 22) & 3) != 0 || (!q && imm4 >= 8)) throw cpu.undefined();
        int bytes = q ? 16 : 8;
        long[] n = Vec.read(v, A64Executor.rn(i)), m = Vec.read(v, A64Executor.rm(i)), d = new long[2];
        for (int b = 0; b < bytes; b++) {
            int src = b + imm4;
            long byteVal = src < bytes ? Vec.get(n, src, 8) : Vec.get(m, src - bytes, 8);
            Vec.set(d, b, 8, byteVal);
        }
        Vec.write(v, A64Executor.rd(i), d, q);
    }

    private void table(int i) {
        boolean q = (i & (1 << 30)) != 0, tbx = (i & (1 << 12)) != 0;
        if (((i >>> 22) & 3) != 0) throw cpu.undefined();
        int regs = ((i >>> 13) & 3) + 1, rn = A64Executor.rn(i), rd = A64Executor.rd(i);
        long[] idx = Vec.read(v, A64Executor.rm(i)), d = Vec.read(v, rd), r = new long[2];
        long[][] tbl = new long[regs][];
        for (int k = 0; k < regs; k++) tbl[k] = Vec.read(v, (rn + k) & 31);
        int bytes = q ? 16 : 8;
        for (int b = 0; b < bytes; b++) {
            int x = (int) Vec.get(idx, b, 8);
            long val;
            if (x < 16 * regs) val = Vec.get(tbl[x >>> 4], x & 15, 8);
            else val = tbx ? Vec.get(d, b, 8) : 0;
            Vec.set(r, b, 8, val);
        }
        Vec.write(v, rd, r, q);
    }
}
