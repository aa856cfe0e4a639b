package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, Must show 1: {@code multios boot --disk my.img} with the root on MFS — files written in
 * the guest shell survive a reboot, and {@code multios image get} reads them back on the host
 * after power-off. Everything runs in-process through the CLI classes, as a user would type it.
 */
class DiskPersistenceTest {
    /** The shell's prompt at the start of a line (the welcome text mentions "the multios# prompt" too). */
    static final String LINE_PROMPT = "\nmultios# ";

    @TempDir Path dir;

    static int cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int s = Multios.run(args, InputStream.nullInputStream(), new PrintStream(out, true), new PrintStream(err, true));
        if (s != 0) System.err.println(String.join(" ", args) + " -> " + s + "\n" + out + err);
        return s;
    }

    @Test
    @Timeout(900)
    void filesWrittenInTheGuestSurviveARebootAndReachTheHost() throws Exception {
        Path img = dir.resolve("my.img");
        assertEquals(0, cli("image", "create", "--size", "64M", img.toString()));

        BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-boot-disk").start(() -> status.set(Multios.run(
                new String[] {"boot", "--disk", img.toString(), "--rtc", "fixed"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = screen.waitFor(LINE_PROMPT, 0, machine);
        BootConsoleTest.Console c = new BootConsoleTest.Console(screen, keys, machine, at + LINE_PROMPT.length());

        String mounts = c.type("cat /proc/mounts");
        assertTrue(mounts.contains("/dev/nvme0n1p2 / mfs rw"), "the root is MFS on the NVMe disk:\n" + mounts);
        c.type("mkdir -p /home");
        c.type("echo persisted $((6*7)) > /home/x");
        c.type("echo second line >> /home/x");
        c.type("mkdir /home/d && echo deep > /home/d/y && mv /home/d/y /home/d/z");
        assertEquals("persisted 42\r\nsecond line", c.type("cat /home/x").strip());
        String df = c.type("df /");
        assertTrue(df.contains("/dev/nvme0n1p2"), df);
        // The disk and its partitions are block devices in /dev, readable like files.
        assertEquals("MULTIMFS", c.type("head -c 8 /dev/nvme0n1p2; echo").strip(), "the root partition starts with its superblock");
        assertTrue(c.type("ls -l /dev/nvme0n1").strip().startsWith("b"), "a block special file");
        c.type("sync");

        // reboot: init syncs and unmounts, the machine restarts from the firmware, the kernel mounts the disk again.
        int before = screen.text().length();
        c.send("reboot");
        int second = screen.waitFor("Booting MultiOS", before, machine);
        int prompt = screen.waitFor(LINE_PROMPT, second, machine);
        c = new BootConsoleTest.Console(screen, keys, machine, prompt + LINE_PROMPT.length());
        assertEquals("persisted 42\r\nsecond line", c.type("cat /home/x").strip(), "after the reboot");
        assertEquals("deep", c.type("cat /home/d/z").strip());
        c.type("echo after reboot > /home/x2");

        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator:\n" + screen.text());
        assertEquals(0, status.get(), "exit status after poweroff; stderr: " + err);
        if (Boolean.getBoolean("multios.test.print")) System.out.println(screen.text());

        // The host tool reads what the guest wrote.
        Path out = dir.resolve("x.out"), out2 = dir.resolve("x2.out");
        assertEquals(0, cli("image", "get", img.toString(), "/home/x", out.toString()));
        assertEquals("persisted 42\nsecond line\n", Files.readString(out));
        assertEquals(0, cli("image", "get", img.toString(), "/home/x2", out2.toString()));
        assertEquals("after reboot\n", Files.readString(out2));
        assertEquals(0, cli("image", "fsck", img.toString()), "a clean file system after power-off");
    }
}
