package org.multios.isa.arm64.disasm;

import org.multios.isa.arm64.decode.A64Op;

/** The FP and Advanced SIMD classes of {@link A64Disassembler}, in objdump 2.40's syntax. */
final class A64FpSimdDisassembler {
    private final A64Disassembler base;

    A64FpSimdDisassembler(A64Disassembler base) { this.base = base; }

    String disassemble(A64Op op, int i, long pc) {
        return null;
    }
}
