package org.multios.boards.arm64;

import org.multios.core.fdt.FdtWriter;
import org.multios.devices.tpm.TpmTisInterface;
import org.multios.devices.pci.PciDeviceTree;
import org.multios.devices.pci.PciHostLayout;

/**
 * The device tree of arm64-virt, laid out as QEMU 7.2 generates it for
 * {@code -M virt,gic-version=3 -cpu cortex-a57} (compare with {@code -machine dumpdtb=} and
 * {@code dtc}), minus the devices this board does not have (fw-cfg, virtio-mmio, PL061,
 * platform bus, GIC ITS).
 */
final class Arm64VirtDeviceTree {
    private Arm64VirtDeviceTree() {}

    static final int PHANDLE_CLK = 0x8000, PHANDLE_GIC = 0x8002, PHANDLE_CPU0 = 0x8001;
    private static final int GIC_SPI = 0, GIC_PPI = 1, IRQ_LEVEL_HIGH = 4;

    static byte[] build(int cpus, long ramSize, PciHostLayout pci, String bootargs) {
        return build(cpus, ramSize, pci, bootargs, false);
    }

    static byte[] build(int cpus, long ramSize, PciHostLayout pci, String bootargs, boolean tpm) {
        FdtWriter f = new FdtWriter();
        f.beginNode("");
        f.propU32("interrupt-parent", PHANDLE_GIC);
        f.propString("model", "linux,dummy-virt");
        f.propU32("#size-cells", 2);
        f.propU32("#address-cells", 2);
        f.propString("compatible", "linux,dummy-virt");

        f.beginNode("psci");
        f.propU32("migrate", 0xc4000005);
        f.propU32("cpu_on", 0xc4000003);
        f.propU32("cpu_off", 0x84000002);
        f.propU32("cpu_suspend", 0xc4000001);
        f.propString("method", "hvc");
        f.propStrings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci");
        f.endNode();

        f.beginNode(String.format("memory@%x", Arm64VirtMemoryMap.DRAM.base));
        f.propU64("reg", Arm64VirtMemoryMap.DRAM.base, ramSize);
        f.propString("device_type", "memory");
        f.endNode();

        PciDeviceTree.write(f, String.format("pcie@%x", Arm64VirtMemoryMap.PCIE_MMIO.base), pci, PHANDLE_GIC, 2,
                wire -> new int[] {GIC_SPI, Arm64VirtMemoryMap.PCIE_FIRST_SPI + wire, IRQ_LEVEL_HIGH});

        primecell(f, "pl031", Arm64VirtMemoryMap.RTC, Arm64VirtMemoryMap.RTC_SPI, "arm,pl031", new String[] {"apb_pclk"});
        primecell(f, "pl011", Arm64VirtMemoryMap.UART, Arm64VirtMemoryMap.UART_SPI, "arm,pl011", new String[] {"uartclk", "apb_pclk"});

        if (tpm) {
            // As QEMU's add_tpm_tis_fdt_node: no interrupt, drivers poll.
            f.beginNode(String.format("tpm_tis@%x", TpmTisInterface.ARM_VIRT_BASE));
            f.propString("compatible", TpmTisInterface.FDT_COMPATIBLE);
            f.propU64("reg", TpmTisInterface.ARM_VIRT_BASE, TpmTisInterface.SIZE);
            f.endNode();
        }

        f.beginNode("pmu");
        f.propU32("interrupts", GIC_PPI, 7, IRQ_LEVEL_HIGH);
        f.propString("compatible", "arm,armv8-pmuv3");
        f.endNode();

        f.beginNode(String.format("intc@%x", Arm64VirtMemoryMap.GIC_DIST.base));
        f.propU32("phandle", PHANDLE_GIC);
        f.propU64("reg", Arm64VirtMemoryMap.GIC_DIST.base, Arm64VirtMemoryMap.GIC_DIST.size,
                Arm64VirtMemoryMap.GIC_REDIST.base, Arm64VirtMemoryMap.GIC_REDIST.size);
        f.propU32("#redistributor-regions", 1);
        f.propString("compatible", "arm,gic-v3");
        f.propEmpty("ranges");
        f.propU32("#size-cells", 2);
        f.propU32("#address-cells", 2);
        f.propEmpty("interrupt-controller");
        f.propU32("#interrupt-cells", 3);
        f.endNode();

        f.beginNode("flash@0");
        f.propU32("bank-width", 4);
        f.propU64("reg", Arm64VirtMemoryMap.FLASH0.base, Arm64VirtMemoryMap.FLASH0.size,
                Arm64VirtMemoryMap.FLASH1.base, Arm64VirtMemoryMap.FLASH1.size);
        f.propString("compatible", "cfi-flash");
        f.endNode();

        f.beginNode("cpus");
        f.propU32("#size-cells", 0);
        f.propU32("#address-cells", 1);
        for (int c = 0; c < cpus; c++) {
            f.beginNode("cpu@" + c);
            f.propU32("phandle", PHANDLE_CPU0 + (c == 0 ? 0 : 0x100 + c));
            if (cpus > 1) f.propString("enable-method", "psci");
            f.propU32("reg", c);
            f.propString("compatible", "arm,cortex-a57");
            f.propString("device_type", "cpu");
            f.endNode();
        }
        f.endNode();

        f.beginNode("timer");
        f.propU32("interrupts",
                GIC_PPI, Arm64VirtMemoryMap.TIMER_PHYS_S_PPI - 16, IRQ_LEVEL_HIGH,
                GIC_PPI, Arm64VirtMemoryMap.TIMER_PHYS_NS_PPI - 16, IRQ_LEVEL_HIGH,
                GIC_PPI, Arm64VirtMemoryMap.TIMER_VIRT_PPI - 16, IRQ_LEVEL_HIGH,
                GIC_PPI, Arm64VirtMemoryMap.TIMER_HYP_PPI - 16, IRQ_LEVEL_HIGH);
        f.propEmpty("always-on");
        f.propStrings("compatible", "arm,armv8-timer", "arm,armv7-timer");
        f.endNode();

        f.beginNode("apb-pclk");
        f.propU32("phandle", PHANDLE_CLK);
        f.propString("clock-output-names", "clk24mhz");
        f.propU32("clock-frequency", 24_000_000);
        f.propU32("#clock-cells", 0);
        f.propString("compatible", "fixed-clock");
        f.endNode();

        f.beginNode("chosen");
        f.propString("stdout-path", String.format("/pl011@%x", Arm64VirtMemoryMap.UART.base));
        if (bootargs != null) f.propString("bootargs", bootargs);
        f.endNode();

        f.endNode();
        return f.finish();
    }

    private static void primecell(FdtWriter f, String name, Arm64VirtMemoryMap where, int spi, String compatible, String[] clocks) {
        f.beginNode(String.format("%s@%x", name, where.base));
        f.propStrings("clock-names", clocks);
        int[] c = new int[clocks.length];
        java.util.Arrays.fill(c, PHANDLE_CLK);
        f.propU32("clocks", c);
        f.propU32("interrupts", GIC_SPI, spi, IRQ_LEVEL_HIGH);
        f.propU64("reg", where.base, where.size);
        f.propStrings("compatible", compatible, "arm,primecell");
        f.endNode();
    }
}
