package org.multios.isa.riscv.csr;

/** Bit fields of {@code mstatus} (privileged spec, "Machine Status Register"), RV64 layout. */
public final class Mstatus {
    private Mstatus() {}

    public static final long SIE = 1L << 1, MIE = 1L << 3, SPIE = 1L << 5, UBE = 1L << 6, MPIE = 1L << 7;
    public static final long SPP = 1L << 8;
    public static final int MPP_SHIFT = 11;
    public static final long MPP = 3L << MPP_SHIFT;
    public static final int FS_SHIFT = 13;
    public static final long FS = 3L << FS_SHIFT;
    public static final long FS_DIRTY = 3L << FS_SHIFT;
    public static final long XS = 3L << 15;
    public static final long MPRV = 1L << 17, SUM = 1L << 18, MXR = 1L << 19;
    public static final long TVM = 1L << 20, TW = 1L << 21, TSR = 1L << 22;
    /** UXL and SXL: read-only 2 (XLEN 64 in U and S). */
    public static final long UXL_SXL_64 = (2L << 32) | (2L << 34);
    public static final long UXL = 3L << 32;
    public static final long SD = 1L << 63;

    /** Bits an M-mode write may change (MPP is further legalised). */
    public static final long WRITABLE = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    /** The view {@code sstatus} gives of {@code mstatus}. */
    public static final long SSTATUS_MASK = SIE | SPIE | UBE | SPP | FS | XS | SUM | MXR | UXL | SD;
    /** Bits an S-mode write to {@code sstatus} may change. */
    public static final long SSTATUS_WRITABLE = SIE | SPIE | SPP | FS | SUM | MXR;
    /** Changes to these bits change how loads and stores translate: TLBs must be flushed. */
    public static final long TRANSLATION_BITS = SUM | MXR;

    public static int mpp(long mstatus) { return (int) ((mstatus >>> MPP_SHIFT) & 3); }
}
