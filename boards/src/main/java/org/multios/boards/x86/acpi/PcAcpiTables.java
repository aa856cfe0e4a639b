package org.multios.boards.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The x86_64-pc board's ACPI tables, delivered through fw_cfg as QEMU delivers them
 * (hw/i386/acpi-build.c): "etc/acpi/tables" holds FACS, DSDT, FADT, MADT, HPET, MCFG,
 * (TPM2), XSDT and RSDT back to back with pointers as offsets into that file, "etc/acpi/rsdp"
 * the RSDP, and "etc/table-loader" the script that makes firmware place both, add the real
 * base addresses to the pointers and compute the checksums. {@link #linked} performs that
 * script itself, for tests and for boards without firmware that reads it.
 *
 * <p>Layouts from the ACPI 6.5 specification (section 5.2): fields are written by offset
 * from the tables below, so each table reads as its spec row list.
 */
public final class PcAcpiTables {
    public static final String RSDP_FILE = "etc/acpi/rsdp", TABLES_FILE = "etc/acpi/tables", LOADER_FILE = "etc/table-loader";
    static final String OEM_ID = "MULTIO", OEM_TABLE_ID = "MULTIOS ", CREATOR_ID = "MOSE";

    /** What the board has that the tables describe. */
    public record Board(int cpus, long lapicBase, long ioapicBase, long hpetBase, long ecamBase, int ecamEndBus,
                        int pm1aEvent, int pm1aControl, int resetPort, int resetValue, int sciIrq, Long tpmBase) {
        /** The x86_64-pc board's values (X86PcMemoryMap, LocalApic, IoApic, Hpet). */
        public static Board pc(int cpus, Long tpmBase) {
            return new Board(cpus, 0xfee0_0000L, 0xfec0_0000L, 0xfed0_0000L, 0xb000_0000L, 255, 0x600, 0x604, 0xcf9, 0x06, 9, tpmBase);
        }
    }

    /** One table's place in "etc/acpi/tables". */
    public record Placed(String signature, int offset, int length) {}

    private final byte[] tables;
    private final byte[] rsdp;
    private final byte[] loader;
    private final List<Placed> placed = new ArrayList<>();
    /** Pointer fields to patch: offset in the tables (or rsdp) file and size. */
    private final List<int[]> tablePointers = new ArrayList<>(), rsdpPointers = new ArrayList<>();

    public PcAcpiTables(Board board) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int facs = append(out, "FACS", facs());
        int dsdt = append(out, "DSDT", table("DSDT", 2, dsdtBody(board)));
        byte[] fadtBytes = fadt(board);
        pad(out, 8);
        int fadt = out.size();
        pointer(fadtBytes, 36, 4, facs, fadt);            // FIRMWARE_CTRL
        pointer(fadtBytes, 40, 4, dsdt, fadt);            // DSDT
        pointer(fadtBytes, 140, 8, dsdt, fadt);           // X_DSDT
        append(out, "FACP", fadtBytes);
        List<Integer> entries = new ArrayList<>();
        entries.add(fadt);
        entries.add(append(out, "APIC", madt(board)));
        entries.add(append(out, "HPET", hpet(board)));
        entries.add(append(out, "MCFG", mcfg(board)));
        if (board.tpmBase() != null) entries.add(append(out, "TPM2", tpm2(board.tpmBase())));
        byte[] xsdt = table("XSDT", 1, new byte[8 * entries.size()]);
        byte[] rsdt = table("RSDT", 1, new byte[4 * entries.size()]);
        pad(out, 8);
        int xsdtAt = out.size();
        for (int i = 0; i < entries.size(); i++) pointer(xsdt, 36 + 8 * i, 8, entries.get(i), xsdtAt);
        append(out, "XSDT", xsdt);
        pad(out, 8);
        int rsdtAt = out.size();
        for (int i = 0; i < entries.size(); i++) pointer(rsdt, 36 + 4 * i, 4, entries.get(i), rsdtAt);
        append(out, "RSDT", rsdt);
        // checksum fields stay zero in the files, as in QEMU's: SeaBIOS adds the negated sum to the byte,
        // U-Boot stores it, and only a zero byte gives both the same result
        tables = out.toByteArray();

        rsdp = new byte[36];
        put(rsdp, 0, "RSD PTR ");
        put(rsdp, 9, OEM_ID);
        rsdp[15] = 2;                                     // revision 2: ACPI 2.0+, XSDT
        le(rsdp, 16, rsdtAt, 4);
        rsdpPointers.add(new int[] {16, 4});
        le(rsdp, 20, 36, 4);
        le(rsdp, 24, xsdtAt, 8);
        rsdpPointers.add(new int[] {24, 8});

        TableLoader l = new TableLoader()
                .allocate(RSDP_FILE, 16, TableLoader.ZONE_FSEG)
                .allocate(TABLES_FILE, 64, TableLoader.ZONE_HIGH);
        for (int[] p : tablePointers) l.addPointer(TABLES_FILE, TABLES_FILE, p[0], p[1]);
        for (Placed p : placed) if (!p.signature().equals("FACS")) l.addChecksum(TABLES_FILE, p.offset() + 9, p.offset(), p.length());
        for (int[] p : rsdpPointers) l.addPointer(RSDP_FILE, TABLES_FILE, p[0], p[1]);
        l.addChecksum(RSDP_FILE, 8, 0, 20);
        l.addChecksum(RSDP_FILE, 32, 0, 36);
        loader = l.bytes();
    }

    /** The fw_cfg files, in the order QEMU adds them. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(TABLES_FILE, tables.clone());
        m.put(RSDP_FILE, rsdp.clone());
        m.put(LOADER_FILE, loader.clone());
        return m;
    }

    public List<Placed> placed() { return List.copyOf(placed); }

    public byte[] tables() { return tables.clone(); }

    /**
     * The tables as the loader script leaves them with "etc/acpi/tables" at {@code tablesBase}
     * and the RSDP at {@code rsdpBase}: {tables, rsdp} with pointers and checksums fixed.
     */
    public byte[][] linked(long tablesBase, long rsdpBase) {
        return TableLoaderRunner.run(loader, Map.of(TABLES_FILE, tables, RSDP_FILE, rsdp),
                Map.of(TABLES_FILE, tablesBase, RSDP_FILE, rsdpBase), TABLES_FILE, RSDP_FILE);
    }

    // ---------------------------------------------------------------- assembly helpers

    private static void pad(ByteArrayOutputStream out, int align) {
        while (out.size() % align != 0) out.write(0);
    }

    private int append(ByteArrayOutputStream out, String signature, byte[] table) {
        pad(out, signature.equals("FACS") ? 64 : 8);
        int at = out.size();
        placed.add(new Placed(signature, at, table.length));
        out.writeBytes(table);
        return at;
    }

    /** A pointer field in a table about to be placed at {@code tableAt}: holds the target's offset, patched by the loader. */
    private void pointer(byte[] table, int field, int size, int target, int tableAt) {
        le(table, field, target, size);
        tablePointers.add(new int[] {tableAt + field, size});
    }

    /** The 36-byte system description header (5.2.6) followed by the body; the checksum is set when placed. */
    static byte[] table(String signature, int revision, byte[] body) {
        byte[] t = new byte[36 + body.length];
        put(t, 0, signature);
        le(t, 4, t.length, 4);
        t[8] = (byte) revision;
        put(t, 10, OEM_ID);
        put(t, 16, OEM_TABLE_ID);
        le(t, 24, 1, 4);                                  // OEM revision
        put(t, 28, CREATOR_ID);
        le(t, 32, 1, 4);                                  // creator revision
        System.arraycopy(body, 0, t, 36, body.length);
        return t;
    }

    static void put(byte[] b, int at, String s) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(a, 0, b, at, a.length);
    }

    static void le(byte[] b, int at, long v, int n) { TableLoader.putLe(b, at, v, n); }

    /** A Generic Address Structure (5.2.3.2). */
    static void gas(byte[] b, int at, int space, int bitWidth, int accessSize, long address) {
        b[at] = (byte) space;
        b[at + 1] = (byte) bitWidth;
        b[at + 2] = 0;
        b[at + 3] = (byte) accessSize;
        le(b, at + 4, address, 8);
    }

    static final int SPACE_MEMORY = 0, SPACE_IO = 1;

    // ---------------------------------------------------------------- the tables

    /** FACS (5.2.10): no checksum, 64 bytes, 64-byte aligned; no waking vector (no S3). */
    static byte[] facs() {
        byte[] f = new byte[64];
        put(f, 0, "FACS");
        le(f, 4, 64, 4);
        f[32] = 2;                                        // version
        return f;
    }

    /** FADT revision 5 (5.2.9, 268 bytes): PM1a event/control blocks, 0xCF9 reset register, no PM timer, no SMI. */
    static byte[] fadt(Board b) {
        byte[] t = table("FACP", 5, new byte[268 - 36]);
        t[131] = 1;                                       // FADT minor version (ACPI 5.1)
        t[45] = 0;                                        // preferred PM profile: unspecified
        le(t, 46, b.sciIrq(), 2);                         // SCI_INT
        le(t, 48, 0, 4);                                  // SMI_CMD 0: no SMM, ACPI mode always on (SCI_EN reads set)
        le(t, 56, b.pm1aEvent(), 4);                      // PM1a_EVT_BLK
        le(t, 64, b.pm1aControl(), 4);                    // PM1a_CNT_BLK
        t[88] = 4;                                        // PM1_EVT_LEN
        t[89] = 2;                                        // PM1_CNT_LEN
        le(t, 96, 0x65, 2);                               // P_LVL2_LAT > 100: C2 not supported
        le(t, 98, 0x3e9, 2);                              // P_LVL3_LAT > 1000: C3 not supported
        t[108] = 0x32;                                    // CENTURY: CMOS register 0x32 as QEMU
        le(t, 109, 0x0001, 2);                            // IAPC_BOOT_ARCH: LEGACY_DEVICES (no 8042)
        // flags: WBINVD, PROC_C1, PWR_BUTTON (no fixed power button), SLP_BUTTON (none), RESET_REG_SUP
        le(t, 112, 1 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 10, 4);
        gas(t, 116, SPACE_IO, 8, 1, b.resetPort());       // RESET_REG
        t[128] = (byte) b.resetValue();                   // RESET_VALUE
        gas(t, 148, SPACE_IO, 32, 2, b.pm1aEvent());      // X_PM1a_EVT_BLK
        gas(t, 172, SPACE_IO, 16, 2, b.pm1aControl());    // X_PM1a_CNT_BLK
        return t;
    }

    /** MADT (5.2.12): local APICs, the IO-APIC at GSI 0, IRQ 0 → GSI 2 and SCI overrides, LINT1 = NMI. */
    static byte[] madt(Board b) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        byte[] head = new byte[8];
        le(head, 0, b.lapicBase(), 4);
        le(head, 4, 1, 4);                                // PCAT_COMPAT: 8259s present
        e.writeBytes(head);
        for (int cpu = 0; cpu < b.cpus(); cpu++) e.writeBytes(new byte[] {0, 8, (byte) cpu, (byte) cpu, 1, 0, 0, 0});
        byte[] io = {1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        le(io, 4, b.ioapicBase(), 4);
        e.writeBytes(io);
        e.writeBytes(override(0, 2, 0));                  // IRQ 0 → GSI 2, bus conforming
        e.writeBytes(override(b.sciIrq(), b.sciIrq(), 0xd)); // SCI: level, active high
        e.writeBytes(new byte[] {4, 6, (byte) 0xff, 0, 0, 1}); // all processors: LINT1 = NMI
        return table("APIC", 3, e.toByteArray());
    }

    private static byte[] override(int irq, int gsi, int flags) {
        byte[] o = {2, 10, 0, (byte) irq, 0, 0, 0, 0, 0, 0};
        le(o, 4, gsi, 4);
        le(o, 8, flags, 2);
        return o;
    }

    /** HPET description table (IA-PC HPET spec 3.2.4). */
    static byte[] hpet(Board b) {
        byte[] body = new byte[20];
        le(body, 0, 0x8086_a201L, 4);                     // event timer block ID: vendor, LEG_RT, 64-bit, 3 comparators, rev 1
        gas(body, 4, SPACE_MEMORY, 64, 0, b.hpetBase());
        body[16] = 0;                                     // HPET number
        le(body, 17, 0x80, 2);                            // minimum clock tick in periodic mode
        body[19] = 0;                                     // no page protection
        return table("HPET", 1, body);
    }

    /** MCFG (PCI Firmware spec 4.1.2): one ECAM allocation for segment 0. */
    static byte[] mcfg(Board b) {
        byte[] body = new byte[8 + 16];
        le(body, 8, b.ecamBase(), 8);
        le(body, 16, 0, 2);                               // segment group
        body[18] = 0;                                     // start bus
        body[19] = (byte) b.ecamEndBus();
        return table("MCFG", 1, body);
    }

    /** TPM2 (TCG ACPI spec 8.3, revision 4): TIS/FIFO interface, start method 6, no log area. */
    static byte[] tpm2(long tpmBase) {
        byte[] body = new byte[16];
        le(body, 0, 0, 2);                                // platform class: client
        le(body, 4, 0, 8);                                // control area: none for the FIFO interface (QEMU gives 0)
        le(body, 12, 6, 4);                               // start method: TIS 1.2 / FIFO
        return table("TPM2", 4, body);
    }

    /** DSDT body: \_S5 (SLP_TYP 0, QEMU's), the PCI root bridge, COM1 and the HPET as devices. */
    static byte[] dsdtBody(Board b) {
        return Aml.cat(
                Aml.name("\\_S5", Aml.packageOf(Aml.integer(0), Aml.integer(0), Aml.integer(0), Aml.integer(0))),
                Aml.scope("\\_SB",
                        Aml.device("PCI0",
                                Aml.name("_HID", Aml.eisaId("PNP0A08")),
                                Aml.name("_CID", Aml.eisaId("PNP0A03")),
                                Aml.name("_UID", Aml.integer(0)),
                                Aml.name("_BBN", Aml.integer(0)),
                                Aml.name("_SEG", Aml.integer(0))),
                        Aml.device("COM1",
                                Aml.name("_HID", Aml.eisaId("PNP0501")),
                                Aml.name("_UID", Aml.integer(1)),
                                Aml.name("_CRS", Aml.resourceTemplate(Aml.io(0x3f8, 0x3f8, 0, 8), Aml.irqNoFlags(4)))),
                        Aml.device("HPET",
                                Aml.name("_HID", Aml.eisaId("PNP0103")),
                                Aml.name("_UID", Aml.integer(0)),
                                Aml.name("_CRS", Aml.resourceTemplate(Aml.memory32Fixed(b.hpetBase(), 0x400))))));
    }
}
