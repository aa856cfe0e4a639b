package org.multios.isa.riscv.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Field extraction for every instruction format, RVC expansions and reserved encodings. */
class RvDecoderTest {

    private static RvInsn d(int bits) { return RvDecoder.decode(bits); }

    private static void check(RvInsn i, RvOp op, int rd, int rs1, int rs2, long imm, int length) {
        assertEquals(op, i.op, () -> "op of " + i);
        assertEquals(rd, i.rd, () -> "rd of " + i);
        assertEquals(rs1, i.rs1, () -> "rs1 of " + i);
        assertEquals(rs2, i.rs2, () -> "rs2 of " + i);
        assertEquals(imm, i.imm, () -> "imm of " + i);
        assertEquals(length, i.length, () -> "length of " + i);
    }

    @Test
    void baseFormats() {
        check(d(0x00c58533), RvOp.ADD, 10, 11, 12, 0, 4);                   // R
        check(d(0x80058513), RvOp.ADDI, 10, 11, 0, -2048, 4);               // I, sign
        check(d(0xfeb13c23), RvOp.SD, 0, 2, 11, -8, 4);                     // S
        check(d(0x80b50063), RvOp.BEQ, 0, 10, 11, -4096, 4);                // B
        check(d(0xfffff537), RvOp.LUI, 10, 0, 0, -4096, 4);                 // U, sign-extended
        check(d(0x12345297), RvOp.AUIPC, 5, 0, 0, 0x12345000L, 4);
        check(d(0x7ffff0ef), RvOp.JAL, 1, 0, 0, 0xffffe, 4);                // J
        check(d(0xfff582e7), RvOp.JALR, 5, 11, 0, -1, 4);
        check(d(0x03f59513), RvOp.SLLI, 10, 11, 0, 63, 4);                  // shamt in imm
        check(d(0x41f5d51b), RvOp.SRAIW, 10, 11, 0, 31, 4);
        check(d(0x6235d513), RvOp.RORI, 10, 11, 0, 35, 4);
        check(d(0x0a85951b), RvOp.SLLI_UW, 10, 11, 0, 40, 4);
        check(d(0x2bf59513), RvOp.BSETI, 10, 11, 0, 63, 4);
        check(d(0x6b85d513), RvOp.REV8, 10, 11, 0, 0, 4);
        check(d(0x12b50073), RvOp.SFENCE_VMA, 0, 10, 11, 0, 4);
    }

    @Test
    void floatingPointCarriesRoundingModeAndRs3() {
        RvInsn fma = d(0x6ac59543);                                          // fmadd.d fa0,fa1,fa2,fa3,rtz
        check(fma, RvOp.FMADD_D, 10, 11, 12, 0, 4);
        assertEquals(13, fma.rs3);
        assertEquals(1, fma.rm);
        RvInsn cvt = d(0xc005b553);                                          // fcvt.w.s a0,fa1,rup
        check(cvt, RvOp.FCVT_W_S, 10, 11, 0, 0, 4);
        assertEquals(3, cvt.rm);
    }

    @Test
    void csrNumberInImmAndZimmInRs1() {
        check(d(0x30059573), RvOp.CSRRW, 10, 11, 0, 0x300, 4);
        check(d(0x304fe573), RvOp.CSRRSI, 10, 31, 0, 0x304, 4);
        check(d(0xfff02573), RvOp.CSRRS, 10, 0, 0, 0xfff, 4);                // CSR number is unsigned
    }

    @Test
    void fenceBitsAndAtomicsOrdering() {
        check(d(0x0310000f), RvOp.FENCE, 0, 0, 0, 0x031, 4);                 // fence rw,w
        check(d(0x8330000f), RvOp.FENCE, 0, 0, 0, 0x833, 4);                 // fence.tso: fm in imm[11:8]
        check(d(0x0000100f), RvOp.FENCE_I, 0, 0, 0, 0, 4);
        RvInsn amo = d(0x06b6352f);                                          // amoadd.d.aqrl a0,a1,(a2)
        check(amo, RvOp.AMOADD_D, 10, 12, 11, 0, 4);
        assertTrue(amo.aq() && amo.rl());
        RvInsn lr = d(0x1405a52f);
        check(lr, RvOp.LR_W, 10, 11, 0, 0, 4);
        assertTrue(lr.aq() && !lr.rl());
        check(d(0x1ab6352f), RvOp.SC_D, 10, 12, 11, 0, 4);
    }

