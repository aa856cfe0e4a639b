package org.multios.boards.x86.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PC's ACPI tables: the loader script run as firmware runs it gives tables whose checksums
 * hold and whose pointers lead RSDP → XSDT/RSDT → FADT → DSDT/FACS; iasl (acpica-tools)
 * disassembles every table without errors and recompiles the DSDT (skipped without iasl,
 * failed when MULTIOS_REQUIRE_ORACLES=1).
 */
class PcAcpiTablesTest {
    static final long TABLES_AT = 0x7ff_0000L, RSDP_AT = 0xf_5a40L;

    static long le(byte[] b, int at, int n) { return TableLoaderRunner.le(b, at, n); }

    static int sum(byte[] b, int from, int len) {
        int s = 0;
        for (int i = from; i < from + len; i++) s += b[i];
        return s & 0xff;
    }

    static String sig(byte[] b, int at) { return new String(b, at, 4, StandardCharsets.US_ASCII); }

    /** Table bytes at physical address {@code addr} of the linked tables file. */
    static byte[] tableAt(byte[] tables, long addr) {
        int off = (int) (addr - TABLES_AT);
        int len = sig(tables, off).equals("FACS") ? 64 : (int) le(tables, off + 4, 4);
        return java.util.Arrays.copyOfRange(tables, off, off + len);
    }

    @Test
    void loaderScriptLinksTablesWithValidChecksums() {
        PcAcpiTables acpi = new PcAcpiTables(PcAcpiTables.Board.pc(1, 0xfed4_0000L));
        // the files carry zero checksum bytes: U-Boot stores -sum, SeaBIOS adds it; both are right only then
        byte[] raw = acpi.files().get(PcAcpiTables.TABLES_FILE);
        for (PcAcpiTables.Placed p : acpi.placed()) if (!p.signature().equals("FACS")) assertEquals(0, raw[p.offset() + 9], p.signature());
        assertEquals(0, acpi.files().get(PcAcpiTables.RSDP_FILE)[8]);
        assertEquals(0, acpi.files().get(PcAcpiTables.RSDP_FILE)[32]);
        byte[][] linked = acpi.linked(TABLES_AT, RSDP_AT);
        byte[] tables = linked[0], rsdp = linked[1];
        assertEquals("RSD PTR ", new String(rsdp, 0, 8, StandardCharsets.US_ASCII));
        assertEquals(0, sum(rsdp, 0, 20), "RSDP 1.0 checksum");
        assertEquals(0, sum(rsdp, 0, 36), "RSDP extended checksum");
        byte[] xsdt = tableAt(tables, le(rsdp, 24, 8));
        byte[] rsdt = tableAt(tables, le(rsdp, 16, 4));
        assertEquals("XSDT", sig(xsdt, 0));
        assertEquals("RSDT", sig(rsdt, 0));
        List<String> viaXsdt = new ArrayList<>();
        for (int i = 36; i < xsdt.length; i += 8) {
            byte[] t = tableAt(tables, le(xsdt, i, 8));
            assertEquals(0, sum(t, 0, t.length), sig(t, 0) + " checksum");
            viaXsdt.add(sig(t, 0));
            assertEquals(le(xsdt, i, 8), le(rsdt, 36 + (i - 36) / 2, 4), "RSDT and XSDT agree");
        }
        assertEquals(List.of("FACP", "APIC", "HPET", "MCFG", "TPM2"), viaXsdt);
        assertEquals(0, sum(xsdt, 0, xsdt.length));
        byte[] fadt = tableAt(tables, le(xsdt, 36, 8));
        byte[] dsdt = tableAt(tables, le(fadt, 140, 8));
        assertEquals(le(fadt, 140, 8), le(fadt, 40, 4), "DSDT and X_DSDT");
        assertEquals("DSDT", sig(dsdt, 0));
        assertEquals(0, sum(dsdt, 0, dsdt.length));
        long facs = le(fadt, 36, 4);
        assertEquals(0, facs % 64, "FACS 64-byte aligned");
        assertEquals("FACS", sig(tableAt(tables, facs), 0));
        assertEquals(0x604, le(fadt, 64, 4), "PM1a_CNT_BLK");
        assertEquals(0xcf9, le(fadt, 120, 8), "RESET_REG address");
        byte[] madt = tableAt(tables, le(xsdt, 44, 8));
        assertEquals(0xfee0_0000L, le(madt, 36, 4));
        // entries: LAPIC, IO-APIC, ISO 0→2, ISO 9, LAPIC NMI
        int at = 44;
        List<Integer> types = new ArrayList<>();
        while (at < madt.length) {
            types.add(madt[at] & 0xff);
            if (madt[at] == 2 && madt[at + 3] == 0) assertEquals(2, le(madt, at + 4, 4), "IRQ 0 → GSI 2");
            if (madt[at] == 1) assertEquals(0xfec0_0000L, le(madt, at + 4, 4));
            at += madt[at + 1] & 0xff;
        }
        assertEquals(List.of(0, 1, 2, 2, 4), types);
        byte[] mcfg = tableAt(tables, le(xsdt, 60, 8));
        assertEquals(0xb000_0000L, le(mcfg, 44, 8));
        // a different placement changes only the pointers and checksums
        byte[][] other = acpi.linked(TABLES_AT + 0x1000, RSDP_AT);
        assertEquals(le(rsdp, 24, 8) + 0x1000, le(other[1], 24, 8));
        assertTrue(acpi.files().get(PcAcpiTables.LOADER_FILE).length % TableLoader.COMMAND_SIZE == 0);
    }

