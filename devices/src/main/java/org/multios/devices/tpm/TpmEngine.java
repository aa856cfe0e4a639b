package org.multios.devices.tpm;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TPM 2.0 engine: command header and session-area processing (Part 1, 18-19; Part 3, 5),
 * handle resolution, authorization (password and HMAC sessions), and dispatch to the command
 * groups. Every failure becomes a TPM response code; {@link #execute} never throws for bad input.
 */
public final class TpmEngine implements Tpm {
    public static final int ST_RSP_COMMAND = 0x00C4, ST_NO_SESSIONS = 0x8001, ST_SESSIONS = 0x8002;
    public static final int RH_OWNER = 0x40000001, RH_NULL = 0x40000007, RS_PW = 0x40000009,
            RH_LOCKOUT = 0x4000000A, RH_ENDORSEMENT = 0x4000000B, RH_PLATFORM = 0x4000000C;
    static final int MAX_COMMAND = 4096, MAX_OBJECTS = 64, MAX_SESSIONS = 16;
    static final int SESSION_CONTINUE = 0x01, SESSION_DECRYPT = 0x20, SESSION_ENCRYPT = 0x40, SESSION_AUDIT = 0x80;

    /** How a command uses its handle area: {@code handles} handles, of which the first {@code authHandles} need authorization. */
    record Spec(int handles, int authHandles, Handler handler) {}

    @FunctionalInterface
    interface Handler { void run(TpmCall c); }

    final SecureRandom random;
    TpmState state;
    final Map<Integer, Spec> commands = new TreeMap<>();
    final Map<Integer, TpmObject> objects = new HashMap<>();
    final Map<Integer, TpmSession> sessions = new HashMap<>();
    boolean started;
    boolean powered = true;
    byte[] nullSeed;
    byte[] platformAuth = new byte[0];
    int nextSession;
    long contextSequence;
    int pcrUpdateCounter;
    final TpmPcrBanks pcrs;

    public TpmEngine(TpmState state, SecureRandom random) {
        this.state = state;
        this.random = random;
        this.pcrs = new TpmPcrBanks(this);
        this.nullSeed = TpmState.rnd(random);
        TpmBasicCommands.register(this);
        TpmPcrBanks.register(this);
        TpmHashCommands.register(this);
        TpmObjectCommands.register(this);
        TpmSigningCommands.register(this);
        TpmNvCommands.register(this);
    }

    /** An engine with state in {@code stateFile} (created when missing), or volatile state when null. */
    public static TpmEngine open(Path stateFile) throws IOException {
        SecureRandom r = new SecureRandom();
        return new TpmEngine(TpmState.open(stateFile, r), r);
    }

    void register(int cc, int handles, int authHandles, Handler h) { commands.put(cc, new Spec(handles, authHandles, h)); }

    public TpmState state() { return state; }

    @Override
    public synchronized void powerOn() {
        // _TPM_Init: volatile state is lost; Startup is required again.
        powered = true;
        started = false;
        objects.clear();
        sessions.clear();
    }

    @Override
    public synchronized void powerOff() {
        powered = false;
        started = false;
    }

    @Override
    public synchronized byte[] execute(int locality, byte[] command) {
        try {
            return run(locality, command);
        } catch (TpmException e) {
            return error(e.rc());
        } catch (RuntimeException e) {
            // A bug must not take the TPM down: report TPM_RC_FAILURE as a real TPM would.
            return error(TpmRc.FAILURE);
        }
    }

    static byte[] error(int rc) {
        return new TpmWriter().u16(rc == TpmRc.BAD_TAG ? ST_RSP_COMMAND : ST_NO_SESSIONS).u32(10).u32(rc).toBytes();
    }

    private record Auth(int handle, byte[] nonce, int attributes, byte[] hmac) {}

    private byte[] run(int locality, byte[] cmd) {
        TpmReader hdr = new TpmReader(cmd);
        hdr.onShort(TpmRc.COMMAND_SIZE);
        if (cmd.length < 10) throw TpmRc.error(TpmRc.COMMAND_SIZE);
        int tag = hdr.u16();
        int size = hdr.u32();
        int cc = hdr.u32();
        if (tag != ST_NO_SESSIONS && tag != ST_SESSIONS) throw TpmRc.error(TpmRc.BAD_TAG);
        if (size != cmd.length || size > MAX_COMMAND) throw TpmRc.error(TpmRc.COMMAND_SIZE);
        if (!powered) throw TpmRc.error(TpmRc.FAILURE);
        Spec spec = commands.get(cc);
        if (spec == null) throw TpmRc.error(TpmRc.COMMAND_CODE);
        if (!started && cc != TpmCc.Startup) throw TpmRc.error(TpmRc.INITIALIZE);
        if (started && cc == TpmCc.Startup) throw TpmRc.error(TpmRc.INITIALIZE);

        int[] handles = new int[spec.handles()];
        byte[][] names = new byte[spec.handles()][];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = hdr.u32();
            names[i] = nameOf(handles[i], i + 1);
        }
        List<Auth> auths = new ArrayList<>();
        if (tag == ST_SESSIONS) {
            int authSize = hdr.u32();
            if (authSize < 9 || authSize > hdr.remaining()) throw TpmRc.error(TpmRc.AUTHSIZE);
            TpmReader a = hdr.sub(authSize);
            a.onShort(TpmRc.AUTHSIZE);
            while (a.remaining() > 0) {
                if (auths.size() == 3) throw TpmRc.error(TpmRc.AUTHSIZE);
                int n = auths.size() + 1;
                int h = a.u32();
                byte[] nonce = a.tpm2b(64);
                int attrs = a.u8();
                byte[] hmac = a.tpm2b(64);
                if (h != RS_PW && !sessions.containsKey(h)) throw TpmRc.error(TpmRc.REFERENCE_S0 + n - 1);
                if ((attrs & 0x18) != 0) throw TpmRc.error(TpmRc.session(TpmRc.ATTRIBUTES, n));
                auths.add(new Auth(h, nonce, attrs, hmac));
            }
        }
        if (auths.size() < spec.authHandles()) throw TpmRc.error(TpmRc.AUTH_MISSING);
        byte[] params = hdr.rest();

        // Authorization of each handle that needs it, by the session in the same position.
        byte[] cpHashInput = null;
        int decryptSession = -1, encryptSession = -1;
        for (int i = 0; i < auths.size(); i++) {
            Auth a = auths.get(i);
            if ((a.attributes() & (SESSION_DECRYPT | SESSION_ENCRYPT)) != 0) {
                // Parameter encryption (Part 1, 21): AES-CFB sessions only, one of each kind, first parameter a TPM2B.
                TpmSession s = sessions.get(a.handle());
                if (s == null || s.symAlg != TpmAlg.AES) throw TpmRc.error(TpmRc.session(TpmRc.SYMMETRIC, i + 1));
                if ((a.attributes() & SESSION_DECRYPT) != 0) {
                    if (decryptSession >= 0 || !TpmParameterEncryption.commandStartsWith2b(cc)) throw TpmRc.error(TpmRc.session(TpmRc.ATTRIBUTES, i + 1));
                    decryptSession = i;
                }
                if ((a.attributes() & SESSION_ENCRYPT) != 0) {
                    if (encryptSession >= 0 || !TpmParameterEncryption.responseStartsWith2b(cc)) throw TpmRc.error(TpmRc.session(TpmRc.ATTRIBUTES, i + 1));
                    encryptSession = i;
                }
            }
            if (a.handle() == RS_PW) {
                if (i >= spec.authHandles()) throw TpmRc.error(TpmRc.session(TpmRc.VALUE, i + 1));
                if (a.nonce().length != 0) throw TpmRc.error(TpmRc.session(TpmRc.NONCE, i + 1));
                if (!TpmKdf.equal(a.hmac(), authValueOf(handles[i], i + 1))) throw TpmRc.error(TpmRc.session(TpmRc.AUTH_FAIL, i + 1));
            } else {
                TpmSession s = sessions.get(a.handle());
                if (s.type != TpmSession.HMAC) throw TpmRc.error(TpmRc.session(TpmRc.AUTH_TYPE, i + 1));
                if (cpHashInput == null) cpHashInput = cpHashInput(cc, names, params);
                s.nonceCaller = a.nonce();
                if (i < spec.authHandles()) {
                    byte[] key = hmacKey(s, handles[i], names[i], i + 1);
                    byte[] cpHash = TpmAlg.hash(s.authHash, cpHashInput);
                    byte[] expect = TpmKdf.hmac(s.authHash, key, cpHash, a.nonce(), s.nonceTpm, new byte[] {(byte) a.attributes()});
                    if (!TpmKdf.equal(expect, a.hmac())) throw TpmRc.error(TpmRc.session(TpmRc.AUTH_FAIL, i + 1));
                }
            }
        }

        if (decryptSession >= 0) {
            TpmSession s = sessions.get(auths.get(decryptSession).handle());
            byte[] key = decryptSession < spec.authHandles() ? hmacKey(s, handles[decryptSession], names[decryptSession], decryptSession + 1) : s.sessionKey;
            params = TpmParameterEncryption.cfb(false, s, key, s.nonceCaller, s.nonceTpm, params);
        }
        TpmCall call = new TpmCall(cc, locality, handles, new TpmReader(params));
        try {
            spec.handler().run(call);
            call.param = 0;
            if (call.in.remaining() != 0) throw TpmRc.error(TpmRc.SIZE);
        } catch (TpmException e) {
            int rc = e.rc();
            // A format-one code from parameter parsing gets the parameter's number.
            if ((rc & 0x80) != 0 && (rc & 0xF40) == 0 && call.param > 0) rc = TpmRc.parameter(rc, call.param);
            throw TpmRc.error(rc);
        }

        byte[] rparams = call.out.toBytes();
        TpmWriter w = new TpmWriter().u16(tag).u32(0).u32(TpmRc.SUCCESS);
        if (call.outHandle != null) w.u32(call.outHandle);
        if (tag == ST_SESSIONS) {
            for (Auth a : auths) {
                TpmSession s = a.handle() == RS_PW ? null : sessions.get(a.handle());
                if (s != null) s.nonceTpm = randomBytes(TpmAlg.digestSize(s.authHash));
            }
            if (encryptSession >= 0 && sessions.containsKey(auths.get(encryptSession).handle())) {
                TpmSession s = sessions.get(auths.get(encryptSession).handle());
                byte[] key = encryptSession < spec.authHandles() ? hmacKey(s, handles[encryptSession], names[encryptSession], encryptSession + 1) : s.sessionKey;
                rparams = TpmParameterEncryption.cfb(true, s, key, s.nonceTpm, s.nonceCaller, rparams);
            }
            w.u32(rparams.length).bytes(rparams);
            byte[] rpInput = null;
            for (int i = 0; i < auths.size(); i++) {
                Auth a = auths.get(i);
                if (a.handle() == RS_PW) {
                    w.u16(0).u8(SESSION_CONTINUE).u16(0);
                    continue;
                }
                TpmSession s = sessions.get(a.handle());
                if (s == null) { // flushed by this very command
                    w.u16(0).u8(a.attributes()).u16(0);
                    continue;
                }
                if (rpInput == null) rpInput = new TpmWriter().u32(TpmRc.SUCCESS).u32(cc).bytes(rparams).toBytes();
                byte[] key = i < spec.authHandles() ? hmacKey(s, handles[i], names[i], i + 1) : s.sessionKey;
                byte[] rpHash = TpmAlg.hash(s.authHash, rpInput);
                byte[] hmac = TpmKdf.hmac(s.authHash, key, rpHash, s.nonceTpm, a.nonce(), new byte[] {(byte) a.attributes()});
                w.tpm2b(s.nonceTpm).u8(a.attributes()).tpm2b(hmac);
                if ((a.attributes() & SESSION_CONTINUE) == 0) sessions.remove(a.handle());
            }
        } else {
            w.bytes(rparams);
        }
        w.patch32(2, w.size());
        return w.toBytes();
    }

    private static byte[] cpHashInput(int cc, byte[][] names, byte[] params) {
        TpmWriter w = new TpmWriter().u32(cc);
        for (byte[] n : names) w.bytes(n);
        return w.bytes(params).toBytes();
    }

    private byte[] hmacKey(TpmSession s, int handle, byte[] name, int n) {
        byte[] auth = authValueOf(handle, n);
        // A session bound to this very entity already has its authValue in the session key.
        if (s.boundName != null && java.util.Arrays.equals(s.boundName, name)) auth = new byte[0];
        byte[] key = new byte[s.sessionKey.length + auth.length];
        System.arraycopy(s.sessionKey, 0, key, 0, s.sessionKey.length);
        System.arraycopy(auth, 0, key, s.sessionKey.length, auth.length);
        return key;
    }

    /** The name of an entity (Part 1, 16): the handle itself for PCRs, hierarchies and sessions. */
    byte[] nameOf(int handle, int n) {
        int kind = handle >>> 24;
        switch (kind) {
            case 0x80 -> {
                // Transient handles run from TRANSIENT_FIRST over MAX_OBJECTS slots; beyond is a bad value (as the reference TPM).
                if ((handle & 0xFFFFFF) >= MAX_OBJECTS) throw TpmRc.error(TpmRc.handle(TpmRc.VALUE, n));
                TpmObject o = objects.get(handle);
                if (o == null) throw TpmRc.error(TpmRc.REFERENCE_H0 + n - 1);
                return o.name == null ? new TpmWriter().u32(handle).toBytes() : o.name;
            }
            case 0x01 -> {
                TpmNvIndex nv = state.nv.get(handle);
                if (nv == null) throw TpmRc.error(TpmRc.handle(TpmRc.HANDLE, n));
                return nv.name();
            }
            case 0x00 -> {
                if (handle >= TpmState.PCR_COUNT) throw TpmRc.error(TpmRc.handle(TpmRc.VALUE, n));
                return new TpmWriter().u32(handle).toBytes();
            }
            case 0x40 -> {
                if (handle != RH_OWNER && handle != RH_NULL && handle != RH_LOCKOUT && handle != RH_ENDORSEMENT && handle != RH_PLATFORM)
                    throw TpmRc.error(TpmRc.handle(TpmRc.VALUE, n));
                return new TpmWriter().u32(handle).toBytes();
            }
            case 0x02, 0x03 -> {
                if (!sessions.containsKey(handle)) throw TpmRc.error(TpmRc.REFERENCE_H0 + n - 1);
                return new TpmWriter().u32(handle).toBytes();
            }
            default -> throw TpmRc.error(TpmRc.handle(TpmRc.HANDLE, n));
        }
    }

    byte[] authValueOf(int handle, int n) {
        return switch (handle) {
            case RH_OWNER -> state.ownerAuth;
            case RH_ENDORSEMENT -> state.endorsementAuth;
            case RH_LOCKOUT -> state.lockoutAuth;
            case RH_PLATFORM -> platformAuth;
            case RH_NULL -> new byte[0];
            default -> switch (handle >>> 24) {
                case 0x80 -> object(handle, n).authValue;
                case 0x01 -> state.nv.get(handle).authValue;
                default -> new byte[0];
            };
        };
    }

    TpmObject object(int handle, int n) {
        TpmObject o = objects.get(handle);
        if (o == null) throw TpmRc.error(TpmRc.REFERENCE_H0 + n - 1);
        return o;
    }

    int addObject(TpmObject o) {
        if (objects.size() >= MAX_OBJECTS) throw TpmRc.error(TpmRc.OBJECT_MEMORY);
        int h = 0x80000000;
        while (objects.containsKey(h)) h++; // the lowest free slot, as the reference TPM hands them out
        objects.put(h, o);
        return h;
    }

    int addSession(TpmSession s) {
        if (sessions.size() >= MAX_SESSIONS) throw TpmRc.error(TpmRc.SESSION_MEMORY);
        int base = s.type == TpmSession.HMAC ? 0x02000000 : 0x03000000;
        int h;
        do { h = base | (nextSession++ & 0xFFFFFF); } while (sessions.containsKey(h));
        s.handle = h;
        sessions.put(h, s);
        return h;
    }

    /** The primary seed of a hierarchy (Part 1, 14.4). */
    byte[] seedOf(int hierarchy) {
        return switch (hierarchy) {
            case RH_OWNER -> state.ownerSeed;
            case RH_ENDORSEMENT -> state.endorsementSeed;
            case RH_PLATFORM -> state.platformSeed;
            case RH_NULL -> nullSeed;
            default -> throw TpmRc.error(TpmRc.HIERARCHY);
        };
    }

    /** The hierarchy's proof value, the HMAC key of its tickets (derived from its seed). */
    byte[] proofOf(int hierarchy) {
        return TpmKdf.kdfa(TpmAlg.SHA256, seedOf(hierarchy), "PROOF", new byte[0], new byte[0], 256);
    }

    /** A ticket (TPMT_TK_*, Part 2, 10.7): tag, hierarchy, HMAC(proof, tag || data...). */
    byte[] ticket(int tag, int hierarchy, byte[]... data) {
        TpmWriter w = new TpmWriter().u16(tag).u32(hierarchy);
        if (hierarchy == RH_NULL) return w.u16(0).toBytes();
        byte[][] parts = new byte[data.length + 1][];
        parts[0] = new TpmWriter().u16(tag).toBytes();
        System.arraycopy(data, 0, parts, 1, data.length);
        return w.tpm2b(TpmKdf.hmac(TpmAlg.SHA256, proofOf(hierarchy), parts)).toBytes();
    }

    byte[] randomBytes(int n) { byte[] b = new byte[n]; random.nextBytes(b); return b; }

    public int objectCount() { return objects.size(); }
}
