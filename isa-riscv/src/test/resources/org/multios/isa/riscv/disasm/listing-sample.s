# Hand-written code for the listing comparison: data mixed into .text (mapping symbols),
# zero runs, several labels at one address, address hints after lui/auipc and gp, and a
# second executable section, an object symbol in code (dumped as bytes), and an ISA
# change inside a section. Assembled and linked at test time.
        .attribute arch, "rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0_zifencei2p0"
        .text
        .globl _start
        .type _start, @function
_start:
        .option push
        .option norelax
        lla     gp, __global_pointer$
        .option pop
        lui     a0, %hi(value)
        addi    a0, a0, %lo(value)
        lui     a1, %hi(value)
        ld      a1, %lo(value)(a1)
        auipc   a2, %pcrel_hi(value)
        sd      a2, %pcrel_lo(_start + 24)(a2)
        ld      a3, 16(gp)
        addi    a4, gp, -32
        ld      a5, 8(tp)
        addiw   a6, a5, 12
        call    helper
        tail    helper
        .size _start, .-_start

        .globl helper
        .type helper, @function
        .globl helper_alias
        .type helper_alias, @function
helper:
helper_alias:
        c.addi  a0, 3
        lui     t0, 0x80000
        jalr    t0
        jr      16(t0)
        ret
table_in_text:
        .word   0x00100073, 0xdeadbeef
        .half   0x9002
        .byte   1, 2, 3
        .balign 8, 0
        .type object_in_text, @object
object_in_text:
        .ascii  "MultiOS listing\0"
        .word   0x12345678
        .size object_in_text, .-object_in_text
after_table:
        nop
        .zero   24
        nop
        .zero   2
        .size helper, .-helper

        # the ISA changes mid-section: "$xrv..._zba1p0" mapping symbols around the region
        .globl isa_switch
        .type isa_switch, @function
isa_switch:
        .insn r 0x33, 2, 0x10, a0, a1, a2
        .option push
        .option arch, +zba
        sh1add  a0, a1, a2
        .option pop
        .insn r 0x33, 2, 0x10, a0, a1, a2
        ret
        .size isa_switch, .-isa_switch

        .section .text.init, "ax", @progbits
        .globl init_entry
init_entry:
        j       _start
        .zero   6

        .data
        .balign 8
value:  .dword  42
        .section .sdata, "aw"
small:  .dword  7
