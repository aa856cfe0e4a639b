package org.multios.devices.tpm;

import java.security.PrivateKey;

/**
 * A loaded object (key, sealed data) or hash sequence in a transient slot. The sensitive area
 * is kept as in TPMT_SENSITIVE (Part 2, 12.3.2.4): authValue, seedValue (the protection seed of
 * a storage parent) and the private part.
 */
public final class TpmObject {
    public TpmPublic pub;
    public byte[] name;
    public byte[] qualifiedName;
    public int hierarchy;
    public byte[] authValue = new byte[0];
    public byte[] seedValue = new byte[0];
    /** ECC scalar, RSA PKCS#8 form, or sealed data; empty for a public-only object. */
    public byte[] sensitive = new byte[0];
    private PrivateKey privateKey;

    /** Non-null for a hash sequence object (HashSequenceStart). */
    public java.security.MessageDigest sequence;
    public int sequenceAlg;
    public boolean sequenceFirstBlockChecked;
    public boolean sequenceTicketable = true;

    public PrivateKey privateKey() {
        if (privateKey == null && sensitive.length > 0) privateKey = TpmKeys.decodePrivate(pub.type, sensitive);
        return privateKey;
    }

    void setPrivateKey(PrivateKey k) {
        privateKey = k;
        sensitive = TpmKeys.encodePrivate(k);
    }

    /** TPMT_SENSITIVE-shaped marshalled form (the private part of an RSA key is its PKCS#8 encoding). */
    public byte[] marshalSensitive() {
        return new TpmWriter().u16(pub.type).tpm2b(authValue).tpm2b(seedValue).tpm2b(sensitive).toBytes();
    }

    public void readSensitive(TpmReader r) {
        if (r.u16() != pub.type) throw TpmRc.error(TpmRc.TYPE);
        authValue = r.tpm2b(64);
        seedValue = r.tpm2b(64);
        sensitive = r.tpm2b(4096);
    }

    public boolean isStorageParent() {
        return pub != null && pub.has(TpmPublic.RESTRICTED) && pub.has(TpmPublic.DECRYPT) && !pub.has(TpmPublic.SIGN)
                && seedValue.length > 0;
    }
}
