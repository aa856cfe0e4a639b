package org.multios.isa.riscv.decode;

/**
 * Decodes RISC-V instructions with the standard encoding table. RVC encodings come back
 * as their base operations (length 2); anything the table does not define, or marks
 * reserved, comes back as {@link RvOp#ILLEGAL} with {@code raw} and {@code length} set.
 */
public final class RvDecoder {
    private static final DecodeTable TABLE = DecodeTable.standard();
    /** Every 16-bit encoding decoded once: RvInsn is immutable, so RVC decodes allocate nothing. */
    private static final RvInsn[] COMPRESSED = new RvInsn[1 << 16];

    static {
        for (int h = 0; h < COMPRESSED.length; h++) {
            if ((h & 3) != 3) COMPRESSED[h] = slowDecode(h);
        }
    }

    private RvDecoder() {}

    /** The table the decoder uses (the disassembler reads its rules from it). */
    public static DecodeTable table() { return TABLE; }

    /**
     * Decodes the instruction whose first bytes, little-endian, are {@code bits}. When the
     * low two bits are not {@code 11} only the low halfword is used.
     */
    public static RvInsn decode(int bits) {
        if ((bits & 3) != 3) return COMPRESSED[bits & 0xffff];
        return slowDecode(bits);
    }

    private static RvInsn slowDecode(int bits) {
        EncodingPattern p = TABLE.find(bits);
        if (p != null) return p.decode(bits);
        int len = length(bits);
        return new RvInsn(RvOp.ILLEGAL, 0, 0, 0, 0, 0, 0, len == 2 ? bits & 0xffff : bits, len);
    }

    /** Length in bytes (2 or 4) of the instruction starting with halfword {@code lowHalfword}. */
    public static int length(int lowHalfword) {
        return (lowHalfword & 3) == 3 ? 4 : 2;
    }
}
