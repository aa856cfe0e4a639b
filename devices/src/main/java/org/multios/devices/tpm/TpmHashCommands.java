package org.multios.devices.tpm;

/** TPM2_Hash and the hash sequence commands (Part 3, 15.4, 17.3-17.5), with TPMT_TK_HASHCHECK tickets. */
final class TpmHashCommands {
    private TpmHashCommands() {}

    static final int ST_HASHCHECK = 0x8024;
    static final int TPM_GENERATED_VALUE = 0xFF544347;

    static void register(TpmEngine t) {
        t.register(TpmCc.Hash, 0, 0, c -> {
            byte[] data = c.p(1).tpm2b(1024);
            int alg = c.p(2).u16();
            if (!TpmAlg.isHash(alg)) throw TpmRc.error(TpmRc.HASH);
            int hierarchy = hierarchy(c.p(3).u32());
            c.param = 0;
            byte[] digest = TpmAlg.hash(alg, data);
            c.out.tpm2b(digest).bytes(ticket(t, startsGenerated(data) ? TpmEngine.RH_NULL : hierarchy, digest));
        });
        t.register(TpmCc.HashSequenceStart, 0, 0, c -> {
            byte[] auth = c.p(1).tpm2b(32);
            int alg = c.p(2).u16();
            if (!TpmAlg.isHash(alg)) throw TpmRc.error(TpmRc.HASH); // event sequences (TPM_ALG_NULL) are not implemented
            c.param = 0;
            TpmObject seq = new TpmObject();
            seq.authValue = auth;
            seq.sequence = TpmAlg.digest(alg);
            seq.sequenceAlg = alg;
            seq.hierarchy = TpmEngine.RH_NULL;
            c.outHandle = t.addObject(seq);
        });
        t.register(TpmCc.SequenceUpdate, 1, 1, c -> {
            TpmObject seq = sequence(t, c);
            byte[] data = c.p(1).tpm2b(1024);
            update(seq, data);
        });
        t.register(TpmCc.SequenceComplete, 1, 1, c -> {
            TpmObject seq = sequence(t, c);
            byte[] data = c.p(1).tpm2b(1024);
            int hierarchy = hierarchy(c.p(2).u32());
            c.param = 0;
            update(seq, data);
            byte[] digest = seq.sequence.digest();
            t.objects.remove(c.handles[0]);
            c.out.tpm2b(digest).bytes(ticket(t, seq.sequenceTicketable ? hierarchy : TpmEngine.RH_NULL, digest));
        });
    }

    private static TpmObject sequence(TpmEngine t, TpmCall c) {
        TpmObject o = t.object(c.handles[0], 1);
        if (o.sequence == null) throw TpmRc.error(TpmRc.handle(TpmRc.MODE, 1));
        return o;
    }

    private static void update(TpmObject seq, byte[] data) {
        // A digest over data that begins with TPM_GENERATED_VALUE must not get a ticket (Part 1, 11.4.6.3).
        if (!seq.sequenceFirstBlockChecked && data.length > 0) {
            seq.sequenceFirstBlockChecked = true;
            if (startsGenerated(data)) seq.sequenceTicketable = false;
        }
        seq.sequence.update(data);
    }

    static boolean startsGenerated(byte[] data) {
        return data.length >= 4 && new TpmReader(data).u32() == TPM_GENERATED_VALUE;
    }

    static int hierarchy(int h) {
        if (h != TpmEngine.RH_OWNER && h != TpmEngine.RH_ENDORSEMENT && h != TpmEngine.RH_PLATFORM && h != TpmEngine.RH_NULL)
            throw TpmRc.error(TpmRc.VALUE);
        return h;
    }

    static byte[] ticket(TpmEngine t, int hierarchy, byte[] digest) {
        return t.ticket(ST_HASHCHECK, hierarchy, digest);
    }
}
