package org.multios.isa.riscv;

import java.util.ArrayList;
import java.util.List;

/** A tiny RV64 assembler for tests: encodes the base formats into 32-bit words. */
final class Asm {
    final List<Integer> words = new ArrayList<>();

    static int r(int funct7, int rs2, int rs1, int funct3, int rd, int opcode) {
        return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
    }

    static int i(int imm, int rs1, int funct3, int rd, int opcode) {
        return ((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
    }

    static int s(int imm, int rs2, int rs1, int funct3, int opcode) {
        return (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1f) << 7) | opcode;
    }

    static int b(int imm, int rs2, int rs1, int funct3) {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12)
                | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
    }

    static int u(int imm20, int rd, int opcode) { return (imm20 << 12) | (rd << 7) | opcode; }

    static int j(int imm, int rd) {
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20)
                | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
    }

    Asm emit(int w) { words.add(w); return this; }

    Asm addi(int rd, int rs1, int imm) { return emit(i(imm, rs1, 0, rd, 0x13)); }
    Asm slli(int rd, int rs1, int sh) { return emit(i(sh, rs1, 1, rd, 0x13)); }
    Asm lui(int rd, int imm20) { return emit(u(imm20, rd, 0x37)); }
    Asm auipc(int rd, int imm20) { return emit(u(imm20, rd, 0x17)); }
    Asm add(int rd, int rs1, int rs2) { return emit(r(0, rs2, rs1, 0, rd, 0x33)); }
    Asm sub(int rd, int rs1, int rs2) { return emit(r(0x20, rs2, rs1, 0, rd, 0x33)); }
    Asm mul(int rd, int rs1, int rs2) { return emit(r(1, rs2, rs1, 0, rd, 0x33)); }
    Asm div(int rd, int rs1, int rs2) { return emit(r(1, rs2, rs1, 4, rd, 0x33)); }
    Asm remu(int rd, int rs1, int rs2) { return emit(r(1, rs2, rs1, 7, rd, 0x33)); }
    Asm addw(int rd, int rs1, int rs2) { return emit(r(0, rs2, rs1, 0, rd, 0x3b)); }
    Asm ld(int rd, int rs1, int imm) { return emit(i(imm, rs1, 3, rd, 0x03)); }
    Asm lw(int rd, int rs1, int imm) { return emit(i(imm, rs1, 2, rd, 0x03)); }
    Asm sd(int rs2, int rs1, int imm) { return emit(s(imm, rs2, rs1, 3, 0x23)); }
    Asm sw(int rs2, int rs1, int imm) { return emit(s(imm, rs2, rs1, 2, 0x23)); }
    Asm bne(int rs1, int rs2, int off) { return emit(b(off, rs2, rs1, 1)); }
    Asm beq(int rs1, int rs2, int off) { return emit(b(off, rs2, rs1, 0)); }
    Asm jal(int rd, int off) { return emit(j(off, rd)); }
    Asm jalr(int rd, int rs1, int imm) { return emit(i(imm, rs1, 0, rd, 0x67)); }
    Asm csrrw(int rd, int csr, int rs1) { return emit(i(csr, rs1, 1, rd, 0x73)); }
    Asm csrrs(int rd, int csr, int rs1) { return emit(i(csr, rs1, 2, rd, 0x73)); }
    Asm csrrc(int rd, int csr, int rs1) { return emit(i(csr, rs1, 3, rd, 0x73)); }
    Asm csrr(int rd, int csr) { return csrrs(rd, csr, 0); }
    Asm csrw(int csr, int rs1) { return csrrw(0, csr, rs1); }
    Asm ecall() { return emit(0x00000073); }
    Asm ebreak() { return emit(0x00100073); }
    Asm mret() { return emit(0x30200073); }
    Asm sret() { return emit(0x10200073); }
    Asm wfi() { return emit(0x10500073); }
    Asm lrD(int rd, int rs1) { return emit(r(0b0001000, 0, rs1, 3, rd, 0x2f)); }
    Asm scD(int rd, int rs1, int rs2) { return emit(r(0b0001100, rs2, rs1, 3, rd, 0x2f)); }
    Asm amoaddD(int rd, int rs1, int rs2) { return emit(r(0, rs2, rs1, 3, rd, 0x2f)); }
    /** Loads a 64-bit constant with lui/addi/slli steps (no memory). */
    Asm li(int rd, long v) {
        if (v == (int) v && ((int) v >> 11 == 0 || (int) v >> 11 == -1)) return addi(rd, 0, (int) v);
        if (v == (int) v) {
            int lo = (int) (v << 52 >> 52);
            int hi = (int) ((v - lo) >>> 12) & 0xfffff;
            lui(rd, hi);
            if (lo != 0) emit(i(lo, rd, 0, rd, 0x1b)); // addiw
            return this;
        }
        long lo12 = v << 52 >> 52;
        li(rd, (v - lo12) >> 12);
        slli(rd, rd, 12);
        if (lo12 != 0) addi(rd, rd, (int) lo12);
        return this;
    }
    Asm nop() { return addi(0, 0, 0); }
    int size() { return words.size() * 4; }

    int[] toArray() { return words.stream().mapToInt(Integer::intValue).toArray(); }
}
