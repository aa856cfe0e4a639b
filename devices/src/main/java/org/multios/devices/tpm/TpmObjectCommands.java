package org.multios.devices.tpm;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.List;

/**
 * Object commands (Part 3, 12, 24, 28): CreatePrimary (keys derived from the hierarchy's seed),
 * Create and Load (the child's sensitive area protected by its parent's seed as in Part 1, 23:
 * AES-CFB with a KDFa("STORAGE") key and an HMAC with a KDFa("INTEGRITY") key), LoadExternal,
 * ReadPublic, and context management (FlushContext, ContextSave, ContextLoad).
 */
final class TpmObjectCommands {
    private TpmObjectCommands() {}

    static final int ST_CREATION = 0x8021;

    static void register(TpmEngine t) {
        t.register(TpmCc.CreatePrimary, 1, 1, c -> create(t, c, true));
        t.register(TpmCc.Create, 1, 1, c -> create(t, c, false));
        t.register(TpmCc.Load, 1, 1, c -> load(t, c));
        t.register(TpmCc.LoadExternal, 0, 0, c -> loadExternal(t, c));
        t.register(TpmCc.ReadPublic, 1, 0, c -> {
            TpmObject o = t.object(c.handles[0], 1);
            if (o.pub == null) throw TpmRc.error(TpmRc.SEQUENCE);
            c.out.bytes(o.pub.marshal2b()).tpm2b(o.name).tpm2b(o.qualifiedName);
        });
        t.register(TpmCc.FlushContext, 0, 0, c -> {
            int h = c.p(1).u32();
            boolean gone = switch (h >>> 24) {
                case 0x80 -> t.objects.remove(h) != null;
                case 0x02, 0x03 -> t.sessions.remove(h) != null;
                default -> throw TpmRc.error(TpmRc.VALUE);
            };
            if (!gone) throw TpmRc.error(TpmRc.HANDLE);
        });
        t.register(TpmCc.ContextSave, 1, 0, c -> TpmContexts.save(t, c));
        t.register(TpmCc.ContextLoad, 0, 0, c -> TpmContexts.load(t, c));
    }

    /** TPM2B_SENSITIVE_CREATE: userAuth and data. */
    private record SensitiveCreate(byte[] userAuth, byte[] data) {}

    private static void create(TpmEngine t, TpmCall c, boolean primary) {
        int parentHandle = c.handles[0];
        TpmObject parent = null;
        int hierarchy;
        if (primary) {
            if (parentHandle != TpmEngine.RH_OWNER && parentHandle != TpmEngine.RH_ENDORSEMENT
                    && parentHandle != TpmEngine.RH_PLATFORM && parentHandle != TpmEngine.RH_NULL)
                throw TpmRc.error(TpmRc.handle(TpmRc.HIERARCHY, 1));
            hierarchy = parentHandle;
        } else {
            parent = t.object(parentHandle, 1);
            if (!parent.isStorageParent()) throw TpmRc.error(TpmRc.handle(TpmRc.TYPE, 1));
            hierarchy = parent.hierarchy;
        }
        TpmReader sc = c.p(1).sub(c.in.u16());
        SensitiveCreate sens = new SensitiveCreate(sc.tpm2b(64), sc.tpm2b(128));
        if (sc.remaining() != 0) throw TpmRc.error(TpmRc.SIZE);
        byte[] template = c.p(2).bytes(c.in.u16());
        TpmReader tr = new TpmReader(template);
        TpmPublic pub = TpmPublic.read(tr);
        if (tr.remaining() != 0) throw TpmRc.error(TpmRc.SIZE);
        byte[] outsideInfo = c.p(3).tpm2b(64);
        List<TpmPcrBanks.Selection> creationPcr = TpmPcrBanks.readSelection(c.p(4));
        c.param = 2;
        checkTemplate(pub, sens);
        c.param = 0;

        TpmObject o = new TpmObject();
        o.pub = pub;
        o.hierarchy = hierarchy;
        o.authValue = sens.userAuth();
        java.security.SecureRandom rng = t.random;
        if (primary) {
            // Part 1, 26.3: a primary object is a function of the seed and the template.
            byte[] ctx = TpmAlg.hash(TpmAlg.SHA256, template, sens.data());
            rng = new TpmKdf.DeterministicRandom(TpmKdf.kdfa(TpmAlg.SHA256, t.seedOf(hierarchy), "MultiOS primary", ctx, new byte[0], 256));
        }
        int digestSize = TpmAlg.digestSize(pub.nameAlg);
        if (pub.type == TpmAlg.KEYEDHASH || pub.type == TpmAlg.SYMCIPHER) {
            byte[] seed = new byte[digestSize];
            rng.nextBytes(seed);
            o.seedValue = seed; // obfuscation value
            if (pub.has(TpmPublic.SENSITIVE_DATA_ORIGIN)) {
                byte[] k = new byte[pub.type == TpmAlg.SYMCIPHER ? pub.symKeyBits / 8 : digestSize];
                rng.nextBytes(k);
                o.sensitive = k;
            } else {
                o.sensitive = sens.data();
            }
            pub.unique = TpmAlg.hash(pub.nameAlg, o.seedValue, o.sensitive);
        } else {
            o.setPrivateKey(TpmKeys.generate(pub, rng));
            if (pub.has(TpmPublic.RESTRICTED) && pub.has(TpmPublic.DECRYPT)) {
                byte[] seed = new byte[digestSize];
                rng.nextBytes(seed);
                o.seedValue = seed;
            }
        }
        o.name = pub.name();
        byte[] parentName = primary ? new TpmWriter().u32(hierarchy).toBytes() : parent.name;
        byte[] parentQn = primary ? parentName : parent.qualifiedName;
        o.qualifiedName = qualifiedName(pub.nameAlg, parentQn, o.name);

        TpmWriter cd = new TpmWriter();
        TpmPcrBanks.writeSelection(cd, creationPcr);
        cd.tpm2b(creationPcr.isEmpty() ? new byte[0] : t.pcrs.selectionDigest(pub.nameAlg, creationPcr));
        cd.u8(1 << c.locality);
        cd.u16(primary ? TpmAlg.NULL : parent.pub.nameAlg).tpm2b(parentName).tpm2b(parentQn).tpm2b(outsideInfo);
        byte[] creationData = cd.toBytes();
        byte[] creationHash = TpmAlg.hash(pub.nameAlg, creationData);
        byte[] ticket = t.ticket(ST_CREATION, hierarchy, o.name, creationHash);

        if (primary) {
            c.outHandle = t.addObject(o);
        } else {
            c.out.tpm2b(wrap(parent, o));
        }
        c.out.bytes(pub.marshal2b()).tpm2b(creationData).tpm2b(creationHash).bytes(ticket);
        if (primary) c.out.tpm2b(o.name);
    }

