package org.multios.isa.x86.decode;

import java.util.List;

/** One row of the opcode maps: what an opcode (with its ModRM group selector) means. */
public record OpcodeEntry(String mnemonic, List<OperandSpec> operands, int attributes) {
    public static final int D64 = 1, F64 = 2, I64 = 4, O64 = 8, LOCK = 16,
            /** executed by the SSE unit (CR0/CR4 checks, MXCSR) */ SSE = 32,
            /** an x87 escape (D8-DF) executed by the x87 unit */ X87 = 64;

    public boolean has(int attribute) { return (attributes & attribute) != 0; }

    boolean needsModrm() {
        for (OperandSpec o : operands) if (o.needsModrm()) return true;
        return mnemonic.equals("x87");
    }
}
