package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, Must show 3 (measured half): after {@code multios boot --tpm} the TCG event log the
 * boot stages kept (read back from the guest's /proc and /sys files and from guest RAM) replays
 * to exactly the PCR values the TPM reports, in Java and with tpm2-tools' {@code tpm2_eventlog};
 * the events are the ones docs/tpm.md lists (PCR 0 = SHA-256 of stage1.bin, PCR 4 = stage2.bin
 * and the kernel, ...); one changed byte of the kernel changes PCR 4 and nothing else.
 */
class MeasuredBootTest {
    static final HexFormat HEX = HexFormat.of();

    static byte[] resource(String name) throws Exception {
        try (InputStream in = MeasuredBootTest.class.getResourceAsStream("/org/multios/images/firmware/riscv64/" + name)) {
            if (in == null) throw new AssertionError("no resource " + name);
            return in.readAllBytes();
        }
    }

    static int cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Multios.run(args, InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) throw new AssertionError("multios " + String.join(" ", args) + " -> " + rc + ": " + out);
        return rc;
    }

    @Test
    @Timeout(300)
    void eventLogReplaysToTheTpmPcrs(@TempDir Path tmp) throws Exception {
        byte[] log;
        byte[][] tpm;
        try (BootHarness h = new BootHarness("--tpm", "--rtc", "fixed", "--cmdline", "console=ttyS0")) {
            int at = h.waitFor(BootConsoleTest.PROMPT);
            BootConsoleTest.Console c = new BootConsoleTest.Console(h.screen, h.keys, h.machine, at + BootConsoleTest.PROMPT.length());
            log = h.eventLogFromRam();
            String sha = HEX.formatHex(TcgEventLog.sha256(log));
            String proc = c.type("sha256sum /proc/multios/tpm_eventlog");
            assertTrue(proc.contains(sha), "the guest reads the log in RAM through /proc (" + sha + "):\n" + proc);
            String sys = c.type("sha256sum /sys/kernel/security/tpm0/binary_bios_measurements");
            assertTrue(sys.contains(sha), "and through /sys:\n" + sys);
            c.send("poweroff");
            h.awaitEnd(60_000);
            assertEquals(0, h.status.get());
            tpm = h.tpmPcrs();
        }
        TcgEventLog parsed = TcgEventLog.parse(log);
        byte[][] replay = parsed.replay();
        for (int i = 0; i < 24; i++) assertArrayEquals(tpm[i], replay[i], "PCR " + i + ": replay vs TPM");

        // What was measured where (docs/tpm.md).
        List<TcgEventLog.Event> ev = parsed.events();
        assertEquals(0, ev.get(0).pcr());
        assertEquals(0x7, ev.get(0).type(), "EV_S_CRTM_CONTENTS");
        assertArrayEquals(TcgEventLog.sha256(resource("stage1.bin")), ev.get(0).sha256(), "PCR 0 holds SHA-256(stage1.bin)");
        assertEquals(1, ev.get(1).pcr());
        for (int p = 0; p <= 7; p++) {
            final int pcr = p;
            assertEquals(1, ev.stream().filter(e -> e.pcr() == pcr && e.type() == 4).count(), "one EV_SEPARATOR on PCR " + p);
        }
        TcgEventLog.Event stage2 = find(ev, 4, "/boot/stage2.bin");
        assertArrayEquals(TcgEventLog.sha256(resource("stage2.bin")), stage2.sha256());
        assertArrayEquals(TcgEventLog.sha256(resource("multios.cfg")), find(ev, 5, "/boot/multios.cfg").sha256());
        assertArrayEquals(TcgEventLog.sha256(resource("kernel.elf")), find(ev, 4, "/boot/kernel.elf").sha256());
        find(ev, 9, "/boot/initrd.cpio");
        assertArrayEquals(TcgEventLog.sha256("console=ttyS0".getBytes(StandardCharsets.UTF_8)), find(ev, 8, "console=ttyS0").sha256());

        // tpm2-tools replays the same file to the same values.
        Path file = tmp.resolve("binary_bios_measurements");
        Files.write(file, log);
        Map<Integer, String> tools = tpm2Eventlog(file);
        if (tools == null) return;
        for (int i = 0; i < 24; i++) {
            String want = HEX.formatHex(tpm[i]);
            if (tools.containsKey(i)) assertEquals(want, tools.get(i), "tpm2_eventlog PCR " + i);
            else assertEquals("00".repeat(32), want, "PCR " + i + " is not in tpm2_eventlog's summary, so must be zero");
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), List.copyOf(tools.keySet()));
    }

    static TcgEventLog.Event find(List<TcgEventLog.Event> ev, int pcr, String data) {
        return ev.stream().filter(e -> e.pcr() == pcr && e.text().equals(data)).findFirst()
                .orElseThrow(() -> new AssertionError("no event '" + data + "' on PCR " + pcr));
    }

    /** tpm2_eventlog's "pcrs: sha256:" summary, or null when it is not installed (failing under MULTIOS_REQUIRE_ORACLES=1). */
    static Map<Integer, String> tpm2Eventlog(Path file) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tpm2_eventlog", file.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("tpm2_eventlog is not installed (apt-get install tpm2-tools)");
            assumeTrue(false, "tpm2_eventlog not installed");
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "tpm2_eventlog failed:\n" + out);
        int pcrs = out.indexOf("\npcrs:");
        assertTrue(pcrs >= 0, "no pcrs: summary:\n" + out);
        int sha = out.indexOf("sha256:", pcrs);
        assertTrue(sha >= 0, "no sha256 bank in the summary:\n" + out);
        Map<Integer, String> m = new LinkedHashMap<>();
        Matcher mm = Pattern.compile("\\n\\s+(\\d+)\\s*:\\s*0x([0-9A-Fa-f]{64})").matcher(out);
        int from = sha;
        while (mm.find(from)) {
            m.put(Integer.parseInt(mm.group(1)), mm.group(2).toLowerCase());
            from = mm.end();
        }
        assertFalse(m.isEmpty(), out);
        return m;
    }

    @Test
    @Timeout(300)
    void oneChangedKernelByteChangesPcr4Only(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("d.img"), kernel = tmp.resolve("kernel.elf");
        cli("image", "create", "--size", "64M", img.toString());
        byte[][] before = measuredBoot(img);
        cli("image", "get", "--partition", "boot", img.toString(), "/boot/kernel.elf", kernel.toString());
        byte[] k = Files.readAllBytes(kernel);
        k[k.length - 1] ^= 0x01;   // in the section headers: the loader never reads it, the measurement does
        Files.write(kernel, k);
        cli("image", "put", "--partition", "boot", img.toString(), kernel.toString(), "/boot/kernel.elf");
        byte[][] after = measuredBoot(img);
        for (int i = 0; i < 24; i++) {
            if (i == 4) assertFalse(java.util.Arrays.equals(before[i], after[i]), "PCR 4 (kernel) must change");
            else assertArrayEquals(before[i], after[i], "PCR " + i + " must not change");
        }
    }

    /** Boots the image to the Java kernel with a TPM; checks the log replays; returns the PCRs. */
    static byte[][] measuredBoot(Path img) throws Exception {
        try (BootHarness h = new BootHarness("--tpm", "--rtc", "fixed", "--disk", img.toString())) {
            byte[] log = h.eventLogFromRam();
            byte[][] tpm = h.tpmPcrs();
            byte[][] replay = TcgEventLog.parse(log).replay();
            for (int i = 0; i < 24; i++) assertArrayEquals(tpm[i], replay[i], "PCR " + i);
            return tpm;
        }
    }
}