    @Test
    void amlEncodings() {
        assertArrayEquals(new byte[] {0x0c, 0x41, (byte) 0xd0, 0x0a, 0x03}, Aml.eisaId("PNP0A03"));
        assertArrayEquals(new byte[] {0x0a, 0x20}, Aml.integer(0x20));
        assertArrayEquals(new byte[] {0x0b, 0x34, 0x12}, Aml.integer(0x1234));
        assertArrayEquals(new byte[] {0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'}, Aml.nameString("\\_SB.PCI0"));
        // \_S5 package as QEMU's: 08 5C 5F 53 35 5F 12 06 04 00 00 00 00
        assertArrayEquals(new byte[] {8, 0x5c, '_', 'S', '5', '_', 0x12, 6, 4, 0, 0, 0, 0},
                Aml.name("\\_S5", Aml.packageOf(Aml.integer(0), Aml.integer(0), Aml.integer(0), Aml.integer(0))));
        byte[] big = Aml.withPkgLength(new byte[100]);
        assertEquals(102, big.length);
        assertEquals(0x40 | (102 & 0xf), big[0] & 0xff, "two-byte PkgLength, low nibble");
        assertEquals(102 >> 4, big[1] & 0xff);
    }

    static boolean iaslPresent() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/iasl"));
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(present, "iasl (acpica-tools) is required");
        return present;
    }

    static String iasl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("iasl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void iaslDisassemblesEveryTable(@TempDir Path dir) throws Exception {
        assumeTrue(iaslPresent(), "iasl not installed");
        PcAcpiTables acpi = new PcAcpiTables(PcAcpiTables.Board.pc(1, 0xfed4_0000L));
        byte[] tables = acpi.linked(TABLES_AT, RSDP_AT)[0];
        for (PcAcpiTables.Placed p : acpi.placed()) {
            String name = p.signature().toLowerCase();
            Files.write(dir.resolve(name + ".dat"), java.util.Arrays.copyOfRange(tables, p.offset(), p.offset() + p.length()));
            String out = iasl(dir, "-d", name + ".dat");
            String dsl = Files.readString(dir.resolve(name + ".dsl"));
            assertTrue(!out.contains("Error") && !dsl.contains("**** Unknown") && !dsl.contains("Invalid"), name + ":\n" + out + dsl);
            assertTrue(!dsl.contains("Incorrect") && !dsl.contains("Invalid"), name + " checksum:\n" + dsl);
            if (!p.signature().equals("FACS") && !p.signature().equals("DSDT")) assertTrue(dsl.contains("Checksum : "), dsl);
        }
        String dsdt = Files.readString(dir.resolve("dsdt.dsl"));
        assertTrue(dsdt.contains("Name (\\_S5, Package (0x04)"), dsdt);
        assertTrue(dsdt.contains("EisaId (\"PNP0A08\")") && dsdt.contains("EisaId (\"PNP0103\")"), dsdt);
        assertTrue(dsdt.contains("Memory32Fixed (ReadWrite,") && dsdt.contains("0xFED00000"), dsdt);
        String madt = Files.readString(dir.resolve("apic.dsl"));
        assertTrue(madt.contains("Interrupt Source Override") && madt.contains("Local APIC NMI"), madt);
        assertTrue(Files.readString(dir.resolve("tpm2.dsl")).contains("Start Method : 06"));
        // the disassembled DSDT compiles back (iasl's compiler checks the namespace)
        iasl(dir, "-p", "recompiled", "dsdt.dsl");
        assertTrue(Files.size(dir.resolve("recompiled.aml")) > 36);
    }
}
