package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class XtsCipherTest {
    static final byte[] KEY = HexFormat.of().parseHex("2718281828459045235360287471352662497757247093699959574966967627"
            + "3141592653589793238462643383279502884197169399375105820974944592");

    static String sha256(byte[] b) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)); }

    /** IEEE 1619-2007 annex B, vector 10 (XTS-AES-256, data unit 0xff, 512 bytes). */
    @Test
    void ieee1619Vector10() throws Exception {
        byte[] p = new byte[512];
        for (int i = 0; i < 512; i++) p[i] = (byte) i;
        byte[] c = p.clone();
        new XtsCipher(KEY).encrypt(c, 0, 512, 0xff);
        assertEquals("1c3b3a102f770386e4836c99e370cf9bea00803f5e482357a4ae12d414a3e63b", HexFormat.of().formatHex(c, 0, 32));
        assertEquals("773dad38014bd2092fa755c824bb5e54c4f36ffda9fcea70b9c6e693e148c151", HexFormat.of().formatHex(c, 480, 512));
        assertEquals("e97e974fa393af794f7a4684395814cf820de60a01eaec677d87b452e316b364", sha256(c));
        new XtsCipher(KEY).decrypt(c, 0, 512, 0xff);
        assertArrayEquals(p, c);
    }

    /** A 4 KiB data unit with a multi-byte tweak (reference: Python cryptography's XTS). */
    @Test
    void blockSizedUnit() throws Exception {
        byte[] p = new byte[4096];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i * 7);
        byte[] c = p.clone();
        new XtsCipher(KEY).encrypt(c, 0, c.length, 123456);
        assertEquals("9d4b69697003f54a02a70d7b9077d92c01d573696514cfd53d26801276a1db72", sha256(c));
    }
}
