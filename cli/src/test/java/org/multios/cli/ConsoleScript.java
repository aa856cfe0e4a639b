package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.multios.cli.BootConsoleTest.Console;
import org.multios.cli.BootConsoleTest.Screen;

/**
 * The console script every architecture's boot test runs (BootConsoleTest, BootConsoleArm64Test,
 * BootConsoleX86Test): {@code multios boot} in-process on a thread with piped keys, then the
 * same shell commands, ^C, exit + respawn, reboot through the firmware and poweroff with
 * status 0. What differs per architecture (boot banners, uname -m, the firmware's first line)
 * stays in the tests.
 */
final class ConsoleScript {
    final Screen screen = new Screen();
    final PipedOutputStream keys = new PipedOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AtomicInteger status = new AtomicInteger(-1);
    final Thread machine;

    /** Starts {@code multios args} on a platform thread named {@code threadName}. */
    ConsoleScript(String threadName, String... args) throws java.io.IOException {
        PipedInputStream in = new PipedInputStream(keys, 4096);
        machine = Thread.ofPlatform().name(threadName).start(() -> status.set(Multios.run(args, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
    }

    /** Waits for the first shell prompt; a console that types after it. */
    Console atPrompt() throws InterruptedException {
        int at = screen.waitFor(BootConsoleTest.PROMPT, 0, machine);
        return new Console(screen, keys, machine, at + BootConsoleTest.PROMPT.length());
    }

    /** ls /, arithmetic, ps (init is PID 1), /proc/meminfo, pipelines and a background job. */
    static void commonCommands(Console c) throws Exception {
        String ls = c.type("ls /");
        for (String d : new String[] {"bin", "dev", "etc", "proc", "sbin", "tmp"}) assertTrue(ls.matches("(?s).*\\b" + d + "\\b.*"), "ls / lists " + d + ":\n" + ls);
        assertEquals("42", c.type("echo $((6*7))").strip());

        String ps = c.type("ps");
        assertTrue(ps.contains("PID"), ps);
        assertTrue(ps.matches("(?s).*\\n\\s*1\\s+0\\s.*init.*"), "init is PID 1 with parent 0:\n" + ps);
        assertTrue(ps.matches("(?s).*\\bsh\\b.*"), ps);
        assertTrue(ps.matches("(?s).*\\bps\\b.*"), ps);

        String mem = c.type("cat /proc/meminfo | head -3");
        String[] lines = mem.strip().split("\r?\n");
        assertEquals(3, lines.length, mem);
        assertTrue(lines[0].matches("MemTotal:\\s+\\d+ kB"), mem);
        assertTrue(lines[1].startsWith("MemFree:"), mem);
        assertTrue(lines[2].startsWith("MemAvailable:"), mem);

        // pipelines
        assertEquals("3", c.type("echo one two three | wc -w").strip());
        assertEquals("5\r\n4", c.type("seq 5 | sort -r | head -2").strip());

        // a background job: the timer interrupt wakes the sleeper
        String bg = c.type("sleep 1 &");
        assertTrue(bg.matches("(?s).*\\[1\\]\\s+\\d+.*"), "a background job is announced: " + bg);
        assertEquals("waited 0", c.type("wait; echo waited $?").strip());
    }

    /**
     * ^C: SIGINT to the foreground job through the line discipline; the shell survives. The job
     * reads the terminal (cat): a sleeping job would not do, idle virtual time skips ahead to its deadline.
     */
    static void interruptJob(Console c) throws Exception {
        c.send("cat");
        Thread.sleep(300);
        String intr = c.typeRaw("\u0003");
        assertTrue(intr.contains("^C"), "^C is echoed: " + intr);
        assertEquals("130", c.type("echo $?").strip(), "the job died of SIGINT (128+2)");
    }

    /** exit: init respawns the shell; reboot: the machine restarts from the firmware (its first line {@code firmwareLine}) and a new kernel boots. */
    void exitRebootAndPowerOff(Console c, String firmwareLine) throws Exception {
        c.send("exit");
        c.expectPrompt();
        assertEquals("still here", c.type("echo still here").strip());

        c.send("reboot");
        int again = screen.waitFor(firmwareLine, c.from, machine);
        c.from = again;
        c.expectPrompt();
        assertTrue(screen.text().substring(again).contains("Run /sbin/init as init process"));
        assertEquals("rebooted", c.type("echo rebooted").strip());

        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator:\n" + screen.text());
        assertEquals(0, status.get(), "exit status after poweroff; stderr: " + err);
        assertTrue(screen.text().contains("reboot: Power down"), screen.text());
    }
}
