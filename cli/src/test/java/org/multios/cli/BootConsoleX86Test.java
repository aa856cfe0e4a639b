package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.cli.BootConsoleTest.Console;
import org.multios.cli.BootConsoleTest.Screen;

/**
 * Issue 10, Must show 2: {@code multios boot --arch x86_64} — stage 1 from the reset vector
 * (16-bit, 32-bit, 64-bit), stage 2, the vmcall kernel stub, the Java kernel on the x86 port,
 * init and the shell on COM1 — passes BootConsoleTest's console script: ls /, arithmetic, ps,
 * meminfo, pipelines, a background job, ^C (130), exit + respawn, reboot through the firmware,
 * poweroff (ACPI S5) with exit status 0. Plus --cmdline (fw_cfg) and the panic status, and the
 * one-line refusals of what the PC chain does not have yet.
 */
class BootConsoleX86Test {
    @Test
    @Timeout(600)
    void bootsToTheShellAndRunsCommands() throws Exception {
        long t0 = System.nanoTime();
        ConsoleScript run = new ConsoleScript("multios-boot-x86", "boot", "--arch", "x86_64", "--rtc", "fixed");
        Console c = run.atPrompt();
        System.out.printf("BootConsoleX86Test: prompt after %.2f s (in-process, JVM already warm)%n", (System.nanoTime() - t0) / 1e9);
        String boot = run.screen.text();
        for (String line : new String[] {"stage1: reset: real mode at F000:FFF0", "stage1: protected mode: CR0 60000011 (PE)",
                "stage1: long mode: CR0 e0000011 CR4 20 (PAE) EFER 500 (LME LMA)", "stage2: jumping to the kernel at 400000",
                "] Booting MultiOS on CPU 0 (x86_64)", "8259 PICs at vectors 32-47", "VFS: mounted root (mfs filesystem) on device /dev/nvme0n1p2",
                "Run /sbin/init as init process"}) {
            assertTrue(boot.contains(line), "'" + line + "' in:\n" + boot);
        }

        ConsoleScript.commonCommands(c);
        assertEquals("x86_64", c.type("uname -m").strip());
        // ^C: the receive interrupt (IRQ 4 through the 8259) feeds the line discipline, SIGINT goes to the job
        ConsoleScript.interruptJob(c);
        assertTrue(c.type("cat /proc/cmdline").contains("console=ttyS0"));
        // reboot: reset control (0xCF9) -> the CPU at the reset vector again -> a fresh kernel; poweroff: ACPI S5
        run.exitRebootAndPowerOff(c, "stage1: reset: real mode at F000:FFF0");
    }

    /** --cmdline reaches stage 2 through fw_cfg and replaces the entry's; a failing init is a panic and exit 125. */
    @Test
    @Timeout(600)
    void commandLineFromTheHostAndPanicStatus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"boot", "--arch", "x86_64", "--rtc", "fixed", "--cmdline", "console=ttyS0 init=/bin/false"},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertEquals(125, status, console + err);
        assertTrue(console.contains("stage2: command line from fw_cfg replaces the entry's"), console);
        assertTrue(console.contains("Kernel command line: console=ttyS0 init=/bin/false"), console);
        assertTrue(console.contains("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100"), console);
    }

    /** image create --arch x86_64, then boot --disk with --snapshot and --memory: it boots, RAM is what was asked, nothing is written back. */
    @Test
    @Timeout(600)
    void userDiskSnapshotAndMemory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path img = dir.resolve("x86.img");
        ByteArrayOutputStream made = new ByteArrayOutputStream();
        assertEquals(0, Multios.run(new String[] {"image", "create", "--arch", "x86_64", "--size", "64M", img.toString()},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(made, true, StandardCharsets.UTF_8),
                new PrintStream(made, true, StandardCharsets.UTF_8)), made.toString(StandardCharsets.UTF_8));
        byte[] before = java.nio.file.Files.readAllBytes(img);
        Screen screen = new Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-boot-x86-disk").start(() -> status.set(Multios.run(
                new String[] {"boot", "--arch", "x86_64", "--rtc", "fixed", "--disk", img.toString(), "--snapshot", "--memory", "48M"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = screen.waitFor(BootConsoleTest.PROMPT, 0, machine);
        assertTrue(screen.text().contains("stage1: memory: 0-9ffff, 100000-2ffffff (48 MiB)"), screen.text());
        Console c = new Console(screen, keys, machine, at + BootConsoleTest.PROMPT.length());
        assertEquals("written", c.type("echo written > /root/snap.txt && sync && cat /root/snap.txt").strip());
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertEquals(0, status.get(), "exit status after poweroff; stderr: " + err);
        assertTrue(java.util.Arrays.equals(before, java.nio.file.Files.readAllBytes(img)), "--snapshot: the image is unchanged");
    }

    /** --display: stage 2 sets the bochs-display mode, the kernel's framebuffer console mirrors the serial console. */
    @Test
    @Timeout(600)
    void framebufferConsoleOnThePc(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path png = dir.resolve("screen.png");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"boot", "--arch", "x86_64", "--rtc", "fixed", "--display", "png:" + png,
                        "--cmdline", "console=ttyS0 init=/sbin/poweroff"},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(console.matches("(?s).*stage2: display 00:0\\d\\.0: 1024x768, 32 bpp, framebuffer at \\w+.*"), console);
        assertTrue(console.matches("(?s).*fbcon: 00:0\\d\\.0 1024x768x32 at 0x\\w+, 128x\\d+ text.*"), console);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(1024, img.getWidth(), "the PNG of the last frame");
        long lit = 0;
        for (int y = 0; y < img.getHeight(); y += 4) for (int x = 0; x < img.getWidth(); x += 4) if ((img.getRGB(x, y) & 0xffffff) != 0) lit++;
        assertTrue(lit > 500, "text on the framebuffer: " + lit + " lit samples; status " + status + "\n" + console + err);
    }

    @Test
    void flagsTheChainLacksAreOneLineErrors() {
        for (String[] flags : new String[][] {{"--smp", "2"}, {"--tpm"}, {"--boot", "net"}, {"--tftp", "."}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            String[] args = new String[3 + flags.length];
            args[0] = "boot";
            args[1] = "--arch";
            args[2] = "x86_64";
            System.arraycopy(flags, 0, args, 3, flags.length);
            int status = Multios.run(args, new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String e = err.toString(StandardCharsets.UTF_8).strip();
            assertTrue(status != 0, String.join(" ", args));
            assertTrue(e.contains("not available on x86_64 yet") && !e.contains("\n") && !e.contains("Exception"), e);
        }
    }
}
