package org.multios.devices.nvme;

/**
 * Controller registers (NVMe Base 1.4 §3.1), offsets into BAR 0. Doorbells follow at
 * {@link #DOORBELL_BASE}: SQ y tail at 0x1000 + 2y * stride, CQ y head at
 * 0x1000 + (2y + 1) * stride, with stride = 4 &lt;&lt; CAP.DSTRD (4 bytes here).
 */
public enum NvmeRegister {
    CAP(0x00, 8), VS(0x08, 4), INTMS(0x0c, 4), INTMC(0x10, 4), CC(0x14, 4), CSTS(0x1c, 4),
    NSSR(0x20, 4), AQA(0x24, 4), ASQ(0x28, 8), ACQ(0x30, 8), CMBLOC(0x38, 4), CMBSZ(0x3c, 4);

    public static final int DOORBELL_BASE = 0x1000;

    public final int offset;
    public final int size;

    NvmeRegister(int offset, int size) {
        this.offset = offset;
        this.size = size;
    }

    /** The register holding dword offset {@code off}, or null (reserved). */
    public static NvmeRegister at(int off) {
        for (NvmeRegister r : values()) if (off >= r.offset && off < r.offset + r.size) return r;
        return null;
    }

    // CC fields
    public static final int CC_EN = 1;
    public static int ccCss(int cc) { return (cc >>> 4) & 7; }
    public static int ccMps(int cc) { return (cc >>> 7) & 0xf; }
    public static int ccAms(int cc) { return (cc >>> 11) & 7; }
    public static int ccShn(int cc) { return (cc >>> 14) & 3; }
    public static int ccIosqes(int cc) { return (cc >>> 16) & 0xf; }
    public static int ccIocqes(int cc) { return (cc >>> 20) & 0xf; }

    // CSTS fields
    public static final int CSTS_RDY = 1, CSTS_CFS = 1 << 1;
    public static final int CSTS_SHST_SHIFT = 2;
    public static final int SHST_NORMAL = 0, SHST_OCCURRING = 1, SHST_COMPLETE = 2;
}
