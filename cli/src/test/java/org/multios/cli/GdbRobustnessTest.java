package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multios.core.elf.ElfFile;

/**
 * The GDB stub of each machine ({@code machine --arch A --gdb --gdb-wait}, real boards and CPU
 * debug views) against a hostile client: bad checksums, malformed and unknown packets, an
 * oversized packet, every register number including ones that do not exist, device and unmapped
 * memory, a megabyte of random bytes, a disconnect mid-packet. Every packet gets an empty, error
 * or well-formed reply, the stub keeps serving the next client, and the guest is unaffected: it
 * then runs to its normal end and prints what it prints without a debugger.
 */
@Timeout(300)
class GdbRobustnessTest {
    static final Path IMAGES = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images");

    /**
     * Per architecture: the command line, the {@code g} packet size (GDB's register layout), a
     * device register address (reads refused), the symbol GDB clears to let the guest finish
     * (null: it finishes by itself) and what the guest prints at its end.
     */
    enum Arch {
        // intmix runs long enough (1.7 * 10^9 instructions, seconds even with the JIT) that the stub still
        // listens for the next client after the previous one disconnected and the guest ran on (hello.elf,
        // and even intmix-small, finished before that on a fast host)
        RISCV64(List.of("machine", "--arch", "riscv64", "--bios", "none", "--kernel", IMAGES.resolve("riscv64/intmix.elf").toString()),
                IMAGES.resolve("riscv64/intmix.elf"), 33 * 8, 0x1000_0000L, null, "checksum: da9a57f5b8cb2f70"),
        ARM64(List.of("machine", "--arch", "arm64", "--bios", "none", "--kernel", IMAGES.resolve("arm64/gdb-debugee.elf").toString()),
                IMAGES.resolve("arm64/gdb-debugee.elf"), 33 * 8 + 4, 0x0900_0000L, "keep_spinning", "debugee: ran on after detach"),
        // rax..r15, rip (8 bytes each), eflags and 6 selectors (4), st0-7 (10), 8 x87 control (4), xmm0-15 (16), mxcsr (4)
        X86_64(List.of("machine", "--arch", "x86_64", "--bios", IMAGES.resolve("x86_64/gdb-debugee.rom").toString()),
                IMAGES.resolve("x86_64/gdb-debugee.elf"), 17 * 8 + 7 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4, 0xc000_0000L,
                "keep_spinning", "debugee: ran on after detach"),
        // run --gdb with monitor os on: the threads are MultiOS tasks, memory is a process's address space.
        // gdbspin spins until released (gdbfork, a short program, could exit between two clients).
        RUN_OS(List.of("run"), IMAGES.resolve("riscv64-linux/gdbspin"), 33 * 8, 0x1000_0000L, "keep_spinning",
                "gdbspin: released");

        final List<String> args;
        final Path elf;
        final int gBytes;
        final long mmio;
        final String release;
        final String finalOutput;

        Arch(List<String> args, Path elf, int gBytes, long mmio, String release, String finalOutput) {
            this.args = args;
            this.elf = elf;
            this.gBytes = gBytes;
            this.mmio = mmio;
            this.release = release;
            this.finalOutput = finalOutput;
        }
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void hostileClientsNeverCrashTheStubOrDisturbTheGuest(Arch arch) throws Exception {
        // The stub reports a packet whose handler threw on System.err: there must be none.
        java.io.PrintStream systemErr = System.err;
        ByteArrayOutputStream stubErrors = new ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(stubErrors, true, StandardCharsets.UTF_8));
        try {
            abuse(arch);
        } finally {
            System.setErr(systemErr);
        }
        String errors = stubErrors.toString(StandardCharsets.UTF_8);
        assertTrue(!errors.contains("failed"), arch + ": handlers that threw:\n" + errors);
    }

