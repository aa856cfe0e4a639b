package org.multios.devices.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external swtpm behind our TIS interface (SwtpmBackend), and swtpm as an oracle for our
 * engine: the same PCR commands give the same PCR values, and the same malformed headers the
 * same response codes. Needs swtpm; skipped without it, failed under MULTIOS_REQUIRE_ORACLES=1.
 */
class SwtpmBackendTest {
    @TempDir
    Path dir;

    static boolean present() { return Files.isExecutable(Path.of("/usr/bin/swtpm")); }

    private static int freePair() {
        for (int i = 0; i < 50; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 60000) & ~1;
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
                return p;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IllegalStateException("no free port pair");
    }

    @Test
    void swtpmBehindTisAgreesWithOurEngine() throws Exception {
        if (!present()) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("swtpm is not installed, and MULTIOS_REQUIRE_ORACLES=1 requires it");
            assumeTrue(false, "swtpm not installed");
        }
        int port = freePair();
        Process swtpm = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + dir,
                "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("swtpm.log").toFile()).start();
        try (SwtpmBackend backend = new SwtpmBackend("127.0.0.1", port, port + 1)) {
            for (int i = 0; i < 100; i++) {
                try (Socket s = new Socket("127.0.0.1", port + 1)) {
                    break;
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            backend.powerOn();
            SecureRandom r = new SecureRandom();
            TpmEngine ours = new TpmEngine(TpmState.manufacture(null, r), r);
            TpmTisInterface tis = new TpmTisInterface(backend);

            byte[] startup = TpmCommands.noSessions(TpmCc.Startup, new byte[] {0, 0});
            assertEquals(0, TpmCommands.rc(TpmInterfacesTest.tis(tis, 0, startup)), "swtpm Startup through TIS");
            assertEquals(0, TpmCommands.rc(ours.execute(0, startup)));

            byte[] d = MessageDigest.getInstance("SHA-256").digest("measured".getBytes());
            byte[] extend = TpmCommands.password(TpmCc.PCR_Extend, new byte[0],
                    new TpmWriter().u32(2).u16(TpmAlg.SHA1).bytes(Arrays.copyOf(d, 20)).u16(TpmAlg.SHA256).bytes(d).toBytes(), 16);
            assertArrayEquals(ours.execute(0, extend), TpmInterfacesTest.tis(tis, 0, extend));
            byte[] read = TpmCommands.noSessions(TpmCc.PCR_Read, new TpmWriter().u32(2).u16(TpmAlg.SHA1).u8(3).u8(0).u8(0).u8(1)
                    .u16(TpmAlg.SHA256).u8(3).u8(0).u8(0).u8(1).toBytes());
            byte[] theirs = TpmInterfacesTest.tis(tis, 0, read), mine = ours.execute(0, read);
            // Skip pcrUpdateCounter (bytes 10..13): counting policies differ between implementations.
            assertArrayEquals(Arrays.copyOfRange(theirs, 14, theirs.length), Arrays.copyOfRange(mine, 14, mine.length));

            // Header-level errors: the same response codes.
            byte[] getRandom = TpmCommands.noSessions(TpmCc.GetRandom, new byte[] {0, 8});
            byte[] badTag = getRandom.clone();
            // A defined TPM_ST that is not a command tag (libtpms answers TPM_RC_VALUE for undefined TPM_ST values).
            badTag[1] = 0x18;
            byte[] wrongSize = getRandom.clone();
            wrongSize[5] = 20;
            byte[] unknown = TpmCommands.noSessions(0x1FF, new byte[0]);
            byte[] noHandle = TpmCommands.noSessions(TpmCc.ReadPublic, new byte[0], 0x80000002);
            byte[] badHandle = TpmCommands.noSessions(TpmCc.ReadPublic, new byte[0], 0x80FFFFF0);
            byte[] shortParam = TpmCommands.noSessions(TpmCc.GetRandom, new byte[1]);
            for (byte[] c : new byte[][] {badTag, wrongSize, unknown, noHandle, badHandle, shortParam, startup}) {
                byte[] sw = backend.execute(0, c);
                assertEquals(TpmCommands.rc(sw), TpmCommands.rc(ours.execute(0, c)), "command " + java.util.HexFormat.of().formatHex(c));
            }
        } finally {
            swtpm.destroy();
            swtpm.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
