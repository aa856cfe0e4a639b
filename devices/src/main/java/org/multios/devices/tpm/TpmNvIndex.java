package org.multios.devices.tpm;

/** An NV index: TPMS_NV_PUBLIC (Part 2, 13.5) plus its authValue and data. */
public final class TpmNvIndex {
    // TPMA_NV bits (Part 2, 13.4)
    public static final int PPWRITE = 1, OWNERWRITE = 1 << 1, AUTHWRITE = 1 << 2, POLICYWRITE = 1 << 3,
            WRITELOCKED = 1 << 11, WRITEALL = 1 << 12, PPREAD = 1 << 16, OWNERREAD = 1 << 17, AUTHREAD = 1 << 18,
            POLICYREAD = 1 << 19, READLOCKED = 1 << 28, WRITTEN = 1 << 29, PLATFORMCREATE = 1 << 30;
    static final int TYPE_MASK = 0xF0;

    public int index, nameAlg, attributes, dataSize;
    public byte[] authPolicy = new byte[0], authValue = new byte[0], data = new byte[0];

    public boolean has(int bit) { return (attributes & bit) != 0; }

    public static TpmNvIndex readPublic(TpmReader r) {
        TpmNvIndex nv = new TpmNvIndex();
        nv.index = r.u32();
        nv.nameAlg = r.u16();
        if (!TpmAlg.isHash(nv.nameAlg)) throw TpmRc.error(TpmRc.HASH);
        nv.attributes = r.u32();
        nv.authPolicy = r.tpm2b(64);
        nv.dataSize = r.u16();
        return nv;
    }

    public byte[] marshalPublic() {
        return new TpmWriter().u32(index).u16(nameAlg).u32(attributes).tpm2b(authPolicy).u16(dataSize).toBytes();
    }

    public byte[] name() { return new TpmWriter().u16(nameAlg).bytes(TpmAlg.hash(nameAlg, marshalPublic())).toBytes(); }
}
