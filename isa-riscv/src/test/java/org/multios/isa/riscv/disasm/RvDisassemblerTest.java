package org.multios.isa.riscv.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multios.isa.riscv.decode.RvDecoder;

/** objdump 2.40's text for single instructions (expected strings recorded from objdump). */
class RvDisassemblerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            00c58533 | add\ta0,a1,a2
            80058513 | add\ta0,a1,-2048
            00000013 | nop
            00500513 | li\ta0,5
            00058513 | mv\ta0,a1
            fff5c513 | not\ta0,a1
            40b00533 | neg\ta0,a1
            40b0053b | negw\ta0,a1
            0005851b | sext.w\ta0,a1
            0015b513 | seqz\ta0,a1
            00b03533 | snez\ta0,a1
            0005a533 | sltz\ta0,a1
            00b02533 | sgtz\ta0,a1
            0ff5f513 | zext.b\ta0,a1
            03f59513 | sll\ta0,a1,0x3f
            41f5d51b | sraw\ta0,a1,0x1f
            00008067 | ret
            00058067 | jr\ta1
            000580e7 | jalr\ta1
            fff582e7 | jalr\tt0,-1(a1)
            fffff537 | lui\ta0,0xfffff
            12345297 | auipc\tt0,0x12345
            feb13c23 | sd\ta1,-8(sp)
            6ac59543 | fmadd.d\tfa0,fa1,fa2,fa3,rtz
            02c5f553 | fadd.d\tfa0,fa1,fa2
            c005b553 | fcvt.w.s\ta0,fa1,rup
            42058553 | fcvt.d.s\tfa0,fa1
            20b58553 | fmv.s\tfa0,fa1
            22b59553 | fneg.d\tfa0,fa1
            20b5a553 | fabs.s\tfa0,fa1
            30059573 | csrrw\ta0,mstatus,a1
            30059073 | csrw\tmstatus,a1
            30002573 | csrr\ta0,mstatus
            304fe573 | csrrs\ta0,mie,31
            3042e073 | csrs\tmie,5
            c0002573 | rdcycle\ta0
            c0102573 | rdtime\ta0
            c0202573 | rdinstret\ta0
            00102573 | frflags\ta0
            00259073 | fsrm\ta1
            00302573 | frcsr\ta0
            7c002573 | csrr\ta0,0x7c0
            0ff0000f | fence
            8330000f | fence.tso
            0310000f | fence\trw,w
            0f50000f | fence\tiorw,ow
            0100000f | fence\tw,unknown
            0000100f | fence.i
            06b6352f | amoadd.d.aqrl\ta0,a1,(a2)
            1405a52f | lr.w.aq\ta0,(a1)
            1ab6352f | sc.d.rl\ta0,a1,(a2)
            6235d513 | ror\ta0,a1,0x23
            0a85951b | slli.uw\ta0,a1,0x28
            2bf59513 | bset\ta0,a1,0x3f
            6b85d513 | rev8\ta0,a1
            0805853b | zext.w\ta0,a1
            12b50073 | sfence.vma\ta0,a1
            10500073 | wfi
            30200073 | mret
            02a0000b | .4byte\t0x2a0000b
            0205151b | .4byte\t0x205151b
            c0001073 | unimp
            00000000 | unimp
            1fe8     | add\ta0,sp,1020
            2505     | addw\ta0,a0,1
            2501     | sext.w\ta0,a0
            7101     | add\tsp,sp,-512
            6101     | add\tsp,sp,0
            8000     | .2byte\t0x8000
            8082     | ret
            9502     | jalr\ta0
            857e     | mv\ta0,t6
            9002     | ebreak
            0001     | nop
            107d     | c.nop\t-1
            0c82     | c.slli64\ts9
            8181     | c.srli64\ta1
            50fe     | lw\tra,252(sp)
            """)
    void formatsLikeObjdump(String hex, String text) {
        int bits = (int) Long.parseLong(hex.strip(), 16);
        assertEquals(text, RvDisassembler.format(RvDecoder.decode(bits), 0x1000));
    }

    @Test
    void targetsAreAbsoluteAndOptionallyNamed() {
        // beq a0,a1,-4096 at 0x80001000; j +2046 (c.j) at 0x80000000
        assertEquals("beq\ta0,a1,80000000", RvDisassembler.format(RvDecoder.decode(0x80b50063), 0x80001000L));
        assertEquals("j\t800007fe", RvDisassembler.format(RvDecoder.decode(0xaffd), 0x80000000L));
        SymbolLookup syms = a -> a == 0x80000000L ? "_start" : "main+0x" + Long.toHexString(a - 0x800007f0L);
        assertEquals("beq\ta0,a1,80000000 <_start>", RvDisassembler.format(RvDecoder.decode(0x80b50063), 0x80001000L, syms));
        assertEquals("j\t800007fe <main+0xe>", RvDisassembler.format(RvDecoder.decode(0xaffd), 0x80000000L, syms));
        assertEquals("jal\t80100ffe", RvDisassembler.format(RvDecoder.decode(0x7ffff0ef), 0x80001000L));
        assertEquals("beqz\ts1,ffffffffffffff00", RvDisassembler.format(RvDecoder.decode(0xd081), 0x0L));
    }

    /** Damaged section headers, symbol tables and attributes must not crash the listing. */
    @Test
    void corruptedElfFilesNeverThrow() throws Exception {
        byte[] good;
        try (var in = getClass().getResourceAsStream("/org/multios/isa/riscv/disasm/sample.elf")) {
            good = in.readAllBytes();
        }
        java.util.Random r = new java.util.Random(7);
        long shoff = java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
        int listed = 0;
        for (int round = 0; round < 300; round++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + r.nextInt(20); k++) {
                // aim at the section headers half of the time, anywhere otherwise
                int at = r.nextBoolean() ? (int) shoff + r.nextInt(bad.length - (int) shoff) : r.nextInt(bad.length);
                bad[at] = (byte) r.nextInt();
            }
            org.multios.core.elf.ElfFile elf;
            try {
                elf = org.multios.core.elf.ElfFile.parse(bad);
            } catch (org.multios.core.elf.ElfFormatException e) {
                continue; // rejected with a message: fine
            }
            RvDisassembler.disassembleElf(elf, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            listed++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(listed > 100, "only " + listed + " damaged files got through parsing");
    }

    @Test
    void attributesParseArchAndPrivSpec() {
        var ext = RiscvAttributes.extensions("rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0_zifencei2p0_zba1p0");
        assertEquals(java.util.Set.of("i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba"), ext);
        assertEquals(java.util.Set.of("i", "m", "a", "f", "d", "c", "zicsr", "zifencei"), RiscvAttributes.extensions("rv64gc"));
    }
}
