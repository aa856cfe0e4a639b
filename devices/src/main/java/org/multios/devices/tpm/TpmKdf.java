package org.multios.devices.tpm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The TPM's symmetric primitives: HMAC, KDFa (SP 800-108 counter mode, Part 1, 11.4.10.2) and AES-CFB. */
public final class TpmKdf {
    private TpmKdf() {}

    public static byte[] hmac(int hashAlg, byte[] key, byte[]... parts) {
        try {
            String name = hashAlg == TpmAlg.SHA1 ? "HmacSHA1" : "HmacSHA256";
            Mac mac = Mac.getInstance(name);
            // An empty HMAC key is legal for the TPM (empty authValue); JCA refuses it, and HMAC
            // pads short keys with zeros anyway, so one zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
            for (byte[] p : parts) mac.update(p);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** KDFa(hashAlg, key, label, contextU, contextV, bits): label is NUL-terminated as the spec requires. */
    public static byte[] kdfa(int hashAlg, byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        byte[] lbl = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        int bytes = (bits + 7) / 8;
        byte[] out = new byte[bytes];
        byte[] bitsBe = new TpmWriter().u32(bits).toBytes();
        int done = 0;
        for (int i = 1; done < bytes; i++) {
            byte[] block = hmac(hashAlg, key, new TpmWriter().u32(i).toBytes(), lbl, contextU, contextV, bitsBe);
            int n = Math.min(block.length, bytes - done);
            System.arraycopy(block, 0, out, done, n);
            done += n;
        }
        if ((bits & 7) != 0) out[0] &= (byte) ((1 << (bits & 7)) - 1);
        return out;
    }

    /** AES in CFB mode with a full-block feedback, as TPM parameter and blob encryption use it. */
    public static byte[] aesCfb(boolean encrypt, byte[] key, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
            c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean equal(byte[] a, byte[] b) { return java.security.MessageDigest.isEqual(a, b); }

    /**
     * A deterministic random stream (KDFa in counter mode over a seed) for key generation, so a
     * primary key is a function of the hierarchy's seed and the template, as the spec requires.
     */
    static final class DeterministicRandom extends SecureRandom {
        private final byte[] seed;
        private int counter;
        private byte[] block = new byte[0];
        private int used;

        DeterministicRandom(byte[] seed) { this.seed = seed.clone(); }

        @Override
        public synchronized void nextBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) {
                if (used == block.length) {
                    block = hmac(TpmAlg.SHA256, seed, new TpmWriter().u32(++counter).toBytes());
                    used = 0;
                }
                out[i] = block[used++];
            }
        }

        @Override
        public byte[] generateSeed(int n) { byte[] b = new byte[n]; nextBytes(b); return b; }

        @Override
        public void setSeed(long s) {}
    }
}
