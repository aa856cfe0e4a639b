package org.multios.devices.tpm;

/** NV storage (Part 3, 31): NV_DefineSpace, NV_UndefineSpace, NV_Write, NV_Read, NV_ReadPublic for ordinary indices. */
final class TpmNvCommands {
    private TpmNvCommands() {}

    static final int MAX_NV_SIZE = 2048, MAX_NV_BUFFER = 1024, MAX_INDICES = 64;
    static final int POLICY_DELETE = 1 << 10;

    static void register(TpmEngine t) {
        t.register(TpmCc.NV_DefineSpace, 1, 1, c -> define(t, c));
        t.register(TpmCc.NV_UndefineSpace, 2, 1, c -> {
            TpmNvIndex nv = t.state.nv.get(c.handles[1]);
            int auth = c.handles[0];
            if (auth != TpmEngine.RH_OWNER && auth != TpmEngine.RH_PLATFORM) throw TpmRc.error(TpmRc.handle(TpmRc.HIERARCHY, 1));
            if (nv.has(POLICY_DELETE)) throw TpmRc.error(TpmRc.handle(TpmRc.ATTRIBUTES, 2));
            if (nv.has(TpmNvIndex.PLATFORMCREATE) != (auth == TpmEngine.RH_PLATFORM)) throw TpmRc.error(TpmRc.NV_AUTHORIZATION);
            t.state.nv.remove(nv.index);
            t.state.save();
        });
        t.register(TpmCc.NV_Write, 2, 1, c -> write(t, c));
        t.register(TpmCc.NV_Read, 2, 1, c -> read(t, c));
        t.register(TpmCc.NV_ReadPublic, 1, 0, c -> {
            TpmNvIndex nv = t.state.nv.get(c.handles[0]);
            if (nv == null) throw TpmRc.error(TpmRc.handle(TpmRc.HANDLE, 1));
            c.out.tpm2b(nv.marshalPublic()).tpm2b(nv.name());
        });
    }

    private static void define(TpmEngine t, TpmCall c) {
        int auth = c.handles[0];
        if (auth != TpmEngine.RH_OWNER && auth != TpmEngine.RH_PLATFORM) throw TpmRc.error(TpmRc.handle(TpmRc.HIERARCHY, 1));
        byte[] authValue = c.p(1).tpm2b(32);
        TpmReader pr = c.p(2).sub(c.in.u16());
        TpmNvIndex nv = TpmNvIndex.readPublic(pr);
        if (pr.remaining() != 0) throw TpmRc.error(TpmRc.SIZE);
        if ((nv.index >>> 24) != 0x01) throw TpmRc.error(TpmRc.VALUE);
        if (nv.dataSize > MAX_NV_SIZE) throw TpmRc.error(TpmRc.SIZE);
        int type = (nv.attributes & TpmNvIndex.TYPE_MASK) >> 4;
        if (type != 0) throw TpmRc.error(TpmRc.ATTRIBUTES); // counters, bit fields, extend and PIN indices: not implemented
        int writeAuths = TpmNvIndex.PPWRITE | TpmNvIndex.OWNERWRITE | TpmNvIndex.AUTHWRITE | TpmNvIndex.POLICYWRITE;
        int readAuths = TpmNvIndex.PPREAD | TpmNvIndex.OWNERREAD | TpmNvIndex.AUTHREAD | TpmNvIndex.POLICYREAD;
        if ((nv.attributes & writeAuths) == 0 || (nv.attributes & readAuths) == 0) throw TpmRc.error(TpmRc.ATTRIBUTES);
        if (nv.has(TpmNvIndex.WRITTEN) || nv.has(TpmNvIndex.WRITELOCKED) || nv.has(TpmNvIndex.READLOCKED))
            throw TpmRc.error(TpmRc.ATTRIBUTES);
        if (nv.has(TpmNvIndex.PLATFORMCREATE) != (auth == TpmEngine.RH_PLATFORM)) throw TpmRc.error(TpmRc.ATTRIBUTES);
        c.param = 0;
        if (t.state.nv.containsKey(nv.index)) throw TpmRc.error(TpmRc.NV_DEFINED);
        if (t.state.nv.size() >= MAX_INDICES) throw TpmRc.error(TpmRc.NV_SPACE);
        nv.authValue = authValue;
        nv.data = new byte[nv.dataSize];
        t.state.nv.put(nv.index, nv);
        t.state.save();
    }

    /** Whether {@code authHandle} may write (or read) the index (Part 1, 37.3 access controls). */
    private static void checkAccess(TpmNvIndex nv, int authHandle, boolean write) {
        int needed;
        if (authHandle == nv.index) needed = write ? TpmNvIndex.AUTHWRITE : TpmNvIndex.AUTHREAD;
        else if (authHandle == TpmEngine.RH_OWNER) needed = write ? TpmNvIndex.OWNERWRITE : TpmNvIndex.OWNERREAD;
        else if (authHandle == TpmEngine.RH_PLATFORM) needed = write ? TpmNvIndex.PPWRITE : TpmNvIndex.PPREAD;
        else throw TpmRc.error(TpmRc.NV_AUTHORIZATION);
        if (!nv.has(needed)) throw TpmRc.error(TpmRc.NV_AUTHORIZATION);
    }

    private static void write(TpmEngine t, TpmCall c) {
        TpmNvIndex nv = t.state.nv.get(c.handles[1]);
        checkAccess(nv, c.handles[0], true);
        byte[] data = c.p(1).tpm2b(MAX_NV_BUFFER);
        int offset = c.p(2).u16();
        c.param = 0;
        if (nv.has(TpmNvIndex.WRITELOCKED)) throw TpmRc.error(TpmRc.NV_LOCKED);
        if (offset + data.length > nv.dataSize) throw TpmRc.error(TpmRc.NV_RANGE);
        if (nv.has(TpmNvIndex.WRITEALL) && data.length != nv.dataSize) throw TpmRc.error(TpmRc.NV_RANGE);
        System.arraycopy(data, 0, nv.data, offset, data.length);
        nv.attributes |= TpmNvIndex.WRITTEN;
        t.state.save();
    }

    private static void read(TpmEngine t, TpmCall c) {
        TpmNvIndex nv = t.state.nv.get(c.handles[1]);
        checkAccess(nv, c.handles[0], false);
        int size = c.p(1).u16();
        int offset = c.p(2).u16();
        c.param = 0;
        if (nv.has(TpmNvIndex.READLOCKED)) throw TpmRc.error(TpmRc.NV_LOCKED);
        if (!nv.has(TpmNvIndex.WRITTEN)) throw TpmRc.error(TpmRc.NV_UNINITIALIZED);
        if (size > MAX_NV_BUFFER || offset + size > nv.dataSize) throw TpmRc.error(TpmRc.NV_RANGE);
        c.out.tpm2b(java.util.Arrays.copyOfRange(nv.data, offset, offset + size));
    }
}
