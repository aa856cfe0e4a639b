package org.multios.devices.nvme;

/**
 * One 64-byte submission queue entry (NVMe Base 1.4 §4.2): CDW0 (opcode, fused, PSDT,
 * command identifier), namespace, metadata pointer, PRP entries 1 and 2, CDW10-15.
 */
public record NvmeCommand(int opcode, int fuse, int psdt, int cid, int nsid, long mptr, long prp1, long prp2,
                          int cdw10, int cdw11, int cdw12, int cdw13, int cdw14, int cdw15) {
    public static final int SIZE = 64;

    public static NvmeCommand decode(byte[] b) {
        int dw0 = le32(b, 0);
        return new NvmeCommand(dw0 & 0xff, (dw0 >>> 8) & 3, (dw0 >>> 14) & 3, dw0 >>> 16, le32(b, 4), le64(b, 16),
                le64(b, 24), le64(b, 32), le32(b, 40), le32(b, 44), le32(b, 48), le32(b, 52), le32(b, 56), le32(b, 60));
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static long le64(byte[] b, int o) { return (le32(b, o) & 0xffff_ffffL) | (long) le32(b, o + 4) << 32; }

    /** Starting LBA of NVM commands (CDW10-11). */
    public long slba() { return (cdw10 & 0xffff_ffffL) | (long) cdw11 << 32; }

    /** Number of logical blocks of NVM commands, CDW12 bits 15:0 plus one. */
    public int nlb() { return (cdw12 & 0xffff) + 1; }

    /** Force Unit Access, CDW12 bit 30. */
    public boolean fua() { return (cdw12 & (1 << 30)) != 0; }
}
