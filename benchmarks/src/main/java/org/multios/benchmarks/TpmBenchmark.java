package org.multios.benchmarks;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.multios.devices.tpm.TpmAlg;
import org.multios.devices.tpm.TpmCc;
import org.multios.devices.tpm.TpmEngine;
import org.multios.devices.tpm.TpmPublic;
import org.multios.devices.tpm.TpmReader;
import org.multios.devices.tpm.TpmState;
import org.multios.devices.tpm.TpmWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TPM 2.0 engine throughput, whole commands through {@link TpmEngine#execute} (header and
 * session parsing, authorization, the operation, response marshalling): PCR_Extend of both
 * banks, and Sign with an ECDSA P-256 and an RSA-2048 RSASSA key. Scores are operations per
 * second. Run: {@code java -jar benchmarks/target/benchmarks.jar TpmBenchmark}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class TpmBenchmark {
    private static final int RS_PW = 0x40000009;

    TpmEngine tpm;
    byte[] extend, signEcdsa, signRsa;

    static byte[] command(int cc, byte[] params, int... handles) {
        TpmWriter w = new TpmWriter().u16(0x8002).u32(0).u32(cc);
        for (int h : handles) w.u32(h);
        byte[] auth = new TpmWriter().u32(RS_PW).u16(0).u8(1).u16(0).toBytes();
        w.u32(auth.length).bytes(auth).bytes(params);
        w.patch32(2, w.size());
        return w.toBytes();
    }

    static int rc(byte[] r) { return new TpmReader(r, 6, 10).u32(); }

    private int primary(TpmPublic template) {
        byte[] params = new TpmWriter().u16(4).u16(0).u16(0).bytes(template.marshal2b()).u16(0).u32(0).toBytes();
        byte[] r = tpm.execute(0, command(TpmCc.CreatePrimary, params, TpmEngine.RH_OWNER));
        if (rc(r) != 0) throw new IllegalStateException("CreatePrimary failed");
        return new TpmReader(r, 10, r.length).u32();
    }

    private static TpmPublic signingKey(int type) {
        TpmPublic p = new TpmPublic();
        p.type = type;
        p.nameAlg = TpmAlg.SHA256;
        p.attributes = TpmPublic.FIXED_TPM | TpmPublic.FIXED_PARENT | TpmPublic.SENSITIVE_DATA_ORIGIN | TpmPublic.USER_WITH_AUTH | TpmPublic.SIGN;
        p.scheme = type == TpmAlg.ECC ? TpmAlg.ECDSA : TpmAlg.RSASSA;
        p.schemeHash = TpmAlg.SHA256;
        p.curve = TpmAlg.ECC_NIST_P256;
        p.keyBits = 2048;
        return p;
    }

    private static byte[] signParams() {
        return new TpmWriter().tpm2b(new byte[32]).u16(TpmAlg.NULL).u16(0x8024).u32(TpmEngine.RH_NULL).u16(0).toBytes();
    }

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        tpm = new TpmEngine(TpmState.manufacture(null, random), random);
        tpm.execute(0, new TpmWriter().u16(0x8001).u32(12).u32(TpmCc.Startup).u16(0).toBytes());
        extend = command(TpmCc.PCR_Extend, new TpmWriter().u32(2).u16(TpmAlg.SHA1).bytes(new byte[20])
                .u16(TpmAlg.SHA256).bytes(new byte[32]).toBytes(), 16);
        signEcdsa = command(TpmCc.Sign, signParams(), primary(signingKey(TpmAlg.ECC)));
        signRsa = command(TpmCc.Sign, signParams(), primary(signingKey(TpmAlg.RSA)));
        for (byte[] c : new byte[][] {extend, signEcdsa, signRsa})
            if (rc(tpm.execute(0, c)) != 0) throw new IllegalStateException("benchmark command fails");
    }

    @Benchmark
    public byte[] pcrExtend() { return tpm.execute(0, extend); }

    @Benchmark
    public byte[] signEcdsaP256() { return tpm.execute(0, signEcdsa); }

    @Benchmark
    public byte[] signRsa2048() { return tpm.execute(0, signRsa); }
}
