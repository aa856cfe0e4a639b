package org.multios.devices.tpm;

import java.util.ArrayList;
import java.util.List;

/**
 * The PCR banks (SHA-1 and SHA-256, 24 PCRs each) and TPM2_PCR_Extend, PCR_Read and PCR_Reset
 * (Part 3, 22). Which locality may extend and reset which PCR follows the TCG PC Client
 * Platform TPM Profile (PTP) table of PCR attributes.
 */
public final class TpmPcrBanks {
    /** Per locality 0..4: PCRs that locality may extend / reset (bit n = PCR n). */
    static final int[] EXTEND = {0x81FFFF, 0x81FFFF, 0xF1FFFF, 0xFFFFFF, 0xFFFFFF};
    static final int[] RESET = {0x810000, 0x810000, 0xF10000, 0xFF0000, 0xFF0000};

    private final TpmEngine tpm;

    TpmPcrBanks(TpmEngine tpm) { this.tpm = tpm; }

    static void register(TpmEngine t) {
        t.register(TpmCc.PCR_Extend, 1, 1, c -> t.pcrs.extend(c));
        t.register(TpmCc.PCR_Read, 0, 0, c -> t.pcrs.read(c));
        t.register(TpmCc.PCR_Reset, 1, 1, c -> t.pcrs.reset(c));
    }

    static int bankIndex(int alg) {
        for (int i = 0; i < TpmState.BANKS.length; i++) if (TpmState.BANKS[i] == alg) return i;
        return -1;
    }

    public byte[] value(int alg, int pcr) { return tpm.state.pcrs[bankIndex(alg)][pcr].clone(); }

    private static int pcrIndex(TpmCall c) {
        int h = c.handles[0];
        if (h == TpmEngine.RH_NULL) return -1;
        if (h < 0 || h >= TpmState.PCR_COUNT) throw TpmRc.error(TpmRc.handle(TpmRc.VALUE, 1));
        return h;
    }

    private void extend(TpmCall c) {
        int pcr = pcrIndex(c);
        int count = c.p(1).u32();
        if (Integer.compareUnsigned(count, 8) > 0) throw TpmRc.error(TpmRc.SIZE);
        int[] algs = new int[count];
        byte[][] digests = new byte[count][];
        for (int i = 0; i < count; i++) {
            algs[i] = c.in.u16();
            if (!TpmAlg.isHash(algs[i])) throw TpmRc.error(TpmRc.HASH);
            digests[i] = c.in.bytes(TpmAlg.digestSize(algs[i]));
        }
        c.param = 0;
        if (pcr < 0) return;
        if ((EXTEND[c.locality] & (1 << pcr)) == 0) throw TpmRc.error(TpmRc.LOCALITY);
        for (int i = 0; i < count; i++) extend(pcr, algs[i], digests[i]);
    }

    /** PCR[n] := H(PCR[n] || digest) in one bank. */
    public void extend(int pcr, int alg, byte[] digest) {
        int b = bankIndex(alg);
        if (b < 0) return; // a bank this TPM does not have is skipped, as the spec allows
        byte[][] bank = tpm.state.pcrs[b];
        bank[pcr] = TpmAlg.hash(alg, bank[pcr], digest);
        tpm.pcrUpdateCounter++;
    }

    private void reset(TpmCall c) {
        int pcr = pcrIndex(c);
        if (pcr < 0) return;
        if ((RESET[c.locality] & (1 << pcr)) == 0) throw TpmRc.error(TpmRc.LOCALITY);
        for (int b = 0; b < TpmState.BANKS.length; b++) tpm.state.pcrs[b][pcr] = new byte[TpmAlg.digestSize(TpmState.BANKS[b])];
        tpm.pcrUpdateCounter++;
    }

    /** A TPML_PCR_SELECTION as (hashAlg, bitmap) pairs. */
    record Selection(int alg, byte[] bitmap) {
        boolean selected(int pcr) { return pcr / 8 < bitmap.length && (bitmap[pcr / 8] & (1 << (pcr % 8))) != 0; }
    }

    static List<Selection> readSelection(TpmReader r) {
        int count = r.u32();
        if (Integer.compareUnsigned(count, 16) > 0) throw TpmRc.error(TpmRc.SIZE);
        List<Selection> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int alg = r.u16();
            int size = r.u8();
            if (size < 3 || size > 4) throw TpmRc.error(TpmRc.VALUE);
            out.add(new Selection(alg, r.bytes(size)));
        }
        return out;
    }

    static void writeSelection(TpmWriter w, List<Selection> sel) {
        w.u32(sel.size());
        for (Selection s : sel) w.u16(s.alg()).u8(s.bitmap().length).bytes(s.bitmap());
    }

    private void read(TpmCall c) {
        List<Selection> in = readSelection(c.p(1));
        c.param = 0;
        List<Selection> outSel = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (Selection s : in) {
            byte[] bits = new byte[s.bitmap().length];
            int b = bankIndex(s.alg());
            if (b >= 0) {
                for (int pcr = 0; pcr < TpmState.PCR_COUNT && values.size() < 8; pcr++) {
                    if (s.selected(pcr)) {
                        bits[pcr / 8] |= (byte) (1 << (pcr % 8));
                        values.add(tpm.state.pcrs[b][pcr]);
                    }
                }
            }
            outSel.add(new Selection(s.alg(), bits));
        }
        c.out.u32(tpm.pcrUpdateCounter);
        writeSelection(c.out, outSel);
        c.out.u32(values.size());
        for (byte[] v : values) c.out.tpm2b(v);
    }

    /** The digest of the selected PCR values, in selection order (as TPM2_Quote's pcrDigest). */
    byte[] selectionDigest(int hashAlg, List<Selection> sel) {
        var md = TpmAlg.digest(hashAlg);
        for (Selection s : sel) {
            int b = bankIndex(s.alg());
            if (b < 0) throw TpmRc.error(TpmRc.HASH);
            for (int pcr = 0; pcr < TpmState.PCR_COUNT; pcr++) if (s.selected(pcr)) md.update(tpm.state.pcrs[b][pcr]);
        }
        return md.digest();
    }
}
