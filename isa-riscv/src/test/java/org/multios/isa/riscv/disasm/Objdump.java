package org.multios.isa.riscv.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
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
import org.multios.core.elf.ElfFile;

/**
 * The GNU tools the disassembler is checked against, and the comparison itself. A missing
 * tool skips the test, or fails it when {@code MULTIOS_REQUIRE_ORACLES=1} (CI).
 */
final class Objdump {
    static final String OBJDUMP = "riscv64-linux-gnu-objdump";
    private static final Pattern INSN_LINE = Pattern.compile("^ *([0-9a-f]+):\\t([0-9a-f ]+)\\t(.*)$");

    private Objdump() {}

    /** Skips (or fails under MULTIOS_REQUIRE_ORACLES=1) unless {@code tool} is on the PATH. */
    static Path require(String tool) {
        Path found = null;
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                found = p;
                break;
            }
        }
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
            assertTrue(found != null, tool + " is required (MULTIOS_REQUIRE_ORACLES=1) but is not on the PATH");
        }
        Assumptions.assumeTrue(found != null, tool + " not installed");
        return found;
    }

    /** Runs a command, returns its standard output; fails the test on a non-zero exit. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Path err = Files.createTempFile("tool", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        String errText = Files.readString(err);
        Files.deleteIfExists(err);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + errText);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Our listing of {@code elf}, with objdump's header naming it as {@code shownName}. */
    static String ours(Path elf, String shownName) throws Exception {
        ElfFile f = ElfFile.parse(Files.readAllBytes(elf));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, false, StandardCharsets.UTF_8)) {
            RvDisassembler.disassembleElf(f, shownName, ps);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** address → "raw bytes | text" for every instruction line of a listing. */
    static Map<Long, String> instructions(String listing) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (String line : listing.split("\n")) {
            Matcher x = INSN_LINE.matcher(line);
            if (x.matches()) m.put(Long.parseUnsignedLong(x.group(1), 16), x.group(2).strip() + " | " + x.group(3));
        }
        return m;
    }

    /**
     * Compares objdump's and our listing of {@code elf} instruction by instruction, then
     * line by line; returns the number of instructions compared.
     */
    static int compare(Path elf) throws Exception {
        String shown = elf.getFileName().toString();
        String theirs = run(elf.getParent(), OBJDUMP, "-d", shown);
        String ours = ours(elf, shown);
        Map<Long, String> want = instructions(theirs), got = instructions(ours);
        List<String> bad = new ArrayList<>();
        for (Map.Entry<Long, String> e : want.entrySet()) {
            String g = got.get(e.getKey());
            if (!e.getValue().equals(g)) {
                bad.add(String.format("  %x: objdump \"%s\", ours \"%s\"", e.getKey(), e.getValue(), g));
            }
        }
        for (Long a : got.keySet()) {
            if (!want.containsKey(a)) bad.add(String.format("  %x: only ours has \"%s\"", a, got.get(a)));
        }
        if (!bad.isEmpty()) {
            fail(bad.size() + " of " + want.size() + " instructions differ from objdump in " + shown + "; first ones:\n"
                    + String.join("\n", bad.subList(0, Math.min(25, bad.size()))));
        }
        String[] a = theirs.split("\n", -1), b = ours.split("\n", -1);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) fail("listing line " + (i + 1) + " differs:\n  objdump: " + a[i] + "\n  ours:    " + b[i]);
        }
        assertEquals(a.length, b.length, "listing length");
        return want.size();
    }
}
