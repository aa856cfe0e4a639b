// fp_run(in, out): loads X0-X30, V0-V31, FPCR and NZCV from *in, clears FPSR, executes the
// word patched into fp_slot, and stores X0-X30, V0-V31, FPSR and NZCV to *out.
// State layout: X[31] at 0, pad at 248, V[32] (16 bytes each) at 256, FPCR/FPSR and NZCV at 768.
    .text
    .global fp_run
    .global fp_slot
fp_run:
    stp     x29, x30, [sp, #-16]!
    stp     x27, x28, [sp, #-16]!
    stp     x25, x26, [sp, #-16]!
    stp     x23, x24, [sp, #-16]!
    stp     x21, x22, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    stp     x0, x1, [sp, #-16]!
    add     x2, x0, #256
    ldp     q0, q1, [x2], #32
    ldp     q2, q3, [x2], #32
    ldp     q4, q5, [x2], #32
    ldp     q6, q7, [x2], #32
    ldp     q8, q9, [x2], #32
    ldp     q10, q11, [x2], #32
    ldp     q12, q13, [x2], #32
    ldp     q14, q15, [x2], #32
    ldp     q16, q17, [x2], #32
    ldp     q18, q19, [x2], #32
    ldp     q20, q21, [x2], #32
    ldp     q22, q23, [x2], #32
    ldp     q24, q25, [x2], #32
    ldp     q26, q27, [x2], #32
    ldp     q28, q29, [x2], #32
    ldp     q30, q31, [x2], #32
    ldp     x3, x4, [x2]
    msr     fpcr, x3
    msr     fpsr, xzr
    msr     nzcv, x4
    mov     x30, x0
    ldp     x0, x1, [x30, #0]
    ldp     x2, x3, [x30, #16]
    ldp     x4, x5, [x30, #32]
    ldp     x6, x7, [x30, #48]
    ldp     x8, x9, [x30, #64]
    ldp     x10, x11, [x30, #80]
    ldp     x12, x13, [x30, #96]
    ldp     x14, x15, [x30, #112]
    ldp     x16, x17, [x30, #128]
    ldp     x18, x19, [x30, #144]
    ldp     x20, x21, [x30, #160]
    ldp     x22, x23, [x30, #176]
    ldp     x24, x25, [x30, #192]
    ldp     x26, x27, [x30, #208]
    ldp     x28, x29, [x30, #224]
    ldr     x30, [x30, #240]
fp_slot:
    nop
    stp     x0, x1, [sp, #-16]!
    ldr     x0, [sp, #24]
    stp     x2, x3, [x0, #16]
    stp     x4, x5, [x0, #32]
    stp     x6, x7, [x0, #48]
    stp     x8, x9, [x0, #64]
    stp     x10, x11, [x0, #80]
    stp     x12, x13, [x0, #96]
    stp     x14, x15, [x0, #112]
    stp     x16, x17, [x0, #128]
    stp     x18, x19, [x0, #144]
    stp     x20, x21, [x0, #160]
    stp     x22, x23, [x0, #176]
    stp     x24, x25, [x0, #192]
    stp     x26, x27, [x0, #208]
    stp     x28, x29, [x0, #224]
    str     x30, [x0, #240]
    ldp     x2, x3, [sp], #16
    stp     x2, x3, [x0, #0]
    mrs     x3, fpsr
    mrs     x4, nzcv
    add     x2, x0, #256
    stp     q0, q1, [x2], #32
    stp     q2, q3, [x2], #32
    stp     q4, q5, [x2], #32
    stp     q6, q7, [x2], #32
    stp     q8, q9, [x2], #32
    stp     q10, q11, [x2], #32
    stp     q12, q13, [x2], #32
    stp     q14, q15, [x2], #32
    stp     q16, q17, [x2], #32
    stp     q18, q19, [x2], #32
    stp     q20, q21, [x2], #32
    stp     q22, q23, [x2], #32
    stp     q24, q25, [x2], #32
    stp     q26, q27, [x2], #32
    stp     q28, q29, [x2], #32
    stp     q30, q31, [x2], #32
    stp     x3, x4, [x2]
    msr     fpcr, xzr
    ldp     x0, x1, [sp], #16
    ldp     x19, x20, [sp], #16
    ldp     x21, x22, [sp], #16
    ldp     x23, x24, [sp], #16
    ldp     x25, x26, [sp], #16
    ldp     x27, x28, [sp], #16
    ldp     x29, x30, [sp], #16
    ret