    @Test
    void nativeCallIsCustom0WithUnsignedCallNumber() {
        check(d(0x02a0000b), RvOp.NATIVE_CALL, 0, 0, 0, 42, 4);
        check(d(0xfff0000b), RvOp.NATIVE_CALL, 0, 0, 0, 4095, 4);
        assertEquals(RvOp.ILLEGAL, d(0x02a0100b).op, "custom-0 with funct3 != 0 is not the native call");
    }

    @Test
    void compressedFormsExpandToBaseOperations() {
        check(d(0x1fe8), RvOp.ADDI, 10, 2, 0, 1020, 2);                     // c.addi4spn
        check(d(0x5ffc), RvOp.LW, 15, 15, 0, 124, 2);                       // c.lw
        check(d(0x7ce0), RvOp.LD, 8, 9, 0, 248, 2);                         // c.ld
        check(d(0xbfe0), RvOp.FSD, 0, 15, 8, 248, 2);                       // c.fsd
        check(d(0x1501), RvOp.ADDI, 10, 10, 0, -32, 2);                     // c.addi
        check(d(0x257d), RvOp.ADDIW, 10, 10, 0, 31, 2);                     // c.addiw
        check(d(0x57fd), RvOp.ADDI, 15, 0, 0, -1, 2);                       // c.li
        check(d(0x7101), RvOp.ADDI, 2, 2, 0, -512, 2);                      // c.addi16sp
        check(d(0x7281), RvOp.LUI, 5, 0, 0, -0x20000, 2);                   // c.lui 0xfffe0
        check(d(0x97fd), RvOp.SRAI, 15, 15, 0, 63, 2);
        check(d(0x9801), RvOp.ANDI, 8, 8, 0, -32, 2);
        check(d(0x9d1d), RvOp.SUBW, 10, 10, 15, 0, 2);
        check(d(0xaffd), RvOp.JAL, 0, 0, 0, 2046, 2);                       // c.j
        check(d(0xd081), RvOp.BEQ, 0, 9, 0, -256, 2);                       // c.beqz
        check(d(0x157e), RvOp.SLLI, 10, 10, 0, 63, 2);
        check(d(0x357e), RvOp.FLD, 10, 2, 0, 504, 2);                       // c.fldsp
        check(d(0x50fe), RvOp.LW, 1, 2, 0, 252, 2);                         // c.lwsp
        check(d(0x737e), RvOp.LD, 6, 2, 0, 504, 2);                         // c.ldsp
        check(d(0x8082), RvOp.JALR, 0, 1, 0, 0, 2);                         // c.jr ra
        check(d(0x857e), RvOp.ADD, 10, 0, 31, 0, 2);                        // c.mv
        check(d(0x9002), RvOp.EBREAK, 0, 0, 0, 0, 2);
        check(d(0x9502), RvOp.JALR, 1, 10, 0, 0, 2);                        // c.jalr
        check(d(0x9416), RvOp.ADD, 8, 8, 5, 0, 2);                          // c.add
        check(d(0xbfee), RvOp.FSD, 0, 2, 27, 504, 2);                       // c.fsdsp
        check(d(0xdffe), RvOp.SW, 0, 2, 31, 252, 2);                        // c.swsp
        check(d(0xfffe), RvOp.SD, 0, 2, 31, 504, 2);                        // c.sdsp
    }

    @Test
    void upperHalfIsIgnoredForCompressed() {
        check(d(0xdead1fe8), RvOp.ADDI, 10, 2, 0, 1020, 2);
        assertEquals(0x1fe8, d(0xdead1fe8).raw);
    }

