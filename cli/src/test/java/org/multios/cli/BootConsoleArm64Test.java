package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.cli.BootConsoleTest.Console;
import org.multios.kernel.fs.image.DefaultImage;
import org.multios.kernel.fs.mfs.FileBlockDevice;

/**
 * Issue 9, Must show 2: {@code multios boot --arch arm64} goes firmware (images/firmware/arm64
 * stage 1 from flash, stage 2) → kernel entry stub (native call 16) → Java kernel (GICv3,
 * PL011, generic timer, PSCI) → init → shell, and the console test of riscv64's
 * {@link BootConsoleTest} passes: the same commands, ^C, exit + respawn, reboot through the
 * firmware, poweroff with status 0. Also: --cmdline and a panic's status, and a disk without
 * stage 2 ends in stage 1's one-line error instead of a hang.
 */
class BootConsoleArm64Test {
    static final String PROMPT = BootConsoleTest.PROMPT;

    @Test
    @Timeout(600)
    void bootsToTheShellAndRunsCommands() throws Exception {
        long t0 = System.nanoTime();
        ConsoleScript run = new ConsoleScript("multios-boot-arm64", "boot", "--arch", "arm64", "--rtc", "fixed");
        Console c = run.atPrompt();
        System.out.printf("BootConsoleArm64Test: prompt after %.2f s (in-process)%n", (System.nanoTime() - t0) / 1e9);
        String boot = run.screen.text();
        assertTrue(boot.contains("stage1: MultiOS stage 1 firmware (arm64, EL1)"), boot);
        assertTrue(boot.contains("stage1: loaded /boot/stage2.bin"), boot);
        assertTrue(boot.contains("stage2: MultiOS stage 2 boot loader (arm64, EL1)"), boot);
        assertTrue(boot.contains("stage2: jumping to the kernel at 40400000"), boot);
        assertTrue(boot.contains("] Booting MultiOS on CPU 0 (arm64, EL1)"), boot);
        assertTrue(boot.contains("Serial: PL011 at MMIO 0x9000000 (irq = 33)"), boot);
        assertTrue(boot.contains("Run /sbin/init as init process"), boot);
        assertTrue(boot.contains("Welcome to MultiOS (aarch64)"), boot);

        // the background job's wakeup is the virtual timer PPI through the GIC; ^C the PL011's RX interrupt (SPI 1)
        ConsoleScript.commonCommands(c);
        assertEquals("aarch64", c.type("uname -m").strip());
        ConsoleScript.interruptJob(c);
        assertEquals("multios", c.type("uname -n").strip());
        assertTrue(c.type("cat /proc/cmdline").contains("console=ttyAMA0"));
        // reboot(2) is PSCI SYSTEM_RESET (the machine restarts from the flash firmware), poweroff PSCI SYSTEM_OFF
        run.exitRebootAndPowerOff(c, "stage1: MultiOS stage 1 firmware");
    }

    /** --cmdline reaches the kernel (through /chosen/bootargs and stage 2); a failing init is a panic and exit 125. */
    @Test
    @Timeout(600)
    void commandLineFromTheHostAndPanicStatus() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"boot", "--arch", "arm64", "--rtc", "fixed", "--memory", "64M", "--cmdline",
                        "console=ttyAMA0 quiet init=/bin/false"},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertEquals(125, status, console + err);
        assertTrue(console.contains("stage1: memory: 40000000-43ffffff (64 MiB)"), console);
        assertTrue(console.contains("stage2: command line: console=ttyAMA0 quiet init=/bin/false"), console);
        assertFalse(console.contains("Booting MultiOS"), "quiet: no kernel log on the console\n" + console);
        assertTrue(console.contains("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100"), console);
    }

    /** A boot partition without /boot/stage2.bin: stage 1 says so in one line and the machine stops (no hang). */
    @Test
    @Timeout(300)
    void missingStage2IsOneClearLine(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("blank.img");
        long size = 64L << 20;
        DefaultImage image = new DefaultImage(DefaultImage.Resources.of(getClass().getClassLoader()), DefaultImage.Arch.ARM64);
        try (FileBlockDevice dev = FileBlockDevice.create(img, size)) {
            image.write(dev, DefaultImage.Options.of(size), false); // formatted partitions, no files
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"boot", "--arch", "arm64", "--disk", img.toString()},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(console.contains("stage1: mfs: volume 'boot'"), console);
        assertTrue(console.matches("(?s).*\\] stage1: error: /boot/stage2\\.bin not found on the boot partition\\r?\\n.*"), console);
        assertFalse(console.contains("stage2:"), console);
        assertNotEquals(0, status, "a firmware error is not a clean power-off: " + console + err);
        assertTrue(Files.exists(img));
    }

    /** A riscv64 disk on arm64: stage 1 names the foreign stage 2 instead of running it as A64 code. */
    @Test
    @Timeout(300)
    void diskOfAnotherArchitectureIsNamed(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("riscv64.img");
        long size = 64L << 20;
        try (FileBlockDevice dev = FileBlockDevice.create(img, size)) {
            new DefaultImage(DefaultImage.Resources.of(getClass().getClassLoader()), DefaultImage.Arch.RISCV64).write(dev, DefaultImage.Options.of(size));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"boot", "--arch", "arm64", "--disk", img.toString()},
                new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(console.contains("stage1: error: /boot/stage2.bin is not an arm64 stage 2"), console);
        assertFalse(console.contains("stage2:"), console);
        assertNotEquals(0, status, console + err);
    }

    /** Options arm64 cannot honour yet are refused in one line. */
    @Test
    void unsupportedOptionsAreRefused() {
        for (String[] opt : new String[][] {{"--tpm"}, {"--tftp", "."}, {"--boot", "net"}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            String[] args = new String[3 + opt.length];
            args[0] = "boot";
            args[1] = "--arch";
            args[2] = "arm64";
            System.arraycopy(opt, 0, args, 3, opt.length);
            int status = Multios.run(args, new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String e = err.toString(StandardCharsets.UTF_8);
            assertNotEquals(0, status, opt[0]);
            assertTrue(e.contains("boot: " + opt[0]) && e.contains(" is not available on arm64 yet"), opt[0] + ": " + e);
            assertEquals(1, e.strip().split("\n").length, "one line: " + e);
        }
    }
}
