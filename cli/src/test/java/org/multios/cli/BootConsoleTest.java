package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4, Must show 1: {@code multios boot} on the default image (firmware, stage 2, kernel
 * stub, Java kernel, init, shell) reaches {@code multios#}; commands typed at the console give the
 * right output; {@code exit} makes init respawn the shell; {@code poweroff} ends the emulator with 0.
 */
class BootConsoleTest {
    /** The shell's prompt at the start of a line (the motd mentions "multios#" mid-line). */
    static final String PROMPT = "\nmultios# ";
    static final long WAIT_MS = 180_000; // generous: CI machines are shared

    /** Everything the guest printed, readable while the machine runs. */
    static final class Screen extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        @Override public synchronized void write(int b) { buf.write(b); notifyAll(); }
        @Override public synchronized void write(byte[] b, int off, int len) { buf.write(b, off, len); notifyAll(); }

        synchronized String text() { return buf.toString(StandardCharsets.UTF_8); }

        /** Waits until text appears at or after index from; returns its index. */
        synchronized int waitFor(String text, int from, Thread machine) throws InterruptedException {
            long end = System.currentTimeMillis() + WAIT_MS;
            while (true) {
                int at = text().indexOf(text, from);
                if (at >= 0) return at;
                long left = end - System.currentTimeMillis();
                if (left <= 0 || !machine.isAlive()) throw new AssertionError("no '" + text.strip() + "' on the console; it shows:\n" + text());
                wait(Math.min(left, 200));
            }
        }
    }

    @Test
    @Timeout(600)
    void bootsToTheShellAndRunsCommands() throws Exception {
        long t0 = System.nanoTime();
        ConsoleScript run = new ConsoleScript("multios-boot", "boot", "--rtc", "fixed");
        Console c = run.atPrompt();
        System.out.printf("BootConsoleTest: prompt after %.2f s (in-process, JVM already warm)%n", (System.nanoTime() - t0) / 1e9);
        String boot = run.screen.text();
        assertTrue(boot.contains("stage1: MultiOS stage 1 firmware"), boot);
        assertTrue(boot.contains("stage2: jumping to the kernel"), boot);
        assertTrue(boot.contains("] Booting MultiOS on hart 0"), boot);
        assertTrue(boot.contains("Run /sbin/init as init process"), boot);

        ConsoleScript.commonCommands(c);
        ConsoleScript.interruptJob(c);
        assertEquals("multios", c.type("uname -n").strip());
        assertTrue(c.type("cat /proc/cmdline").contains("console=ttyS0"));
        run.exitRebootAndPowerOff(c, "stage1: MultiOS stage 1 firmware");
    }

    /** --cmdline reaches the kernel (through /chosen/bootargs and stage 2); a failing init is a panic and exit 125. */
    @Test
    @Timeout(600)
    void commandLineFromTheHostAndPanicStatus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"boot", "--rtc", "fixed", "--cmdline", "console=ttyS0 quiet init=/bin/false"},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertEquals(125, status, console + err);
        assertTrue(console.contains("stage2: command line: console=ttyS0 quiet init=/bin/false"), console);
        assertFalse(console.contains("Booting MultiOS"), "quiet: no kernel log on the console\n" + console);
        assertTrue(console.contains("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100"), console);
    }

    /** Types lines and returns what each printed before the next prompt. */
    static final class Console {
        private final Screen screen;
        private final OutputStream keys;
        private final Thread machine;
        int from;

        Console(Screen screen, OutputStream keys, Thread machine, int from) {
            this.screen = screen;
            this.keys = keys;
            this.machine = machine;
            this.from = from;
        }

        void send(String line) throws IOException {
            keys.write((line + "\r").getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }

        int expectPrompt() throws InterruptedException {
            int p = screen.waitFor(PROMPT, from, machine);
            from = p + PROMPT.length();
            return p;
        }

        /** Sends raw keys (no Enter) and returns what appeared before the next prompt. */
        String typeRaw(String keysText) throws Exception {
            int start = from;
            keys.write(keysText.getBytes(StandardCharsets.UTF_8));
            keys.flush();
            int p = expectPrompt();
            return screen.text().substring(start, p);
        }

        /** The command's output (its echoed line removed). */
        String type(String line) throws Exception {
            int start = from;
            send(line);
            int p = expectPrompt();
            String out = screen.text().substring(start, p);
            int echo = out.indexOf(line);
            if (echo >= 0) out = out.substring(echo + line.length());
            if (out.startsWith("\r\n")) out = out.substring(2);
            return out;
        }
    }
}