    void abuse(Arch arch) throws Exception {
        List<String> args = new java.util.ArrayList<>(arch.args);
        args.addAll(List.of("--gdb", "127.0.0.1:0", "--gdb-wait"));
        if (arch == Arch.RUN_OS) args.add(arch.elf.toString());
        GdbBatch.Running machine = new GdbBatch.Running(args.toArray(String[]::new));
        int port = machine.gdbPort();

        try (Client c = Client.attach(port)) {
            if (arch == Arch.RUN_OS) {
                assertEquals("OK", c.ask("qRcmd," + hex("os on")));
                assertEquals("m1", c.ask("qfThreadInfo"), "one process, tid 1");
            }
            // Bad checksums are refused with '-'; the stub then serves the next packet.
            c.raw("$qC#00");
            assertEquals('-', c.in.read());
            c.raw("$qC#zz");
            assertEquals('-', c.in.read());
            assertEquals("QC1", c.ask("qC"));
            // Malformed packets: an error, an empty reply or OK, never a dropped connection.
            for (String p : List.of("m", "M", "X", "Z", "z0", "p", "P", "H", "G1", "Gzz", "g1", "qXfer:features:read:target.xml",
                    "qXfer:features:read:target.xml:zz,1", "qXfer:features:read:nosuch.xml:0,10", "qThreadExtraInfo,zz",
                    "c zz", "sxyz", "vCont;", "vCont;q", "m-1,1", "mffffffffffffffffff,1", "m0,ffffffffffff", "Z0,1,1;X",
                    "Z9,0,1", "T", "Hg99", "P0=zz", "P0=00", "M0,1:zz", "X0,1:", "qRcmd,zz", "qRcmd,6e6f7065")) {
                String r = c.ask(p);
                assertTrue(r.isEmpty() || r.startsWith("E") || r.equals("OK") || r.matches("[0-9a-fx]+") || r.startsWith("l<"),
                        arch + ": " + p + " -> " + r);
            }
            // Unknown packets get the empty reply ("not supported").
            for (String p : List.of("vFlashErase:0,1", "qGetTLSAddr:1,0,0", "bc", "Qbtrace:bts", "jThreadsInfo", "!")) {
                assertEquals("", c.ask(p), arch + ": " + p);
            }
            // An oversized packet is dropped and refused.
            c.raw("$M0,1:" + "a".repeat(1 << 16) + "#00");
            assertEquals('-', c.in.read());
            // Registers: the g packet has GDB's layout; every register number reads as a value, unavailable or an error.
            String g = c.ask("g");
            assertEquals(2 * arch.gBytes, g.length(), arch + " g packet: " + g);
            for (int r = 0; r < 4300; r += r < 300 ? 1 : 13) { // all low numbers, then a sample up to past RISC-V's last CSR
                String v = c.ask("p" + Integer.toHexString(r));
                assertTrue(v.startsWith("E") || (isHex(v) || v.matches("x+")) && v.length() % 2 == 0, arch + " p" + r + " -> " + v);
            }
            // Device registers and unmapped addresses are refused; nothing is written.
            assertTrue(c.ask("m" + Long.toHexString(arch.mmio) + ",4").startsWith("E"), arch + " MMIO read");
            String unmapped = arch == Arch.X86_64 ? "f0000000" : "fffffffffffff000"; // x86 at reset: 32-bit linear addresses
            assertTrue(c.ask("m" + unmapped + ",8").startsWith("E"), arch + " unmapped read");
            assertEquals("QC1", c.ask("qC"));
            assertTrue(c.ask("Hg2").startsWith("E"), arch + ": no thread 2");
        }

        // A megabyte of random bytes (no Ctrl-C), then a disconnect in the middle of a packet.
        try (Client c = Client.attach(port)) {
            byte[] junk = new byte[1 << 20];
            new Random(42).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) if (junk[i] == 3) junk[i] = 4;
            Thread drain = Thread.ofVirtual().start(() -> {
                try { while (c.in.read() >= 0) { } } catch (IOException e) { }
            });
            c.raw(junk);
            c.raw("$qSupported:swbr");
            c.socket.close();
            drain.join(5000);
        }

        // The guest was only ever paused: a new client releases it, detaches, and it finishes normally.
        try (Client c = Client.attach(port)) {
            if (arch.release != null) {
                long addr = ElfFile.parse(Files.readAllBytes(arch.elf)).symbol(arch.release).orElseThrow();
                assertEquals("01000000", c.ask("m" + Long.toHexString(addr) + ",4"), arch + ": " + arch.release + " as built");
                assertEquals("OK", c.ask("M" + Long.toHexString(addr) + ",4:00000000"));
            }
            assertEquals("OK", c.ask("D"));
        }
        machine.awaitOutput(arch.finalOutput, 150);
        // x86: no power-off device; the guest's final cli; hlt stops the machine ("all CPUs halted", exit 1)
        int expected = arch == Arch.X86_64 ? 1 : 0;
        assertEquals(expected, machine.await(150), machine.err.toString());
        if (arch == Arch.X86_64) assertTrue(machine.err.toString().contains("all CPUs halted"), machine.err.toString());
        assertTrue(!machine.err.toString().contains("Exception"), machine.err.toString());
    }

    static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    static boolean isHex(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
    }

    /** A strict little remote-protocol client: acks, checksums. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void raw(String s) throws IOException { raw(s.getBytes(StandardCharsets.ISO_8859_1)); }

        void raw(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        /**
         * Connects once the stub has let go of the previous client (it serves one at a time and
         * notices a closed connection asynchronously); the stub answers qC on the new connection.
         */
        static Client attach(int port) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                Client c = new Client(port);
                try {
                    assertEquals("QC1", c.ask("qC"));
                    return c;
                } catch (IOException refused) {
                    c.close();
                    if (System.nanoTime() > deadline) throw refused;
                    Thread.sleep(50);
                }
            }
        }

        String ask(String payload) throws IOException {
            int sum = 0;
            for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) sum += b & 0xff;
            raw("$" + payload + "#" + String.format("%02x", sum & 0xff));
            int ch = in.read();
            if (ch < 0) throw new IOException("connection closed before the ack of " + payload);
            if (ch != '+') throw new AssertionError("expected '+' for " + payload + ", got " + ch);
            String reply = packet();
            // A monitor command's output comes first, as console-output packets (O + hex), then OK or an error.
            while (payload.startsWith("qRcmd,") && reply.startsWith("O") && !reply.equals("OK")) reply = packet();
            return reply;
        }

        /** Reads one packet from the stub, checks its checksum and acks it. */
        private String packet() throws IOException {
            int ch;
            int sum;
            while ((ch = in.read()) != '$') {
                if (ch < 0) throw new IOException("connection closed");
            }
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            sum = 0;
            while ((ch = in.read()) != '#') {
                if (ch < 0) throw new IOException("connection closed");
                p.write(ch);
                sum += ch;
            }
            int cs = Integer.parseInt("" + (char) in.read() + (char) in.read(), 16);
            if (cs != (sum & 0xff)) throw new AssertionError("bad checksum from the stub");
            raw("+");
            return p.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException { socket.close(); }
    }
}
