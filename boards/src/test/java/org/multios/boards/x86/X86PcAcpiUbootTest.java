package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.boards.Firmware;
import org.multios.core.bus.PhysicalBus;

/**
 * Oracle for the fw_cfg ACPI interface: Debian's U-Boot qemu-x86_64 ROM runs our
 * "etc/table-loader" script with its own loader (drivers/misc/qfw_acpi.c) at start-up. At the
 * prompt the RSDP it placed is found in guest memory, and every table reached from it has the
 * checksum U-Boot computed and the pointers it patched. (U-Boot built without the "acpi"
 * command, so memory is read directly.) Needs u-boot-qemu (skipped without it, failed under
 * MULTIOS_REQUIRE_ORACLES=1).
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class X86PcAcpiUbootTest {
    static int sum(byte[] b) {
        int s = 0;
        for (byte x : b) s += x;
        return s & 0xff;
    }

    static byte[] read(PhysicalBus bus, long addr, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) bus.read(addr + i, 1);
        return b;
    }

    static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (b[at + i] & 0xffL) << (8 * i);
        return v;
    }

    static byte[] table(PhysicalBus bus, long addr) {
        int len = (int) le(read(bus, addr, 8), 4, 4);
        assertTrue(len >= 36 && len < 0x10000, "table length at " + Long.toHexString(addr) + ": " + len);
        return read(bus, addr, len);
    }

    /** The RSDP on a 16-byte boundary whose checksums hold, or -1. */
    static long findRsdp(PhysicalBus bus, long from, long to) {
        for (long a = from; a < to; a += 16) {
            if (bus.read(a, 8) != 0x2052_5450_2044_5352L) continue; // "RSD PTR "
            if (sum(read(bus, a, 20)) == 0 && sum(read(bus, a, 36)) == 0) return a;
        }
        return -1;
    }

    @Test
    void uBootLoadsTheTablesThroughTheLinkerScript() throws Exception {
        X86PcFirmwareTest.requireRom();
        try (X86PcFirmwareTest.Session s = new X86PcFirmwareTest.Session(new X86PcConfig().bios(new Firmware.File(X86PcFirmwareTest.UBOOT_ROM)))) {
            String before = s.expect("Hit any key to stop autoboot");
            s.console.send(" ");
            s.expect("=> ");
            assertFalse(before.contains("table-loader"), before); // "can't find etc/table-loader" / "maybe corrupted"
            PhysicalBus bus = s.board.bus();
            long rsdp = findRsdp(bus, 0xe0000, 0x100000);
            if (rsdp < 0) rsdp = findRsdp(bus, 0x100000, 128L << 20);
            if (rsdp < 0) {
                StringBuilder hits = new StringBuilder();
                for (long a = 0xc0000; a < (128L << 20); a += 16) {
                    if (bus.read(a, 8) == 0x2052_5450_2044_5352L) {
                        hits.append(String.format(" %x:%s", a, java.util.HexFormat.of().formatHex(read(bus, a, 36))));
                    }
                }
                throw new AssertionError("no RSDP with valid checksums in guest memory; signatures at" + hits + "\n" + before);
            }
            byte[] r = read(bus, rsdp, 36);
            assertEquals("MULTIO", new String(r, 9, 6, StandardCharsets.US_ASCII));
            byte[] xsdt = table(bus, le(r, 24, 8));
            byte[] rsdt = table(bus, le(r, 16, 4));
            assertEquals("XSDT", new String(xsdt, 0, 4, StandardCharsets.US_ASCII));
            assertEquals(0, sum(xsdt), "XSDT checksum after U-Boot's patching");
            assertEquals(0, sum(rsdt), "RSDT checksum");
            List<String> sigs = new ArrayList<>();
            long fadtAddr = 0;
            for (int i = 36; i < xsdt.length; i += 8) {
                long a = le(xsdt, i, 8);
                byte[] t = table(bus, a);
                String sig = new String(t, 0, 4, StandardCharsets.US_ASCII);
                assertEquals(0, sum(t), sig + " checksum");
                sigs.add(sig);
                if (sig.equals("FACP")) fadtAddr = a;
            }
            assertEquals(List.of("FACP", "APIC", "HPET", "MCFG"), sigs);
            byte[] fadt = table(bus, fadtAddr);
            byte[] dsdt = table(bus, le(fadt, 140, 8));
            assertEquals("DSDT", new String(dsdt, 0, 4, StandardCharsets.US_ASCII));
            assertEquals(0, sum(dsdt));
            assertEquals("FACS", new String(read(bus, le(fadt, 36, 4), 4), StandardCharsets.US_ASCII));
        }
    }
}
