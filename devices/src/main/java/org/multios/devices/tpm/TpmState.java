package org.multios.devices.tpm;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a TPM keeps across power cycles (its NV memory): the hierarchies' primary seeds and
 * authValues, NV indices, the context-protection key, the clock and reset counters, and the
 * PCR banks (restored only by Startup(STATE)). Saved to a file when given one.
 */
public final class TpmState {
    private static final int MAGIC = 0x4D4F5354; // "MOST": MultiOS TPM state
    private static final int VERSION = 1;
    public static final int PCR_COUNT = 24;
    public static final int[] BANKS = {TpmAlg.SHA1, TpmAlg.SHA256};

    public byte[] platformSeed, ownerSeed, endorsementSeed, contextKey;
    public byte[] ownerAuth = new byte[0], endorsementAuth = new byte[0], lockoutAuth = new byte[0];
    public final Map<Integer, TpmNvIndex> nv = new TreeMap<>();
    public long clock;
    public int resetCount, restartCount;
    public boolean orderlyShutdownState;
    /** pcrs[bank index][pcr] */
    public final byte[][][] pcrs = new byte[BANKS.length][PCR_COUNT][];

    private final Path file;

    private TpmState(Path file) { this.file = file; }

    /** A fresh TPM as manufactured: new random seeds. */
    public static TpmState manufacture(Path file, SecureRandom random) {
        TpmState s = new TpmState(file);
        s.platformSeed = rnd(random);
        s.ownerSeed = rnd(random);
        s.endorsementSeed = rnd(random);
        s.contextKey = rnd(random);
        s.resetPcrs();
        return s;
    }

    static byte[] rnd(SecureRandom r) { byte[] b = new byte[32]; r.nextBytes(b); return b; }

    public void resetPcrs() {
        for (int b = 0; b < BANKS.length; b++)
            for (int i = 0; i < PCR_COUNT; i++) pcrs[b][i] = new byte[TpmAlg.digestSize(BANKS[b])];
    }

    /** Loads the state file, or manufactures a TPM when the file does not exist yet. */
    public static TpmState open(Path file, SecureRandom random) throws IOException {
        if (file == null || !Files.exists(file)) {
            TpmState s = manufacture(file, random);
            if (file != null) s.save();
            return s;
        }
        TpmState s = new TpmState(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) throw new IOException(file + " is not a MultiOS TPM state file");
            s.platformSeed = read(in);
            s.ownerSeed = read(in);
            s.endorsementSeed = read(in);
            s.contextKey = read(in);
            s.ownerAuth = read(in);
            s.endorsementAuth = read(in);
            s.lockoutAuth = read(in);
            s.clock = in.readLong();
            s.resetCount = in.readInt();
            s.restartCount = in.readInt();
            s.orderlyShutdownState = in.readBoolean();
            for (int b = 0; b < BANKS.length; b++)
                for (int i = 0; i < PCR_COUNT; i++) s.pcrs[b][i] = read(in);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                TpmNvIndex nv = TpmNvIndex.readPublic(new TpmReader(read(in)));
                nv.authValue = read(in);
                nv.data = read(in);
                s.nv.put(nv.index, nv);
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read TPM state " + file + ": " + (e.getMessage() == null ? "truncated or corrupt" : e.getMessage()));
        }
        return s;
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 20) throw new IOException("corrupt length");
        return in.readNBytes(n);
    }

    private static void write(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** Writes the state file (atomically: a crash leaves the old or the new state, not a mix). */
    public void save() {
        if (file == null) return;
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bo);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            for (byte[] b : new byte[][] {platformSeed, ownerSeed, endorsementSeed, contextKey, ownerAuth, endorsementAuth, lockoutAuth})
                write(out, b);
            out.writeLong(clock);
            out.writeInt(resetCount);
            out.writeInt(restartCount);
            out.writeBoolean(orderlyShutdownState);
            for (int b = 0; b < BANKS.length; b++)
                for (int i = 0; i < PCR_COUNT; i++) write(out, pcrs[b][i]);
            out.writeInt(nv.size());
            for (TpmNvIndex x : nv.values()) {
                write(out, x.marshalPublic());
                write(out, x.authValue);
                write(out, x.data);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, bo.toByteArray());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot write TPM state " + file + ": " + e.getMessage(), e));
        }
    }
}
