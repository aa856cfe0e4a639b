package org.multios.devices.tpm;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/** Asymmetric keys through JCA: generation (ECC NIST P-256, RSA 1024/2048), RSASSA and ECDSA signatures. */
public final class TpmKeys {
    private TpmKeys() {}

    private static final ECParameterSpec P256;
    static {
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec("secp256r1"));
            P256 = ap.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Generates the key pair of {@code pub}'s type, fills its unique field, and returns the private key. */
    public static PrivateKey generate(TpmPublic pub, SecureRandom random) {
        try {
            if (pub.type == TpmAlg.ECC) {
                if (pub.curve != TpmAlg.ECC_NIST_P256) throw TpmRc.error(TpmRc.CURVE);
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(P256, random);
                KeyPair kp = g.generateKeyPair();
                ECPoint w = ((ECPublicKey) kp.getPublic()).getW();
                pub.unique = fixed(w.getAffineX(), 32);
                pub.uniqueY = fixed(w.getAffineY(), 32);
                return kp.getPrivate();
            }
            if (pub.type == TpmAlg.RSA) {
                if (pub.keyBits != 2048 && pub.keyBits != 1024) throw TpmRc.error(TpmRc.KEY_SIZE);
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                BigInteger e = BigInteger.valueOf(pub.exponent == 0 ? 65537 : pub.exponent & 0xFFFFFFFFL);
                g.initialize(new RSAKeyGenParameterSpec(pub.keyBits, e), random);
                KeyPair kp = g.generateKeyPair();
                pub.unique = fixed(((RSAPublicKey) kp.getPublic()).getModulus(), pub.keyBits / 8);
                return kp.getPrivate();
            }
            throw TpmRc.error(TpmRc.TYPE);
        } catch (GeneralSecurityException e) {
            throw TpmRc.error(TpmRc.KEY);
        }
    }

    static byte[] fixed(BigInteger v, int len) {
        byte[] b = v.toByteArray();
        if (b.length == len) return b;
        byte[] out = new byte[len];
        if (b.length > len) System.arraycopy(b, b.length - len, out, 0, len);
        else System.arraycopy(b, 0, out, len - b.length, b.length);
        return out;
    }

    /** The private key as stored in a sensitive area: the ECC scalar, or the RSA key's PKCS#8 form. */
    public static byte[] encodePrivate(PrivateKey k) {
        if (k instanceof ECPrivateKey ec) return fixed(ec.getS(), 32);
        return k.getEncoded();
    }

    public static PrivateKey decodePrivate(int type, byte[] b) {
        try {
            if (type == TpmAlg.ECC) {
                return KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.ECPrivateKeySpec(new BigInteger(1, b), P256));
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(b));
        } catch (GeneralSecurityException e) {
            throw TpmRc.error(TpmRc.KEY);
        }
    }

    public static PublicKey publicKey(TpmPublic pub) {
        try {
            if (pub.type == TpmAlg.ECC) {
                if (pub.curve != TpmAlg.ECC_NIST_P256) throw TpmRc.error(TpmRc.CURVE);
                ECPoint w = new ECPoint(new BigInteger(1, pub.unique), new BigInteger(1, pub.uniqueY));
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, P256));
            }
            if (pub.type == TpmAlg.RSA) {
                BigInteger e = BigInteger.valueOf(pub.exponent == 0 ? 65537 : pub.exponent & 0xFFFFFFFFL);
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, pub.unique), e));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw TpmRc.error(TpmRc.KEY);
        }
        throw TpmRc.error(TpmRc.KEY);
    }

    private static byte[] digestInfo(int hashAlg, byte[] digest) {
        String prefix = hashAlg == TpmAlg.SHA1 ? "3021300906052b0e03021a05000414" : "3031300d060960864801650304020105000420";
        byte[] p = HexFormat.of().parseHex(prefix);
        byte[] out = Arrays.copyOf(p, p.length + digest.length);
        System.arraycopy(digest, 0, out, p.length, digest.length);
        return out;
    }

    /** Signs a digest; returns the TPMT_SIGNATURE. */
    public static byte[] sign(TpmPublic pub, PrivateKey key, int scheme, int hashAlg, byte[] digest) {
        try {
            TpmWriter w = new TpmWriter().u16(scheme).u16(hashAlg);
            if (scheme == TpmAlg.ECDSA) {
                Signature s = Signature.getInstance("NONEwithECDSA");
                s.initSign(key);
                s.update(digest);
                BigInteger[] rs = derToRs(s.sign());
                return w.tpm2b(fixed(rs[0], 32)).tpm2b(fixed(rs[1], 32)).toBytes();
            }
            if (scheme == TpmAlg.RSASSA) {
                Signature s = Signature.getInstance("NONEwithRSA");
                s.initSign(key);
                s.update(digestInfo(hashAlg, digest));
                return w.tpm2b(s.sign()).toBytes();
            }
            throw TpmRc.error(TpmRc.SCHEME);
        } catch (GeneralSecurityException e) {
            throw TpmRc.error(TpmRc.KEY);
        }
    }

    /** Verifies a TPMT_SIGNATURE (already split into scheme, hash and parts) over a digest. */
    public static boolean verify(TpmPublic pub, int scheme, int hashAlg, byte[] digest, byte[] r, byte[] s) {
        try {
            if (scheme == TpmAlg.ECDSA && pub.type == TpmAlg.ECC) {
                Signature v = Signature.getInstance("NONEwithECDSA");
                v.initVerify(publicKey(pub));
                v.update(digest);
                return v.verify(rsToDer(new BigInteger(1, r), new BigInteger(1, s)));
            }
            if (scheme == TpmAlg.RSASSA && pub.type == TpmAlg.RSA) {
                Signature v = Signature.getInstance("NONEwithRSA");
                v.initVerify(publicKey(pub));
                v.update(digestInfo(hashAlg, digest));
                return v.verify(r);
            }
            throw TpmRc.error(TpmRc.SCHEME);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static BigInteger[] derToRs(byte[] der) {
        int i = 2;
        if ((der[1] & 0x80) != 0) i += der[1] & 0x7F;
        int rl = der[i + 1];
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + rl));
        i += 2 + rl;
        int sl = der[i + 1];
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + sl));
        return new BigInteger[] {r, s};
    }

    private static byte[] rsToDer(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray(), sb = s.toByteArray();
        int len = 2 + rb.length + 2 + sb.length;
        TpmWriter w = new TpmWriter().u8(0x30);
        if (len >= 128) w.u8(0x81);
        w.u8(len).u8(2).u8(rb.length).bytes(rb).u8(2).u8(sb.length).bytes(sb);
        return w.toBytes();
    }
}