    static byte[] qualifiedName(int nameAlg, byte[] parentQn, byte[] name) {
        return new TpmWriter().u16(nameAlg).bytes(TpmAlg.hash(nameAlg, parentQn, name)).toBytes();
    }

    /** The consistency checks of Part 1, 27.2 that matter for the key types we create. */
    private static void checkTemplate(TpmPublic p, SensitiveCreate s) {
        if (p.nameAlg == TpmAlg.NULL) throw TpmRc.error(TpmRc.HASH);
        boolean restricted = p.has(TpmPublic.RESTRICTED), sign = p.has(TpmPublic.SIGN), decrypt = p.has(TpmPublic.DECRYPT);
        if (p.type == TpmAlg.RSA || p.type == TpmAlg.ECC) {
            if (s.data().length != 0) throw TpmRc.error(TpmRc.VALUE);
            if (!p.has(TpmPublic.SENSITIVE_DATA_ORIGIN)) throw TpmRc.error(TpmRc.ATTRIBUTES);
            if (restricted && decrypt && sign) throw TpmRc.error(TpmRc.ATTRIBUTES);
            if (restricted && decrypt && (p.symAlg != TpmAlg.AES || p.symMode != TpmAlg.CFB || p.scheme != TpmAlg.NULL))
                throw TpmRc.error(TpmRc.SYMMETRIC);
            if (!(restricted && decrypt) && p.symAlg != TpmAlg.NULL) throw TpmRc.error(TpmRc.SYMMETRIC);
            if (restricted && sign && p.scheme == TpmAlg.NULL) throw TpmRc.error(TpmRc.SCHEME);
            if (p.scheme != TpmAlg.NULL && p.scheme != TpmAlg.ECDSA && p.scheme != TpmAlg.RSASSA && p.scheme != TpmAlg.RSAES && p.scheme != TpmAlg.OAEP)
                throw TpmRc.error(TpmRc.SCHEME);
            if (p.scheme != TpmAlg.NULL && p.scheme != TpmAlg.RSAES && !TpmAlg.isHash(p.schemeHash)) throw TpmRc.error(TpmRc.HASH);
            if (p.symAlg == TpmAlg.AES && p.symKeyBits != 128 && p.symKeyBits != 256) throw TpmRc.error(TpmRc.KEY_SIZE);
        } else if (p.type == TpmAlg.KEYEDHASH) {
            if (p.has(TpmPublic.SENSITIVE_DATA_ORIGIN) == (s.data().length != 0)) throw TpmRc.error(TpmRc.ATTRIBUTES);
            if (sign && decrypt) throw TpmRc.error(TpmRc.ATTRIBUTES);
        } else if (p.type == TpmAlg.SYMCIPHER) {
            if (p.symAlg != TpmAlg.AES || (p.symKeyBits != 128 && p.symKeyBits != 256)) throw TpmRc.error(TpmRc.SYMMETRIC);
        }
    }

