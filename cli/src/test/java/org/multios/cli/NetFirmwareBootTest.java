package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8's firmware network boot under {@code multios boot --boot net}: no disk at all, stage 1
 * gets a lease by DHCP and stage 2 over TFTP from the user network, stage 2 the menu, kernel
 * and initrd, and the real default userland comes up to the {@code multios# } prompt, its root
 * being the initrd. Also with a directory from {@code image export-tftp}, and the errors: an
 * empty TFTP directory ends in one stage-1 error and the machine stops; bad options are
 * one-line usage errors.
 */
class NetFirmwareBootTest {
    static final String PROMPT = BootConsoleTest.PROMPT;

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int st = Multios.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(st, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(300)
    void bootsFromTheNetworkToThePromptWithoutADisk() throws Exception {
        try (BootHarness m = new BootHarness("--rtc", "fixed", "--boot", "net")) {
            int at = m.waitFor(PROMPT);
            String boot = m.screen.text();
            for (String line : new String[] {
                    "stage1: boot device: network (/chosen/multios,boot-device)",
                    "stage1: dhcp: ACK: address 10.0.2.15/24, router 10.0.2.2, boot server 10.0.2.2, boot file 'stage2.bin'",
                    "stage1: loaded stage2.bin (",
                    "stage2: network boot: address 10.0.2.15, files from tftp://10.0.2.2/",
                    "stage2: tftp: 'initrd.cpio' from 10.0.2.2: ",
                    "stage2: jumping to the kernel at 80400000"}) {
                assertTrue(boot.contains(line), "missing '" + line + "':\n" + boot);
            }
            assertFalse(boot.contains("nvme"), "a network boot touches no disk:\n" + boot);
            BootConsoleTest.Console c = new BootConsoleTest.Console(m.screen, m.keys, m.machine, at + PROMPT.length());
            assertEquals("42", c.type("echo $((6*7))").strip());
            assertTrue(c.type("cat /proc/cmdline").contains("console=ttyS0"), m.screen.text());
            // The firmware hands the NIC over in a state the kernel's driver can use: its DHCP works.
            c.type("while ! ifconfig eth0 | grep -q 10.0.2.15; do sleep 1; done");
            assertTrue(m.screen.text().contains("IP-Config: DHCP: eth0 10.0.2.15/24 gateway 10.0.2.2 from 10.0.2.2"), m.screen.text());
            m.stop();
        }
    }

    @Test
    @Timeout(300)
    void bootsFromAnExportedTftpDirectory(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("srv");
        Result ex = run("image", "export-tftp", t.toString());
        assertEquals(0, ex.status(), ex.err());
        for (String f : new String[] {"stage2.bin", "multios.cfg", "kernel.elf", "initrd.cpio"}) {
            assertTrue(Files.size(t.resolve(f)) > 0, f);
            assertTrue(ex.out().contains(t.resolve(f).toString()), ex.out());
        }
        // A marker in the served initrd menu proves the files came from this directory.
        String cfg = Files.readString(t.resolve("multios.cfg")).replace("cmdline console=ttyS0", "cmdline console=ttyS0 served=here");
        Files.writeString(t.resolve("multios.cfg"), cfg);
        try (BootHarness m = new BootHarness("--rtc", "fixed", "--boot", "net", "--tftp", t.toString())) {
            int at = m.waitFor(PROMPT);
            BootConsoleTest.Console c = new BootConsoleTest.Console(m.screen, m.keys, m.machine, at + PROMPT.length());
            assertTrue(c.type("cat /proc/cmdline").contains("served=here"), m.screen.text());
            m.stop();
        }
    }

    @Test
    @Timeout(120)
    void anEmptyTftpDirectoryIsAStage1Error(@TempDir Path dir) throws Exception {
        try (BootHarness m = new BootHarness("--rtc", "fixed", "--boot", "net", "--tftp", dir.toString())) {
            m.awaitEnd(100_000);
            String out = m.screen.text();
            assertTrue(out.contains("stage1: error: tftp: 10.0.2.2 refused 'stage2.bin': file not found (error 1)"), out);
            assertFalse(out.contains("stage2:"), out);
        }
    }

    @Test
    void badOptionsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Result r = run("boot", "--boot", "floppy");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--boot must be 'disk' or 'net', not 'floppy'"), r.err());
        r = run("boot", "--boot", "net", "--net", "socket,listen=0");
        assertEquals(2, r.status(), r.err());
        r = run("boot", "--boot", "net", "--net", "socket,listen=40000");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--boot net needs the user network"), r.err());
        r = run("boot", "--boot", "net", "--tftp", dir.resolve("missing").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--tftp: not a directory"), r.err());
        Path file = Files.writeString(dir.resolve("f"), "x");
        r = run("image", "export-tftp", file.toString());
        assertTrue(r.status() != 0, r.err());
        assertTrue(r.err().contains("is not a directory"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
