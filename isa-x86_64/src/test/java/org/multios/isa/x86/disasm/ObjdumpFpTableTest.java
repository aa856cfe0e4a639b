package org.multios.isa.x86.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.isa.x86.decode.OpcodeEntry;
import org.multios.isa.x86.decode.OpcodeMaps;
import org.multios.isa.x86.decode.OperandSpec;

/**
 * Every SSE, x87 and state-management row of the opcode map, encoded from the table itself
 * (register and memory forms, with and without REX.W/R/B), assembled as raw bytes by GNU as
 * and listed by {@code objdump -d}: each instruction's length and AT&T text from our
 * disassembler must equal objdump's. A wrong opcode, prefix or operand order in the table
 * shows up as a different mnemonic or operand list. Needs as and objdump (skipped without,
 * failed under MULTIOS_REQUIRE_ORACLES=1).
 */
class ObjdumpFpTableTest {
    static final Set<String> EXTRA = Set.of("fxsave", "fxrstor", "xsave", "xrstor", "xgetbv", "xsetbv", "rdseed", "rdrand",
            "ldmxcsr", "stmxcsr", "popcnt", "lzcnt", "tzcnt");

    /** Byte encodings generated from the map (one instruction each). */
    static List<byte[]> encodings() {
        List<byte[]> out = new ArrayList<>();
        for (OpcodeMaps.Located l : OpcodeMaps.rows()) {
            OpcodeEntry e = l.row().entry();
            boolean fp = e.has(OpcodeEntry.SSE) || e.has(OpcodeEntry.X87);
            if (!fp && !EXTRA.contains(e.mnemonic())) continue;
            // REX.W only where the operand size depends on it; REX.R only where ModRM.reg names a register
            boolean wide = e.operands().stream().anyMatch(o -> o.size() == 'y' || o.size() == 'v');
            boolean regOperand = e.operands().stream().anyMatch(o -> "GVS".indexOf(o.method()) >= 0);
            boolean rmOperand = e.operands().stream().anyMatch(o -> "EWURM".indexOf(o.method()) >= 0);
            List<Integer> rexes = new ArrayList<>(List.of(0));
            int rb = (regOperand ? 4 : 0) | (rmOperand ? 1 : 0);
            if (!e.has(OpcodeEntry.X87) && rb != 0) rexes.add(0x40 | rb | (wide ? 8 : 0));
            if (wide && !e.has(OpcodeEntry.X87)) rexes.add(0x48);
            if (e.mnemonic().equals("fxsave") || e.mnemonic().equals("xsave") || e.mnemonic().equals("fxrstor") || e.mnemonic().equals("xrstor")) rexes.add(0x48);
            for (int mod : new int[] {3, 1}) {
                if (mod == 3 && l.row().mod() == 'm' || mod == 1 && l.row().mod() == 'r') continue;
                boolean hasModrm = l.row().reg() >= 0 || e.operands().stream().anyMatch(o -> "EGMRSCDVWUPQN".indexOf(o.method()) >= 0);
                if (!hasModrm && mod == 1) continue;
                for (int rex : rexes) {
                    List<Integer> b = new ArrayList<>();
                    if (l.row().prefix() != 0) b.add(l.row().prefix());
                    if (rex != 0) b.add(rex);
                    if (l.map() != OpcodeMaps.ONE_BYTE) b.add(0x0f);
                    if (l.map() == OpcodeMaps.MAP_0F38) b.add(0x38);
                    if (l.map() == OpcodeMaps.MAP_0F3A) b.add(0x3a);
                    b.add(l.opcode());
                    if (hasModrm) {
                        int reg = l.row().reg() >= 0 ? l.row().reg() : 2;
                        int rm = l.row().rm() >= 0 ? l.row().rm() : mod == 3 ? 1 : 3;
                        b.add(mod << 6 | reg << 3 | rm);
                        if (mod == 1) b.add(0x10);
                    }
                    for (OperandSpec o : e.operands()) if (o.method() == 'I') b.add(5);
                    byte[] a = new byte[b.size()];
                    for (int i = 0; i < a.length; i++) a[i] = (byte) (int) b.get(i);
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Test
    void everyFloatingPointRowMatchesObjdump(@TempDir Path dir) throws Exception {
        boolean require = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        boolean tools = run(dir, "as", "--version") == 0 && run(dir, "objdump", "--version") == 0;
        if (require) assertTrue(tools, "as and objdump are required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(tools, "needs GNU as and objdump");
        List<byte[]> enc = encodings();
        assertTrue(enc.size() > 500, "the table yields encodings: " + enc.size());
        StringBuilder src = new StringBuilder(".text\n");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] e : enc) {
            src.append(".byte ");
            for (int i = 0; i < e.length; i++) src.append(i == 0 ? "" : ",").append(e[i] & 0xff);
            src.append('\n');
            all.write(e);
        }
        Files.writeString(dir.resolve("t.s"), src);
        assertEquals(0, run(dir, "as", "--64", "-o", "t.o", "t.s"));
        Process p = new ProcessBuilder("objdump", "-d", "-w", "t.o").directory(dir.toFile()).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        byte[] code = all.toByteArray();
        AttDisassembler d = new AttDisassembler(64);
        Pattern line = Pattern.compile("^\\s*([0-9a-f]+):\\t([0-9a-f ]+)\\t(.*)$");
        int n = 0;
        List<String> mismatches = new ArrayList<>();
        for (String s : listing.lines().toList()) {
            Matcher m = line.matcher(s);
            if (!m.matches()) continue;
            int addr = Integer.parseInt(m.group(1), 16);
            int len = m.group(2).trim().split(" ").length;
            String want = m.group(3).stripTrailing();
            AttDisassembler.Line got = d.disassemble(off -> addr + off < code.length ? code[addr + off] & 0xff : 0, addr);
            String gotText = got.text().stripTrailing();
            if (got.length() != len || !gotText.equals(want)) {
                StringBuilder hex = new StringBuilder();
                for (int i = 0; i < len; i++) hex.append(String.format("%02x ", code[addr + i] & 0xff));
                mismatches.add(hex + "| objdump: " + want + " | ours: " + gotText + " (" + got.length() + " bytes)");
            }
            n++;
        }
        assertTrue(n >= enc.size(), "objdump listed " + n + " of " + enc.size() + " instructions");
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches.subList(0, Math.min(60, mismatches.size()))));
    }

    private static int run(Path dir, String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        }
    }
}
