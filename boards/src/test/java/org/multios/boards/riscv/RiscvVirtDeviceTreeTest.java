package org.multios.boards.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiscvVirtDeviceTreeTest {
    @TempDir Path tmp;

    static boolean requireOracles() { return "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")); }

    static boolean have(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    String dtc(byte[] blob) throws Exception {
        boolean present = have("dtc");
        if (requireOracles()) assertTrue(present, "dtc is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(present, "dtc not installed");
        Path f = tmp.resolve("virt.dtb");
        Files.write(f, blob);
        Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void dtcParsesTheBlobAndFindsQemuVirtNodes() throws Exception {
        String dts = dtc(new RiscvVirtDeviceTree(2, 256L << 20, "console=ttyS0 earlycon").build());
        for (String expected : new String[] {
            "compatible = \"riscv-virtio\";",
            "bootargs = \"console=ttyS0 earlycon\";",
            "stdout-path = \"/soc/serial@10000000\";",
            "memory@80000000 {",
            "reg = <0x00 0x80000000 0x00 0x10000000>;",
            "timebase-frequency = <0x989680>;",
            "cpu@0 {", "cpu@1 {",
            "riscv,isa = \"rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc\";",
            "riscv,isa-base = \"rv64i\";",
            "mmu-type = \"riscv,sv48\";",
            "compatible = \"riscv,cpu-intc\";",
            "clint@2000000 {",
            "compatible = \"sifive,clint0\\0riscv,clint0\";",
            // hart 0 intc = 2, hart 1 intc = 4; CLINT: MSIP 3, MTIP 7
            "interrupts-extended = <0x02 0x03 0x02 0x07 0x04 0x03 0x04 0x07>;",
            "plic@c000000 {",
            "compatible = \"sifive,plic-1.0.0\\0riscv,plic0\";",
            "riscv,ndev = <0x5f>;",
            "interrupts-extended = <0x02 0x0b 0x02 0x09 0x04 0x0b 0x04 0x09>;",
            "serial@10000000 {",
            "compatible = \"ns16550a\";",
            "interrupts = <0x0a>;",
            "test@100000 {",
            "compatible = \"sifive,test1\\0sifive,test0\\0syscon\";",
            "compatible = \"syscon-poweroff\";",
            "compatible = \"syscon-reboot\";",
            "value = <0x7777>;",
            "rtc@101000 {",
            "pci@30000000 {",
            "compatible = \"pci-host-ecam-generic\";",
            "compatible = \"google,goldfish-rtc\";",
            "interrupts = <0x0b>;",
        }) {
            assertTrue(dts.contains(expected), "missing: " + expected + "\n" + dts);
        }
        // clock-frequency 3686400 = 0x384000
        assertTrue(dts.contains("clock-frequency = <0x384000>;") || dts.contains("clock-frequency = \"\\08@\";"), dts);
    }

    @Test
    void noBootargsWithoutAppend() throws Exception {
        String dts = dtc(new RiscvVirtDeviceTree(1, 128L << 20, null).build());
        assertTrue(!dts.contains("bootargs"), dts);
        assertTrue(dts.contains("reg = <0x00 0x80000000 0x00 0x8000000>;"), dts);
    }

    /** --tpm: a polled TIS node at the platform bus, and the TIS answers there (TCG vendor/device ID). */
    @Test
    void tpmNodeAndTisAtThePlatformBus(@TempDir Path dir) throws Exception {
        String dts = dtc(new RiscvVirtDeviceTree(1, 128L << 20, null).tpm(true).build());
        assertTrue(dts.contains("tpm@4000000 {") && dts.contains("compatible = \"tcg,tpm-tis-mmio\";")
                && dts.contains("reg = <0x00 0x4000000 0x00 0x5000>;"), dts);
        assertTrue(!dtc(new RiscvVirtDeviceTree(1, 128L << 20, null).build()).contains("tpm"), "no node without --tpm");
        Path spin = dir.resolve("spin.bin");
        Files.write(spin, new byte[] {0x6f, 0, 0, 0}); // j .
        RiscvVirtConfig cfg = new RiscvVirtConfig().bios(new org.multios.boards.Firmware.None()).kernel(spin).tpm(null);
        try (RiscvVirtBoard board = RiscvVirtBoard.create(cfg)) {
            assertEquals(0x00011014L, board.bus().read(RiscvVirtMemoryMap.PLATFORM_BUS.base + 0xf00, 4), "TPM_DID_VID_0");
            assertTrue(board.tpm() != null);
        }
    }
}