    /** TPM2B_PRIVATE contents: TPM2B integrity HMAC || AES-CFB(TPM2B(sensitive)) under the parent's seed. */
    static byte[] wrap(TpmObject parent, TpmObject child) {
        int alg = parent.pub.nameAlg;
        byte[] symKey = TpmKdf.kdfa(alg, parent.seedValue, "STORAGE", child.name, new byte[0], parent.pub.symKeyBits);
        byte[] plain = new TpmWriter().tpm2b(child.marshalSensitive()).toBytes();
        byte[] enc = TpmKdf.aesCfb(true, symKey, new byte[16], plain);
        byte[] hmacKey = TpmKdf.kdfa(alg, parent.seedValue, "INTEGRITY", new byte[0], new byte[0], TpmAlg.digestSize(alg) * 8);
        byte[] integrity = TpmKdf.hmac(alg, hmacKey, enc, child.name);
        return new TpmWriter().tpm2b(integrity).bytes(enc).toBytes();
    }

    private static void load(TpmEngine t, TpmCall c) {
        TpmObject parent = t.object(c.handles[0], 1);
        if (!parent.isStorageParent()) throw TpmRc.error(TpmRc.handle(TpmRc.TYPE, 1));
        byte[] blob = c.p(1).tpm2b(4096);
        TpmReader pr = c.p(2).sub(c.in.u16());
        TpmPublic pub = TpmPublic.read(pr);
        if (pr.remaining() != 0) throw TpmRc.error(TpmRc.SIZE);
        c.param = 1;
        TpmObject o = new TpmObject();
        o.pub = pub;
        o.name = pub.name();
        int alg = parent.pub.nameAlg;
        TpmReader br = new TpmReader(blob);
        br.onShort(TpmRc.INTEGRITY);
        byte[] integrity = br.tpm2b(64);
        byte[] enc = br.rest();
        byte[] hmacKey = TpmKdf.kdfa(alg, parent.seedValue, "INTEGRITY", new byte[0], new byte[0], TpmAlg.digestSize(alg) * 8);
        if (!TpmKdf.equal(integrity, TpmKdf.hmac(alg, hmacKey, enc, o.name))) throw TpmRc.error(TpmRc.INTEGRITY);
        byte[] symKey = TpmKdf.kdfa(alg, parent.seedValue, "STORAGE", o.name, new byte[0], parent.pub.symKeyBits);
        TpmReader sr = new TpmReader(TpmKdf.aesCfb(false, symKey, new byte[16], enc));
        sr.onShort(TpmRc.INTEGRITY);
        o.readSensitive(sr.sub(sr.u16()));
        c.param = 0;
        o.hierarchy = parent.hierarchy;
        o.qualifiedName = qualifiedName(pub.nameAlg, parent.qualifiedName, o.name);
        c.outHandle = t.addObject(o);
        c.out.tpm2b(o.name);
    }

    private static void loadExternal(TpmEngine t, TpmCall c) {
        int sensSize = c.p(1).u16();
        TpmReader sr = c.in.sub(sensSize);
        TpmReader pr = c.p(2).sub(c.in.u16());
        TpmPublic pub = TpmPublic.read(pr);
        int hierarchy = TpmHashCommands.hierarchy(c.p(3).u32());
        c.param = 0;
        TpmObject o = new TpmObject();
        o.pub = pub;
        if (sensSize > 0) {
            c.param = 1;
            int type = sr.u16();
            if (type != pub.type) throw TpmRc.error(TpmRc.TYPE);
            o.authValue = sr.tpm2b(64);
            o.seedValue = sr.tpm2b(64);
            byte[] secret = sr.tpm2b(512);
            if (pub.type == TpmAlg.RSA) o.setPrivateKey(rsaFromPrime(pub, secret));
            else if (pub.type == TpmAlg.ECC) o.setPrivateKey(TpmKeys.decodePrivate(TpmAlg.ECC, secret));
            else o.sensitive = secret;
            // An external object with a private part must not claim TPM protections it never had.
            if (pub.has(TpmPublic.FIXED_TPM) || pub.has(TpmPublic.FIXED_PARENT)) throw TpmRc.error(TpmRc.ATTRIBUTES);
            c.param = 0;
        }
        o.hierarchy = hierarchy;
        o.name = pub.name();
        o.qualifiedName = qualifiedName(pub.nameAlg, new TpmWriter().u32(hierarchy).toBytes(), o.name);
        c.outHandle = t.addObject(o);
        c.out.tpm2b(o.name);
    }

    /** TPMT_SENSITIVE holds one RSA prime; the rest of the private key follows from the modulus. */
    private static PrivateKey rsaFromPrime(TpmPublic pub, byte[] prime) {
        try {
            BigInteger n = new BigInteger(1, pub.unique), p = new BigInteger(1, prime);
            if (p.signum() == 0 || !n.mod(p).equals(BigInteger.ZERO)) throw TpmRc.error(TpmRc.KEY);
            BigInteger q = n.divide(p);
            BigInteger e = BigInteger.valueOf(pub.exponent == 0 ? 65537 : pub.exponent & 0xFFFFFFFFL);
            BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
            BigInteger d = e.modInverse(phi);
            return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q,
                    d.mod(p.subtract(BigInteger.ONE)), d.mod(q.subtract(BigInteger.ONE)), q.modInverse(p)));
        } catch (java.security.GeneralSecurityException | ArithmeticException e) {
            throw TpmRc.error(TpmRc.KEY);
        }
    }
}
