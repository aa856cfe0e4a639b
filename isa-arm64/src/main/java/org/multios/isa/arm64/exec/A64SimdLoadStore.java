package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64Op;

/**
 * Advanced SIMD structure loads and stores (Arm ARM C4.1.88: "Advanced SIMD load/store
 * multiple structures" and "single structure", with their post-index forms): LD1-LD4 and
 * ST1-ST4 of whole registers with de-interleaving, of one lane, and LD1R-LD4R replicating.
 */
final class A64SimdLoadStore {
    private final A64Cpu cpu;
    private final A64Executor ex;

    A64SimdLoadStore(A64Cpu cpu, A64Executor ex) {
        this.cpu = cpu;
        this.ex = ex;
    }

    void execute(A64Op op, int i) {
        cpu.checkFpEnabled();
        if (op == A64Op.SIMD_LDST_MULT) multiple(i);
        else single(i);
    }

    private void multiple(int i) {
        boolean q = (i & (1 << 30)) != 0, load = (i & (1 << 22)) != 0, post = (i & (1 << 23)) != 0;
        int opcode = (i >>> 12) & 15, size = (i >>> 10) & 3;
        int rt = i & 31, rn = A64Executor.rn(i), rm = A64Executor.rm(i);
        int rpt, selem;
        switch (opcode) {
            case 0 -> { rpt = 1; selem = 4; }
            case 2 -> { rpt = 4; selem = 1; }
            case 4 -> { rpt = 1; selem = 3; }
            case 6 -> { rpt = 3; selem = 1; }
            case 7 -> { rpt = 1; selem = 1; }
            case 8 -> { rpt = 1; selem = 2; }
            case 10 -> { rpt = 2; selem = 1; }
            default -> throw cpu.undefined();
        }
        if (size == 3 && !q && selem != 1) throw cpu.undefined();
        int esize = 8 << size, ebytes = 1 << size;
        int elements = (q ? 128 : 64) / esize;
        long address = ex.xsp(rn);
        long[] v = cpu.vreg;
        long offs = 0;
        if (load) {
            // gather into copies first: a fault part-way leaves the registers unchanged
            long[][] regs = new long[rpt * selem][];
            for (int k = 0; k < regs.length; k++) regs[k] = new long[2];
            for (int r = 0; r < rpt; r++) {
                for (int e = 0; e < elements; e++) {
                    for (int s = 0; s < selem; s++) {
                        Vec.set(regs[r + s], e, esize, cpu.read(address + offs, ebytes));
                        offs += ebytes;
                    }
                }
            }
            for (int k = 0; k < regs.length; k++) Vec.write(v, (rt + k) & 31, regs[k], q);
        } else {
            for (int r = 0; r < rpt; r++) {
                for (int e = 0; e < elements; e++) {
                    for (int s = 0; s < selem; s++) {
                        int t = (rt + r + s) & 31;
                        cpu.write(address + offs, ebytes, Vec.get(new long[] {v[2 * t], v[2 * t + 1]}, e, esize));
                        offs += ebytes;
                    }
                }
            }
        }
        if (post) ex.setXsp(rn, address + (rm == 31 ? offs : ex.xr(rm)));
    }

    private void single(int i) {
        boolean q = (i & (1 << 30)) != 0, load = (i & (1 << 22)) != 0, post = (i & (1 << 23)) != 0;
        int opcode = (i >>> 13) & 7, size = (i >>> 10) & 3;
        boolean s = (i & (1 << 12)) != 0, r = (i & (1 << 21)) != 0;
        int rt = i & 31, rn = A64Executor.rn(i), rm = A64Executor.rm(i);
        int selem = (((opcode & 1) << 1) | (r ? 1 : 0)) + 1;
        int scale = opcode >>> 1, index;
        boolean replicate = false;
        switch (scale) {
            case 0 -> index = (q ? 8 : 0) | (s ? 4 : 0) | size;
            case 1 -> {
                if ((size & 1) != 0) throw cpu.undefined();
                index = (q ? 4 : 0) | (s ? 2 : 0) | (size >>> 1);
            }
            case 2 -> {
                if ((size & 2) != 0) throw cpu.undefined();
                if ((size & 1) == 0) index = (q ? 2 : 0) | (s ? 1 : 0);
                else {
                    if (s) throw cpu.undefined();
                    index = q ? 1 : 0;
                    scale = 3;
                }
            }
            default -> {
                if (!load || s) throw cpu.undefined();
                scale = size;
                index = 0;
                replicate = true;
            }
        }
        int esize = 8 << scale, ebytes = 1 << scale;
        long address = ex.xsp(rn);
        long[] v = cpu.vreg;
        long offs = 0;
        if (replicate) {
            long[] vals = new long[selem];
            for (int k = 0; k < selem; k++) {
                vals[k] = cpu.read(address + offs, ebytes);
                offs += ebytes;
            }
            int elements = (q ? 128 : 64) / esize;
            for (int k = 0; k < selem; k++) {
                long[] a = new long[2];
                for (int e = 0; e < elements; e++) Vec.set(a, e, esize, vals[k]);
                Vec.write(v, (rt + k) & 31, a, q);
            }
        } else if (load) {
            long[] vals = new long[selem];
            for (int k = 0; k < selem; k++) {
                vals[k] = cpu.read(address + offs, ebytes);
                offs += ebytes;
            }
            for (int k = 0; k < selem; k++) {
                int t = (rt + k) & 31;
                long[] a = Vec.read(v, t);
                Vec.set(a, index, esize, vals[k]);
                v[2 * t] = a[0];
                v[2 * t + 1] = a[1];
            }
        } else {
            for (int k = 0; k < selem; k++) {
                int t = (rt + k) & 31;
                cpu.write(address + offs, ebytes, Vec.get(Vec.read(v, t), index, esize));
                offs += ebytes;
            }
        }
        if (post) ex.setXsp(rn, address + (rm == 31 ? offs : ex.xr(rm)));
    }
}
