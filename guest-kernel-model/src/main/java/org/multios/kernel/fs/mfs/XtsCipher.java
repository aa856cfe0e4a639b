package org.multios.kernel.fs.mfs;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-XTS (IEEE 1619) over whole blocks, the data unit being one MFS block and the tweak its
 * physical block number. Built from AES/ECB: T = AES-K2(tweak); each 16-byte piece is
 * AES-K1(P xor T) xor T, with T multiplied by alpha in GF(2^128) between pieces. Blocks are a
 * multiple of 16 bytes, so ciphertext stealing never arises.
 */
public final class XtsCipher {
    private final Cipher enc1, dec1, enc2;

    public XtsCipher(byte[] key64) {
        if (key64.length != 64) throw new IllegalArgumentException("XTS-AES-256 needs a 64-byte key");
        try {
            SecretKeySpec k1 = new SecretKeySpec(key64, 0, 32, "AES"), k2 = new SecretKeySpec(key64, 32, 32, "AES");
            enc1 = Cipher.getInstance("AES/ECB/NoPadding");
            enc1.init(Cipher.ENCRYPT_MODE, k1);
            dec1 = Cipher.getInstance("AES/ECB/NoPadding");
            dec1.init(Cipher.DECRYPT_MODE, k1);
            enc2 = Cipher.getInstance("AES/ECB/NoPadding");
            enc2.init(Cipher.ENCRYPT_MODE, k2);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable in this JDK", e);
        }
    }

    /** PBKDF2WithHmacSHA256 → 64 bytes (two AES-256 keys). */
    public static byte[] deriveKey(char[] passphrase, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 512);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    /** HMAC-SHA256(key, "MFS key check"): lets mount tell a wrong passphrase from corruption. */
    public static byte[] keyCheck(byte[] key) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal("MFS key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void encrypt(byte[] buf, int off, int len, long dataUnit) { crypt(buf, off, len, dataUnit, true); }
    public synchronized void decrypt(byte[] buf, int off, int len, long dataUnit) { crypt(buf, off, len, dataUnit, false); }

    private void crypt(byte[] buf, int off, int len, long dataUnit, boolean encrypt) {
        if ((len & 15) != 0) throw new IllegalArgumentException("XTS data unit must be a multiple of 16 bytes");
        try {
            byte[] t = new byte[16];
            for (int i = 0; i < 8; i++) t[i] = (byte) (dataUnit >>> (8 * i));
            t = enc2.doFinal(t);
            byte[] tweaks = new byte[len];
            for (int j = 0; j < len; j += 16) {
                System.arraycopy(t, 0, tweaks, j, 16);
                mulAlpha(t);
            }
            for (int i = 0; i < len; i++) buf[off + i] ^= tweaks[i];
            byte[] out = (encrypt ? enc1 : dec1).doFinal(buf, off, len);
            for (int i = 0; i < len; i++) buf[off + i] = (byte) (out[i] ^ tweaks[i]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Multiplies the little-endian 128-bit tweak by x modulo x^128 + x^7 + x^2 + x + 1. */
    static void mulAlpha(byte[] t) {
        int carry = 0;
        for (int i = 0; i < 16; i++) {
            int b = t[i] & 0xff;
            t[i] = (byte) ((b << 1) | carry);
            carry = b >>> 7;
        }
        if (carry != 0) t[0] ^= (byte) 0x87;
    }

    static byte[] zero(byte[] k) { Arrays.fill(k, (byte) 0); return k; }
}
