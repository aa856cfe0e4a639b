package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multios tpm serve}: input errors, and a raw mssim exchange (Startup, then TPM_STOP ends the server). */
class TpmCommandTest {
    @TempDir Path tmp;

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertOneLine(Result r, String fragment) {
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    @Test
    void inputErrors() throws Exception {
        assertOneLine(run("tpm", "serve", "--port", "70000"), "out of range");
        Path bad = tmp.resolve("bad.state");
        Files.writeString(bad, "not a TPM");
        assertOneLine(run("tpm", "serve", "--port", "23999", "--state", bad.toString()), "not a MultiOS TPM state file");
        assertEquals(2, run("tpm", "serve", "--port", "x").status());
    }

    @Test
    void servesMssimUntilStop() throws Exception {
        int port = 0;
        for (int p = 24000 + (int) (ProcessHandle.current().pid() % 2000) * 2; port == 0; p += 2) {
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1)) {
                port = p;
            } catch (java.io.IOException e) {
                // taken: next pair
            }
        }
        Path state = tmp.resolve("tpm.state");
        String portArg = Integer.toString(port);
        CompletableFuture<Result> server = CompletableFuture.supplyAsync(
                () -> run("tpm", "serve", "--port", portArg, "--state", state.toString()));
        Socket s = null;
        for (int i = 0; i < 100 && s == null; i++) {
            try {
                s = new Socket("127.0.0.1", port);
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        assertTrue(s != null, "server did not start");
        try (Socket c = s) {
            DataOutputStream out = new DataOutputStream(c.getOutputStream());
            DataInputStream in = new DataInputStream(c.getInputStream());
            // TPM_SEND_COMMAND, locality 0, TPM2_Startup(CLEAR)
            byte[] startup = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0};
            out.writeInt(8);
            out.writeByte(0);
            out.writeInt(startup.length);
            out.write(startup);
            out.flush();
            int len = in.readInt();
            byte[] rsp = in.readNBytes(len);
            assertEquals(10, len);
            assertEquals(0, ((rsp[6] & 0xFF) << 24) | ((rsp[7] & 0xFF) << 16) | ((rsp[8] & 0xFF) << 8) | (rsp[9] & 0xFF), "TPM_RC_SUCCESS");
            assertEquals(0, in.readInt(), "trailing acknowledgement word");
            out.writeInt(21); // TPM_STOP
            out.flush();
            assertEquals(0, in.readInt());
        }
        Result r = server.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("listening on 127.0.0.1:" + port), r.err());
        assertTrue(Files.size(state) > 0, "state file written");
    }
}
