package org.multios.boards.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.multios.devices.pci.PciHostLayout;

/**
 * The generated device tree against QEMU 7.2's own ({@code qemu-system-aarch64 -M
 * virt,gic-version=3,dumpdtb=... -cpu cortex-a57 -m 128M}, recorded in the test resources):
 * every node we generate exists in QEMU's with the same properties and values, except the
 * documented differences; every QEMU node we leave out is a device this board lacks.
 */
class Arm64VirtDeviceTreeTest {
    /** QEMU nodes for devices arm64-virt does not have (yet). */
    static final Set<String> ABSENT_PREFIXES = Set.of("/platform-bus@", "/fw-cfg@", "/virtio_mmio@", "/gpio-keys",
            "/pl061@", "/intc@8000000/its@", "/cpus/cpu-map");
    /** Properties left out on purpose: no ITS, so no PCIe msi-map; no random seeds, so runs are reproducible. */
    static final Set<String> DIFFERENT = Set.of("/pcie@10000000:msi-map", "/chosen:rng-seed", "/chosen:kaslr-seed");

    @Test
    void generatedTreeMatchesQemus() throws Exception {
        Map<String, String> qemu;
        try (InputStream in = getClass().getResourceAsStream("qemu-virt-gicv3.dtb")) {
            qemu = flatten(in.readAllBytes());
        }
        Arm64VirtBoard board = Arm64VirtBoard.create(new Arm64VirtConfig().bios(new org.multios.boards.Firmware.File(
                java.nio.file.Path.of(getClass().getResource("selftest.elf").toURI()))));
        Map<String, String> ours = flatten(board.deviceTree());
        board.close();
        assertTrue(ours.size() > 40, "too few properties: " + ours.keySet());
        for (Map.Entry<String, String> e : ours.entrySet()) {
            assertTrue(qemu.containsKey(e.getKey()), "QEMU has no " + e.getKey());
            assertEquals(qemu.get(e.getKey()), e.getValue(), e.getKey());
        }
        for (String k : qemu.keySet()) {
            if (ours.containsKey(k) || DIFFERENT.contains(k)) continue;
            assertTrue(ABSENT_PREFIXES.stream().anyMatch(k::startsWith), "we lack QEMU's " + k);
        }
    }

    /** "path:property" -> hex value, for every property of a flattened device tree. */
    static Map<String, String> flatten(byte[] dtb) {
        ByteBuffer b = ByteBuffer.wrap(dtb);
        assertEquals(0xd00dfeed, b.getInt(0));
        int structOff = b.getInt(8), stringsOff = b.getInt(12);
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder path = new StringBuilder();
        java.util.ArrayDeque<Integer> lengths = new java.util.ArrayDeque<>();
        int p = structOff;
        while (true) {
            int token = b.getInt(p);
            p += 4;
            switch (token) {
                case 1 -> {
                    int end = p;
                    while (dtb[end] != 0) end++;
                    String name = new String(dtb, p, end - p, java.nio.charset.StandardCharsets.US_ASCII);
                    lengths.push(path.length());
                    if (!name.isEmpty()) path.append(path.length() == 0 ? "/" : "/").append(name);
                    p = (end + 4) & ~3;
                }
                case 2 -> path.setLength(lengths.pop());
                case 3 -> {
                    int len = b.getInt(p), nameOff = b.getInt(p + 4);
                    int end = stringsOff + nameOff;
                    while (dtb[end] != 0) end++;
                    String prop = new String(dtb, stringsOff + nameOff, end - stringsOff - nameOff, java.nio.charset.StandardCharsets.US_ASCII);
                    byte[] v = java.util.Arrays.copyOfRange(dtb, p + 8, p + 8 + len);
                    out.put((path.length() == 0 ? "/" : path.toString()) + ":" + prop, HexFormat.of().formatHex(v));
                    p = (p + 8 + len + 3) & ~3;
                }
                case 4 -> { }
                case 9 -> { return out; }
                default -> throw new AssertionError("bad FDT token " + token);
            }
        }
    }

    @Test
    void layoutIsQemusHighEcam() {
        PciHostLayout l = new PciHostLayout(Arm64VirtMemoryMap.PCIE_ECAM_HIGH.base, Arm64VirtMemoryMap.PCIE_ECAM_HIGH.size,
                Arm64VirtMemoryMap.PCIE_PIO.base, Arm64VirtMemoryMap.PCIE_PIO.size,
                Arm64VirtMemoryMap.PCIE_MMIO.base, Arm64VirtMemoryMap.PCIE_MMIO.size,
                Arm64VirtMemoryMap.PCIE_MMIO_HIGH.base, Arm64VirtMemoryMap.PCIE_MMIO_HIGH.size);
        assertEquals(255, l.lastBus());
    }
}
