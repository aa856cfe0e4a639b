package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Drives real {@code gdb-multiarch -batch} against a {@code multios} command run in-process
 * (the tests for {@code machine --gdb} and {@code run --gdb}): starts the command on a thread,
 * waits for its "gdb: listening on port N" line, runs a GDB script against that port (sending
 * GDB SIGINT, like Ctrl-C, once it prints {@code SPINNING}), and splits GDB's output into the
 * sections the script marks with {@code echo === NAME}.
 */
final class GdbBatch {
    private GdbBatch() {}

    static boolean toolPresent(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Tools are oracles: skip without them, unless CI says they must be there. */
    static void requireTool(String tool) {
        boolean present = toolPresent(tool);
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
            assertTrue(present, tool + " is required (MULTIOS_REQUIRE_ORACLES=1) but missing");
        }
        Assumptions.assumeTrue(present, tool + " not installed");
    }

    /** A {@code multios} command running on its own thread, its stdout and stderr captured. */
    static final class Running {
        final Thread thread;
        final StringBuffer out = new StringBuffer(), err = new StringBuffer();
        volatile int status = -1;

        Running(String... args) {
            PrintStream o = new PrintStream(sink(out), true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(sink(err), true, StandardCharsets.UTF_8);
            InputStream in = new ByteArrayInputStream(new byte[0]);
            thread = Thread.ofPlatform().daemon().name("multios").start(() -> status = Multios.run(args, in, o, e));
        }

        /** Waits until the command's stdout contains {@code text}. */
        void awaitOutput(String text, long seconds) throws InterruptedException {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (!out.toString().contains(text)) {
                assertTrue(System.nanoTime() < end, "no '" + text + "' on the console within " + seconds + " s: " + out + "\nstderr: " + err);
                Thread.sleep(20);
            }
        }

        private static OutputStream sink(StringBuffer sb) {
            return new OutputStream() {
                @Override public void write(int b) { sb.append((char) (b & 0xff)); }
            };
        }

        /** The port from the command's "gdb: listening on port N" message. */
        int gdbPort() throws InterruptedException {
            Pattern p = Pattern.compile("gdb: listening on port (\\d+)");
            long end = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < end) {
                Matcher m = p.matcher(err);
                if (m.find()) return Integer.parseInt(m.group(1));
                assertTrue(thread.isAlive(), "multios ended before listening: " + err);
                Thread.sleep(20);
            }
            throw new AssertionError("no gdb port announced: " + err);
        }

        /** Waits for the command to end and returns its exit status. */
        int await(long seconds) throws InterruptedException {
            thread.join(seconds * 1000);
            assertTrue(!thread.isAlive(), "multios still running after " + seconds + " s; stdout: " + out + "\nstderr: " + err);
            return status;
        }
    }

    /**
     * Attaches as a second debugger with a bare socket and sends {@code k} (kill): the way to end a
     * machine whose guest runs on after GDB detached and has no power-off device.
     */
    static void kill(int port) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("$k#6b".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.getInputStream().read(); // the '+' ack; the stub then stops the machine
        }
    }

    /** Runs GDB on a script; sends it SIGINT once it prints {@code SPINNING}; returns its output. */
    static String run(Path tmp, Path elf, String script) throws Exception {
        Path file = tmp.resolve("script.gdb");
        Files.writeString(file, script);
        Process gdb = new ProcessBuilder("gdb-multiarch", "-nx", "-batch", "-x", file.toString(), elf.toString())
                .redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(gdb.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains("SPINNING")) {
                    Thread.sleep(500);
                    new ProcessBuilder("kill", "-INT", Long.toString(gdb.pid())).start().waitFor();
                }
            }
        }
        assertTrue(gdb.waitFor(60, TimeUnit.SECONDS), "gdb did not finish:\n" + out);
        return out.toString();
    }

    /** The text GDB prints after each {@code echo === NAME} marker, by name. */
    static Map<String, String> sections(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        String name = "";
        StringBuilder sb = new StringBuilder();
        for (String line : out.split("\n")) {
            if (line.startsWith("=== ")) {
                m.put(name, sb.toString());
                name = line.substring(4).trim();
                sb = new StringBuilder();
            } else {
                sb.append(line).append('\n');
            }
        }
        m.put(name, sb.toString());
        return m;
    }

    /** The values GDB printed ({@code $N = VALUE} lines, also "Value returned is $N = VALUE"), in order. */
    static List<String> values(String section) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\$\\d+ = (.*)").matcher(section);
        while (m.find()) out.add(m.group(1).trim());
        return out;
    }

    /** The pc in {@code info registers pc} output or in a frame line {@code 0x... in f ()}. */
    static long pcIn(String text) {
        Matcher m = Pattern.compile("(?m)^[re]?pc\\s+0x([0-9a-f]+)").matcher(text);
        if (m.find()) return Long.parseUnsignedLong(m.group(1), 16);
        m = Pattern.compile("^rip\\s+0x([0-9a-f]+)", Pattern.MULTILINE).matcher(text);
        if (m.find()) return Long.parseUnsignedLong(m.group(1), 16);
        m = Pattern.compile("0x([0-9a-f]+) in ").matcher(text);
        assertTrue(m.find(), "no pc in: " + text);
        return Long.parseUnsignedLong(m.group(1), 16);
    }

    /**
     * Each line of {@code x/8i} must be objdump's text for that address. Both tools use the same
     * disassembler (libopcodes); they differ only in how they print addresses: GDB {@code 0xADDR <sym>}
     * where objdump prints {@code ADDR <sym>}, and the trailing comments ({@code // #1}, {@code # 0x...}).
     */
    static void assertDisassemblyMatchesObjdump(String objdump, Path elf, String x8i) throws Exception {
        requireTool(objdump);
        Process p = new ProcessBuilder(objdump, "-d", elf.toString()).redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<Long, String> byAddr = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+([0-9a-f]+):\\t[0-9a-f ]+\\t(.*)$").matcher(dump);
        while (m.find()) byAddr.put(Long.parseUnsignedLong(m.group(1), 16), clean(m.group(2)));
        List<String> lines = new ArrayList<>();
        for (String l : x8i.split("\n")) if (l.contains(":\t")) lines.add(l);
        assertEquals(8, lines.size(), x8i);
        for (String l : lines) {
            Matcher g = Pattern.compile("0x([0-9a-f]+)(?: <[^>]*>)?:\\t(.*)").matcher(l);
            assertTrue(g.find(), l);
            long addr = Long.parseUnsignedLong(g.group(1), 16);
            String gdbText = g.group(2).replaceAll("([\\t, ])0x([0-9a-f]+) <", "$1$2 <");
            String expected = byAddr.get(addr);
            assertNotNull(expected, "objdump has no instruction at 0x" + Long.toHexString(addr) + ":\n" + x8i);
            assertEquals(expected, clean(gdbText), "x/8i at 0x" + Long.toHexString(addr));
        }
    }

    /** Drops the comment both tools append differently ({@code # 800... <sym>}, {@code // #1}); immediates ({@code #0x20}) stay. */
    static String clean(String insn) {
        return insn.replaceAll("\\s+(//|#\\s).*$", "").replaceAll("\\s+<[^>]*>$", "").replaceAll("\\s+", " ").trim();
    }
}