    /** Reserved RVC encodings (RISC-V unprivileged spec, chapter "C" and its opcode map). */
    @ParameterizedTest
    @ValueSource(ints = {
        0x0000,            // all-zero halfword: defined illegal instruction
        0x0010,            // c.addi4spn with nzuimm = 0
        0x8000, 0x9ffc,    // quadrant 0 funct3 100: reserved
        0x2001, 0x307d,    // c.addiw with rd = 0
        0x6101,            // c.addi16sp with nzimm = 0
        0x6081, 0x6781,    // c.lui with nzimm = 0 (rd != 0, 2)
        0x9c41, 0x9c61,    // quadrant 1 100 1 11 .. 10/11: reserved
        0x4002, 0x5002,    // c.lwsp with rd = 0
        0x6002, 0x7002,    // c.ldsp with rd = 0
        0x8002,            // c.jr with rs1 = 0
    })
    void reservedCompressedEncodingsAreIllegal(int bits) {
        RvInsn i = d(bits);
        assertEquals(RvOp.ILLEGAL, i.op, () -> String.format("%04x decoded as %s", bits, i));
        assertEquals(2, i.length);
        assertEquals(bits, i.raw);
    }

    @Test
    void compressedHintsDecodeToTheirNoOpExpansion() {
        check(d(0x0001), RvOp.ADDI, 0, 0, 0, 0, 2);                         // c.nop
        check(d(0x107d), RvOp.ADDI, 0, 0, 0, -1, 2);                        // c.nop with imm: HINT
        check(d(0x5051), RvOp.ADDI, 0, 0, 0, -12, 2);                       // c.li rd=0: HINT
        check(d(0x6071), RvOp.LUI, 0, 0, 0, 0x1c000, 2);                    // c.lui rd=0: HINT
        check(d(0x0c82), RvOp.SLLI, 25, 25, 0, 0, 2);                       // c.slli64: HINT
        check(d(0x806a), RvOp.ADD, 0, 0, 26, 0, 2);                         // c.mv rd=0: HINT
    }

    /** Reserved 32-bit encodings: RV64 shift immediates, word shifts with shamt[5], unknown functs. */
    @ParameterizedTest
    @ValueSource(ints = {
        0x0205151b,        // slliw with shamt[5] = 1
        0x0205551b,        // srliw with shamt[5] = 1
        0x4205551b,        // sraiw with shamt[5] = 1
        0x80059513,        // slli with imm[11:6] != 0
        0x4405d513,        // shift-right immediate with funct6 010001: none
        0x0000200f,        // MISC-MEM funct3 010
        0x42a5f553,        // fcvt.d.s with rs2 != 0
        0x00b5052b,        // custom-1
        0xffffffff,        // 32-bit all ones
        0x0000007f,
        0x10200073 | (1 << 20), // sret with rs2 = 3
        0x1015a52f | (1 << 20), // lr.w with rs2 != 0
        0x02a0500b,        // custom-0 funct3 101
    })
    void reservedEncodingsAreIllegal(int bits) {
        RvInsn i = d(bits);
        assertEquals(RvOp.ILLEGAL, i.op, () -> String.format("%08x decoded as %s", bits, i));
        assertEquals(4, i.length);
        assertEquals(bits, i.raw);
    }

    @Test
    void lengthFromLowHalfword() {
        assertEquals(2, RvDecoder.length(0x0001));
        assertEquals(2, RvDecoder.length(0xfffe));
        assertEquals(4, RvDecoder.length(0x0003));
        assertEquals(4, RvDecoder.length(0x0013));
    }

    @Test
    void fenceIgnoresReservedFieldsAsTheSpecRequires() {
        // FENCE with nonzero rs1/rd or an unknown fm still executes as a fence (spec: base implementations ignore them)
        assertEquals(RvOp.FENCE, d(0x7701040f).op);
        assertEquals(RvOp.FENCE_I, d(0xe3fd150f).op);
    }
}
