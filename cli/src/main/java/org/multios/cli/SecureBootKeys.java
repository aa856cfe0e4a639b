package org.multios.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Verified boot's keys and signatures (docs/tpm.md): ECDSA P-256 through JCA. A boot file F is
 * signed by {@code F.sig} next to it, the DER ECDSA-Sig-Value of SHA256withECDSA over F's bytes
 * (what {@code openssl dgst -sha256 -sign} writes). Private keys are PKCS#8 PEM, public keys
 * X.509 SubjectPublicKeyInfo PEM; the firmware gets the public point as 64 bytes x || y.
 */
final class SecureBootKeys {
    private SecureBootKeys() {}

    /** A fresh P-256 key pair. */
    static KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static void writePrivate(Path p, PrivateKey k) throws IOException { Files.writeString(p, pem("PRIVATE KEY", k.getEncoded())); }

    static void writePublic(Path p, PublicKey k) throws IOException { Files.writeString(p, pem("PUBLIC KEY", k.getEncoded())); }

    private static byte[] pemBody(Path p, String type) throws UserInputException {
        String text;
        if (!Files.isRegularFile(p)) throw new UserInputException(p + ": no such file");
        try {
            text = Files.readString(p, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UserInputException(p + ": cannot read (" + e.getMessage() + ")");
        }
        String begin = "-----BEGIN " + type + "-----", end = "-----END " + type + "-----";
        int a = text.indexOf(begin), b = text.indexOf(end);
        if (a < 0 || b < a) return null;
        try {
            return Base64.getMimeDecoder().decode(text.substring(a + begin.length(), b));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(p + ": bad base64 in the " + type + " block");
        }
    }

    /** The P-256 private key of a PKCS#8 PEM file. */
    static ECPrivateKey readPrivate(Path p) throws UserInputException {
        byte[] der = pemBody(p, "PRIVATE KEY");
        if (der == null) throw new UserInputException(p + ": no PKCS#8 '-----BEGIN PRIVATE KEY-----' block (make one with 'multios image keygen')");
        try {
            PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            ECPrivateKey ec = (ECPrivateKey) k;
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) throw new UserInputException(p + ": not a P-256 key");
            return ec;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new UserInputException(p + ": not an EC private key");
        }
    }

    /** The public key of a PEM file holding a PUBLIC KEY, or derived from a PRIVATE KEY. */
    static ECPublicKey readPublic(Path p) throws UserInputException {
        byte[] der = pemBody(p, "PUBLIC KEY");
        try {
            if (der != null) {
                ECPublicKey k = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
                if (k.getParams().getCurve().getField().getFieldSize() != 256) throw new UserInputException(p + ": not a P-256 key");
                return k;
            }
            if (pemBody(p, "PRIVATE KEY") == null)
                throw new UserInputException(p + ": no '-----BEGIN PUBLIC KEY-----' or '-----BEGIN PRIVATE KEY-----' block (make a key pair with 'multios image keygen')");
            return publicOf(readPrivate(p));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new UserInputException(p + ": not an EC public key");
        }
    }

    /** Q = d·G, through the JCA (SunEC has no public "derive" call, so a signature round-trip is avoided by point math). */
    static ECPublicKey publicOf(ECPrivateKey k) throws GeneralSecurityException {
        ECPoint q = P256.multiply(k.getS());
        return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(q, k.getParams()));
    }

    /** The point as the firmware takes it: x || y, 32 bytes each, big-endian. */
    static byte[] rawPoint(ECPublicKey k) {
        byte[] out = new byte[64];
        fixed(k.getW().getAffineX(), out, 0);
        fixed(k.getW().getAffineY(), out, 32);
        return out;
    }

    private static void fixed(BigInteger v, byte[] out, int at) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, at + 32 - n, n);
    }

    /** SHA256withECDSA over data: a DER ECDSA-Sig-Value. */
    static byte[] sign(ECPrivateKey k, byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(k);
        s.update(data);
        return s.sign();
    }

    /** Affine P-256 arithmetic (double-and-add), enough to derive a public key from a private one. */
    static final class P256 {
        static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
        static final BigInteger A = P.subtract(BigInteger.valueOf(3));
        static final ECPoint G = new ECPoint(new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16),
                new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16));

        static ECPoint multiply(BigInteger k) {
            ECPoint r = ECPoint.POINT_INFINITY;
            for (int i = k.bitLength() - 1; i >= 0; i--) {
                r = add(r, r);
                if (k.testBit(i)) r = add(r, G);
            }
            return r;
        }

        static ECPoint add(ECPoint a, ECPoint b) {
            if (a.equals(ECPoint.POINT_INFINITY)) return b;
            if (b.equals(ECPoint.POINT_INFINITY)) return a;
            BigInteger x1 = a.getAffineX(), y1 = a.getAffineY(), x2 = b.getAffineX(), y2 = b.getAffineY();
            BigInteger l;
            if (x1.equals(x2)) {
                if (!y1.equals(y2) || y1.signum() == 0) return ECPoint.POINT_INFINITY;
                l = x1.pow(2).multiply(BigInteger.valueOf(3)).add(A).multiply(y1.shiftLeft(1).modInverse(P)).mod(P);
            } else {
                l = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(P)).mod(P);
            }
            BigInteger x3 = l.pow(2).subtract(x1).subtract(x2).mod(P);
            return new ECPoint(x3, l.multiply(x1.subtract(x3)).subtract(y1).mod(P));
        }
    }
}
