package org.multios.devices.nvme;

import static org.multios.devices.nvme.NvmeLog.putLe;

import java.nio.charset.StandardCharsets;

/** Identify data structures (NVMe Base 1.4 §5.15.2), 4096 bytes each. */
final class NvmeIdentify {
    private NvmeIdentify() {}

    static final int SIZE = 4096;
    static final int CNS_NAMESPACE = 0x00, CNS_CONTROLLER = 0x01, CNS_ACTIVE_NAMESPACES = 0x02, CNS_NS_DESCRIPTORS = 0x03;

    static byte[] controller(NvmeController c) {
        byte[] d = new byte[SIZE];
        putLe(d, 0, 2, NvmePciFunction.VENDOR_REDHAT);      // VID
        putLe(d, 2, 2, NvmePciFunction.SUBSYSTEM_VENDOR);   // SSVID
        ascii(d, 4, 20, c.serial);                          // SN
        ascii(d, 24, 40, "MultiOS NVMe Ctrl");             // MN
        ascii(d, 64, 8, "1.0");                             // FR
        d[72] = 6;                                          // RAB: 64 commands
        d[77] = NvmeController.MDTS;                        // MDTS
        putLe(d, 78, 2, 0);                                 // CNTLID
        putLe(d, 80, 4, 0x0001_0400);                       // VER 1.4
        d[111] = 1;                                         // CNTRLTYPE: I/O controller
        putLe(d, 256, 2, 0);                                // OACS: no optional admin commands
        d[258] = 3;                                         // ACL: 4 concurrent Aborts
        d[259] = NvmeAdminCommands.AERL;                    // AERL
        d[260] = 0x03;                                      // FRMW: 1 slot, slot 1 read-only
        d[261] = 0x04;                                      // LPA: extended Get Log Page data
        d[262] = NvmeLog.ERROR_ENTRIES - 1;                 // ELPE
        d[263] = 0;                                         // NPSS: 1 power state
        d[264] = 1;                                         // AVSCC
        putLe(d, 266, 2, NvmeFeatures.DEFAULT_OVER_TEMP);   // WCTEMP
        putLe(d, 268, 2, 0x175);                            // CCTEMP
        d[512] = 0x66;                                      // SQES: 64 bytes
        d[513] = 0x44;                                      // CQES: 16 bytes
        putLe(d, 516, 4, c.namespaces().size());            // NN
        putLe(d, 520, 2, 0x0c);                             // ONCS: Dataset Management, Write Zeroes
        d[525] = 0x07;                                      // VWC present, Flush with NSID FFFFFFFFh
        ascii(d, 768, 256, "nqn.2026-11.org.multios:nvme:" + c.serial.trim());
        d[767] = 0;
        putLe(d, 2048, 2, 2500);                            // PSD0 max power 25 W (centiwatts)
        return d;
    }

    static byte[] namespace(NvmeNamespace ns) {
        byte[] d = new byte[SIZE];
        putLe(d, 0, 8, ns.blocks());                        // NSZE
        putLe(d, 8, 8, ns.blocks());                        // NCAP
        putLe(d, 16, 8, ns.blocks());                       // NUSE
        d[25] = 0;                                          // NLBAF: one format
        d[26] = 0;                                          // FLBAS: format 0, no metadata
        d[33] = (byte) (ns.deallocates() ? 0x09 : 0x00);    // DLFEAT: deallocated blocks read 0, WZ DEAC supported
        d[99] = (byte) (ns.isReadOnly() ? 1 : 0);           // NSATTR: write protected
        byte[] id = nguid(ns);
        System.arraycopy(id, 0, d, 104, 16);                // NGUID
        putLe(d, 128, 4, NvmeNamespace.LBA_SHIFT << 16);    // LBAF0: LBADS 9, no metadata
        return d;
    }

    static byte[] activeNamespaces(NvmeController c, int after) {
        byte[] d = new byte[SIZE];
        int o = 0;
        for (NvmeNamespace ns : c.namespaces()) {
            if (Integer.compareUnsigned(ns.nsid(), after) > 0 && o < SIZE) {
                putLe(d, o, 4, ns.nsid());
                o += 4;
            }
        }
        return d;
    }

    static byte[] descriptors(NvmeNamespace ns) {
        byte[] d = new byte[SIZE];
        d[0] = 2;                                           // NIDT: NGUID
        d[1] = 16;                                          // NIDL
        System.arraycopy(nguid(ns), 0, d, 4, 16);
        return d;
    }

    /** A stable namespace GUID derived from the namespace ID (never all zero). */
    private static byte[] nguid(NvmeNamespace ns) {
        byte[] g = new byte[16];
        byte[] tag = "MultiOS-NVMe-ns".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, g, 0, 12);
        putLe(g, 12, 4, ns.nsid());
        return g;
    }

    /** Space-padded ASCII field, as identify strings are. */
    private static void ascii(byte[] d, int o, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) d[o + i] = i < b.length ? b[i] : (byte) ' ';
    }
}
