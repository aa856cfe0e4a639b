package org.multios.boards.riscv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reset ROM every hart starts in, with the same instruction sequence QEMU's virt machine
 * puts at 0x1000 (hw/riscv/boot.c), so firmware written for QEMU finds what it expects:
 * <pre>
 *   auipc t0, 0           t0 = 0x1000
 *   addi  a2, t0, 40      a2 = &amp;fw_dynamic_info
 *   csrr  a0, mhartid     a0 = hart id
 *   ld    a1, 32(t0)      a1 = device tree address
 *   ld    t0, 24(t0)      t0 = start address
 *   jr    t0
 *   .dword start, fdt
 *   fw_dynamic_info: magic "OSBI", version 2, next_addr, next_mode (S), options, boot_hart
 * </pre>
 * OpenSBI's fw_dynamic reads the info block through a2 to find the next stage; fw_jump and
 * bare kernels ignore it.
 */
public final class ResetRom {
    public static final long FW_DYNAMIC_MAGIC = 0x4942534fL; // "OSBI" little-endian
    public static final long FW_DYNAMIC_VERSION = 2;
    public static final long NEXT_MODE_S = 1;

    // Integer register numbers (RISC-V ABI names).
    static final int T0 = 5, A0 = 10, A1 = 11, A2 = 12, ZERO = 0;
    static final int CSR_MHARTID = 0xf14;

    private static final int OPCODE_AUIPC = 0x17, OPCODE_OP_IMM = 0x13, OPCODE_SYSTEM = 0x73, OPCODE_LOAD = 0x03,
            OPCODE_JALR = 0x67;
    private static final int F3_ADDI = 0, F3_CSRRS = 2, F3_LD = 3, F3_JALR = 0;

    /** Offsets inside the ROM image. */
    static final int START_SLOT = 24, FDT_SLOT = 32, FW_DYNAMIC_INFO = 40;

    private ResetRom() {}

    /**
     * The ROM image.
     *
     * @param start address the harts jump to (firmware, or the kernel with {@code --bios none})
     * @param fdt device tree address, passed in a1
     * @param nextAddr the kernel's entry for fw_dynamic (0 when there is none)
     */
    public static byte[] image(long start, long fdt, long nextAddr) {
        ByteBuffer b = ByteBuffer.allocate(FW_DYNAMIC_INFO + 6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(uType(OPCODE_AUIPC, T0, 0));
        b.putInt(iType(OPCODE_OP_IMM, F3_ADDI, A2, T0, FW_DYNAMIC_INFO));
        b.putInt(iType(OPCODE_SYSTEM, F3_CSRRS, A0, ZERO, CSR_MHARTID)); // csrr = csrrs rd, csr, x0
        b.putInt(iType(OPCODE_LOAD, F3_LD, A1, T0, FDT_SLOT));
        b.putInt(iType(OPCODE_LOAD, F3_LD, T0, T0, START_SLOT));
        b.putInt(iType(OPCODE_JALR, F3_JALR, ZERO, T0, 0)); // jr t0
        b.putLong(START_SLOT, start);
        b.putLong(FDT_SLOT, fdt);
        b.position(FW_DYNAMIC_INFO);
        b.putLong(FW_DYNAMIC_MAGIC);
        b.putLong(FW_DYNAMIC_VERSION);
        b.putLong(nextAddr);
        b.putLong(NEXT_MODE_S);
        b.putLong(0); // options
        b.putLong(0); // boot_hart: hart 0 boots, as with QEMU
        return b.array();
    }

    /** I-type encoding: imm[11:0] rs1 funct3 rd opcode. */
    static int iType(int opcode, int funct3, int rd, int rs1, int imm) {
        if (imm < -2048 || imm > 4095) throw new IllegalArgumentException("12-bit immediate out of range: " + imm);
        return (imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
    }

    /** U-type encoding: imm[31:12] rd opcode. */
    static int uType(int opcode, int rd, int imm20) {
        return (imm20 & 0xfffff) << 12 | rd << 7 | opcode;
    }
}
