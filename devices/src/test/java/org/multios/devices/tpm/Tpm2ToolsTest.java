package org.multios.devices.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's tpm2-tools against our engine over the mssim TCTI (issue 7, must show 1). Needs
 * tpm2-tools and libtss2-tcti-mssim0; skipped without them, failed under MULTIOS_REQUIRE_ORACLES=1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Tpm2ToolsTest {
    static MssimServer server;
    static int port;
    @TempDir
    static Path dir;

    record Result(int status, String out, String err) {}

    static boolean toolsPresent() {
        boolean tools = Files.isExecutable(Path.of("/usr/bin/tpm2_startup"));
        boolean tcti = false;
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/lib64"})
            tcti |= Files.exists(Path.of(d, "libtss2-tcti-mssim.so.0"));
        return tools && tcti;
    }

    @BeforeAll
    static void start() throws Exception {
        if (!toolsPresent()) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
                fail("tpm2-tools / libtss2-tcti-mssim0 are not installed, and MULTIOS_REQUIRE_ORACLES=1 requires them");
            assumeTrue(false, "tpm2-tools not installed");
        }
        TpmEngine engine = TpmEngine.open(dir.resolve("tpm.state"));
        for (int attempt = 0; ; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 60000) & ~1;
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
                // both free a moment ago
            } catch (IOException e) {
                continue;
            }
            try {
                server = MssimServer.start(engine, "127.0.0.1", p);
                port = p;
                break;
            } catch (IOException e) {
                if (attempt > 20) throw e;
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Result tool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("TPM2TOOLS_TCTI", "mssim:host=127.0.0.1,port=" + port);
        Path out = dir.resolve("stdout"), err = dir.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", args) + ": timed out");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static String ok(String... args) throws Exception {
        Result r = tool(args);
        assertEquals(0, r.status(), String.join(" ", args) + " failed: " + r.err());
        return r.out();
    }

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }

    @Test
    @Order(1)
    void startupAndRandom() throws Exception {
        ok("tpm2_startup", "-c");
        String hex = ok("tpm2_getrandom", "--hex", "16").strip();
        assertTrue(hex.matches("[0-9a-f]{32}"), hex);
        assertNotEquals(hex, ok("tpm2_getrandom", "--hex", "16").strip());
    }

    @Test
    @Order(2)
    void pcrExtendMatchesHostSha256() throws Exception {
        byte[] d1 = sha256("first".getBytes(StandardCharsets.UTF_8));
        byte[] d2 = sha256("second".getBytes(StandardCharsets.UTF_8));
        ok("tpm2_pcrreset", "16");
        ok("tpm2_pcrextend", "16:sha256=" + HexFormat.of().formatHex(d1));
        ok("tpm2_pcrextend", "16:sha256=" + HexFormat.of().formatHex(d2));
        byte[] expect = sha256(sha256(new byte[32], d1), d2);
        String out = ok("tpm2_pcrread", "sha256:16");
        Matcher m = Pattern.compile("16\\s*:\\s*0x([0-9A-Fa-f]{64})").matcher(out);
        assertTrue(m.find(), out);
        assertArrayEquals(expect, HexFormat.of().parseHex(m.group(1).toLowerCase()));
        // The SHA-1 bank was not extended by a SHA-256-only extend.
        assertTrue(ok("tpm2_pcrread", "sha1:16").contains("0x0000000000000000000000000000000000000000"));
    }

    @Test
    @Order(3)
    void createLoadSignVerify() throws Exception {
        Files.writeString(dir.resolve("msg"), "message to sign\n");
        ok("tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", "primary.ctx");
        for (String alg : new String[] {"ecc:ecdsa-sha256:null", "rsa2048:rsassa-sha256:null"}) {
            String k = alg.substring(0, 3);
            ok("tpm2_create", "-C", "primary.ctx", "-G", alg, "-u", k + ".pub", "-r", k + ".priv");
            ok("tpm2_load", "-C", "primary.ctx", "-u", k + ".pub", "-r", k + ".priv", "-c", k + ".ctx");
            ok("tpm2_sign", "-c", k + ".ctx", "-g", "sha256", "-o", k + ".sig", "msg");
            ok("tpm2_verifysignature", "-c", k + ".ctx", "-g", "sha256", "-m", "msg", "-s", k + ".sig");
            // A different message must not verify.
            Files.writeString(dir.resolve("other"), "another message\n");
            assertNotEquals(0, tool("tpm2_verifysignature", "-c", k + ".ctx", "-g", "sha256", "-m", "other", "-s", k + ".sig").status());
        }
        // tpm2-tools' default primary (an RSA-2048 storage key, AES-128-CFB) as the parent.
        ok("tpm2_createprimary", "-C", "o", "-c", "rsaprimary.ctx");
        ok("tpm2_create", "-C", "rsaprimary.ctx", "-G", "ecc:ecdsa-sha256:null", "-u", "k2.pub", "-r", "k2.priv");
        ok("tpm2_load", "-C", "rsaprimary.ctx", "-u", "k2.pub", "-r", "k2.priv", "-c", "k2.ctx");
        ok("tpm2_sign", "-c", "k2.ctx", "-g", "sha256", "-o", "k2.sig", "msg");
        ok("tpm2_verifysignature", "-c", "k2.ctx", "-g", "sha256", "-m", "msg", "-s", "k2.sig");
        // A blob is bound to its parent: loading it under another parent fails.
        assertNotEquals(0, tool("tpm2_load", "-C", "primary.ctx", "-u", "k2.pub", "-r", "k2.priv", "-c", "k3.ctx").status());
        // A tampered private blob is refused by TPM2_Load (integrity HMAC).
        byte[] priv = Files.readAllBytes(dir.resolve("ecc.priv"));
        priv[priv.length - 5] ^= 1;
        Files.write(dir.resolve("bad.priv"), priv);
        assertNotEquals(0, tool("tpm2_load", "-C", "primary.ctx", "-u", "ecc.pub", "-r", "bad.priv", "-c", "bad.ctx").status());
    }

    @Test
    @Order(4)
    void quoteAndCheckQuote() throws Exception {
        ok("tpm2_createprimary", "-C", "e", "-G", "ecc", "-c", "ek.ctx");
        ok("tpm2_create", "-C", "ek.ctx", "-G", "ecc:ecdsa-sha256:null", "-u", "ak.pub", "-r", "ak.priv",
                "-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign");
        ok("tpm2_load", "-C", "ek.ctx", "-u", "ak.pub", "-r", "ak.priv", "-c", "ak.ctx");
        ok("tpm2_quote", "-c", "ak.ctx", "-l", "sha256:0,16", "-q", "c0ffee01", "-m", "quote.msg", "-s", "quote.sig",
                "-o", "quote.pcrs", "-g", "sha256");
        ok("tpm2_readpublic", "-c", "ak.ctx", "-f", "pem", "-o", "ak.pem");
        ok("tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig", "-f", "quote.pcrs", "-g", "sha256", "-q", "c0ffee01");
        assertNotEquals(0, tool("tpm2_checkquote", "-u", "ak.pem", "-m", "quote.msg", "-s", "quote.sig", "-f", "quote.pcrs",
                "-g", "sha256", "-q", "c0ffee02").status(), "a wrong nonce must not check");
    }

    @Test
    @Order(5)
    void nvDefineWriteRead() throws Exception {
        ok("tpm2_nvdefine", "0x1500016", "-C", "o", "-s", "32", "-a", "ownerread|ownerwrite|authread|authwrite");
        Files.writeString(dir.resolve("nv.in"), "MultiOS NV data");
        ok("tpm2_nvwrite", "0x1500016", "-C", "o", "-i", "nv.in");
        ok("tpm2_nvread", "0x1500016", "-C", "o", "-s", "15", "-o", "nv.out");
        assertEquals("MultiOS NV data", Files.readString(dir.resolve("nv.out")));
        // Index authValue through an HMAC session that also encrypts the parameters both ways (AES-128-CFB).
        ok("tpm2_nvdefine", "0x1500017", "-C", "o", "-s", "16", "-a", "ownerread|ownerwrite|authread|authwrite", "-p", "secret");
        ok("tpm2_startauthsession", "-S", "enc.ctx", "--hmac-session");
        ok("tpm2_sessionconfig", "enc.ctx", "--enable-decrypt", "--enable-encrypt");
        Files.writeString(dir.resolve("enc.in"), "parameter crypto");
        ok("tpm2_nvwrite", "0x1500017", "-C", "0x1500017", "-P", "session:enc.ctx+secret", "-i", "enc.in");
        ok("tpm2_nvread", "0x1500017", "-C", "0x1500017", "-P", "session:enc.ctx+secret", "-s", "16", "-o", "enc.out");
        assertEquals("parameter crypto", Files.readString(dir.resolve("enc.out")));
        // The TPM decrypted what it stored: a plain password read gives the same text.
        ok("tpm2_nvread", "0x1500017", "-C", "0x1500017", "-P", "secret", "-s", "16", "-o", "plain.out");
        assertEquals("parameter crypto", Files.readString(dir.resolve("plain.out")));
        assertNotEquals(0, tool("tpm2_nvread", "0x1500017", "-C", "0x1500017", "-P", "wrong", "-s", "16").status());
        ok("tpm2_flushcontext", "enc.ctx");
        ok("tpm2_nvundefine", "0x1500017", "-C", "o");
        ok("tpm2_nvundefine", "0x1500016", "-C", "o");
        assertNotEquals(0, tool("tpm2_nvread", "0x1500016", "-C", "o", "-s", "15").status());
    }

    @Test
    @Order(6)
    void capabilitiesHashSessionsAndClear() throws Exception {
        assertTrue(ok("tpm2_getcap", "properties-fixed").contains("value: \"2.0\""));
        assertTrue(ok("tpm2_getcap", "algorithms").contains("ecdsa"));
        assertTrue(ok("tpm2_getcap", "commands").contains("TPM2_CC_PCR_Extend"));
        assertTrue(ok("tpm2_getcap", "pcrs").contains("sha256"));
        ok("tpm2_getcap", "properties-variable");
        ok("tpm2_getcap", "ecc-curves");
        Files.writeString(dir.resolve("abc"), "abc");
        ok("tpm2_hash", "-g", "sha256", "-C", "o", "-o", "abc.hash", "-t", "abc.tk", "abc");
        assertArrayEquals(sha256("abc".getBytes(StandardCharsets.UTF_8)), Files.readAllBytes(dir.resolve("abc.hash")));
        ok("tpm2_selftest", "-f");
        ok("tpm2_stirrandom", "abc");
        ok("tpm2_startauthsession", "-S", "session.ctx");
        ok("tpm2_flushcontext", "session.ctx");
        String before = ok("tpm2_readpublic", "-c", "primary.ctx");
        ok("tpm2_clear", "-c", "l");
        // Contexts saved under the old owner seed no longer load.
        assertNotEquals(0, tool("tpm2_readpublic", "-c", "primary.ctx").status());
        // After TPM2_Clear the owner seed is new: the same template gives another key.
        ok("tpm2_createprimary", "-C", "o", "-G", "ecc", "-c", "after.ctx");
        String after = ok("tpm2_readpublic", "-c", "after.ctx");
        assertNotEquals(before.lines().filter(l -> l.startsWith("name:")).findFirst().orElseThrow(),
                after.lines().filter(l -> l.startsWith("name:")).findFirst().orElseThrow());
        ok("tpm2_shutdown");
    }
}
