package org.multios.boards.riscv;

import static org.multios.boards.riscv.RiscvVirtMemoryMap.CLINT;
import static org.multios.boards.riscv.RiscvVirtMemoryMap.DRAM;
import static org.multios.boards.riscv.RiscvVirtMemoryMap.PLIC;
import static org.multios.boards.riscv.RiscvVirtMemoryMap.RTC;
import static org.multios.boards.riscv.RiscvVirtMemoryMap.TEST;
import static org.multios.boards.riscv.RiscvVirtMemoryMap.UART0;

import java.util.List;
import org.multios.core.fdt.FdtWriter;
import org.multios.devices.pci.PciDeviceTree;
import org.multios.devices.pci.PciHostLayout;

/**
 * The device tree of the riscv64-virt board, laid out as QEMU's virt machine generates it
 * (compare {@code qemu-system-riscv64 -machine virt,dumpdtb=virt.dtb}), restricted to the
 * devices this board has (PCIe host bridge included).
 */
public final class RiscvVirtDeviceTree {
    /** Timebase of the CLINT's mtime and the {@code time} CSR. */
    public static final int TIMEBASE_HZ = 10_000_000;
    /** What the CPU implements, as the legacy ISA string (sstc: stimecmp, as QEMU 7.2+ advertises it). */
    public static final String ISA = "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc";
    /** The same as the newer {@code riscv,isa-base} + {@code riscv,isa-extensions} pair. */
    public static final List<String> ISA_EXTENSIONS =
            List.of("i", "m", "a", "f", "d", "c", "zicsr", "zifencei", "zba", "zbb", "zbs", "sstc");
    // Interrupt numbers at the hart-local interrupt controller (mip bits).
    static final int IRQ_M_SOFT = 3, IRQ_M_TIMER = 7, IRQ_S_EXT = 9, IRQ_M_EXT = 11;

    private final int harts;
    private final long ramSize;
    private final String bootargs;
    private boolean tpm;
    private long initrdStart = -1, initrdEnd = -1;

    public RiscvVirtDeviceTree(int harts, long ramSize, String bootargs) {
        this.harts = harts;
        this.ramSize = ramSize;
        this.bootargs = bootargs;
    }

    /** Adds a TIS TPM node at the start of the platform bus (as {@code tcg,tpm-tis-mmio}, polled: no interrupt). */
    public RiscvVirtDeviceTree tpm(boolean present) {
        this.tpm = present;
        return this;
    }

    private boolean secureBoot;
    private byte[] secureBootKey;

    /** /chosen/multios,secure-boot (when on) and /chosen/multios,secure-boot-key (64 bytes, when non-null). */
    public RiscvVirtDeviceTree secureBoot(boolean on, byte[] keyXy) {
        this.secureBoot = on;
        this.secureBootKey = keyXy;
        return this;
    }

    private String bootDevice;

    /** /chosen/multios,boot-device ("disk" or "net": which one stage 1 boots from; null = no property). */
    public RiscvVirtDeviceTree bootDevice(String device) {
        this.bootDevice = device;
        return this;
    }

    /** Adds /chosen linux,initrd-start/-end. */
    public RiscvVirtDeviceTree initrd(long start, long end) {
        this.initrdStart = start;
        this.initrdEnd = end;
        return this;
    }

    public byte[] build() {
        // phandles: per hart the cpu node and its interrupt controller, then PLIC and test device
        int cpuPhandle0 = 1;
        int plicPhandle = 2 * harts + 1;
        int testPhandle = plicPhandle + 1;

        FdtWriter f = new FdtWriter();
        f.beginNode("");
        f.propU32("#address-cells", 2);
        f.propU32("#size-cells", 2);
        f.propString("compatible", "riscv-virtio");
        f.propString("model", "riscv-virtio,qemu");

        f.beginNode("chosen");
        if (bootargs != null && !bootargs.isEmpty()) f.propString("bootargs", bootargs);
        if (initrdStart >= 0) {
            f.propU64("linux,initrd-start", initrdStart);
            f.propU64("linux,initrd-end", initrdEnd);
        }
        f.propString("stdout-path", "/soc/" + node("serial", UART0.base));
        if (secureBoot) f.propEmpty("multios,secure-boot");
        if (secureBootKey != null) f.prop("multios,secure-boot-key", secureBootKey);
        if (bootDevice != null) f.propString("multios,boot-device", bootDevice);
        f.endNode();

        syscon(f, "poweroff", "syscon-poweroff", 0x5555, testPhandle);
        syscon(f, "reboot", "syscon-reboot", 0x7777, testPhandle);

        f.beginNode(node("memory", DRAM.base));
        f.propString("device_type", "memory");
        f.propU64("reg", DRAM.base, ramSize);
        f.endNode();

        f.beginNode("cpus");
        f.propU32("#address-cells", 1);
        f.propU32("#size-cells", 0);
        f.propU32("timebase-frequency", TIMEBASE_HZ);
        for (int h = 0; h < harts; h++) {
            f.beginNode(node("cpu", h));
            f.propU32("phandle", cpuPhandle(h));
            f.propString("device_type", "cpu");
            f.propU32("reg", h);
            f.propString("status", "okay");
            f.propString("compatible", "riscv");
            f.propString("riscv,isa", ISA);
            f.propString("riscv,isa-base", "rv64i");
            f.propStrings("riscv,isa-extensions", ISA_EXTENSIONS.toArray(String[]::new));
            f.propString("mmu-type", "riscv,sv48");
            f.beginNode("interrupt-controller");
            f.propU32("#interrupt-cells", 1);
            f.propEmpty("interrupt-controller");
            f.propString("compatible", "riscv,cpu-intc");
            f.propU32("phandle", intcPhandle(h));
            f.endNode();
            f.endNode();
        }
        f.beginNode("cpu-map");
        f.beginNode("cluster0");
        for (int h = 0; h < harts; h++) {
            f.beginNode("core" + h);
            f.propU32("cpu", cpuPhandle(h));
            f.endNode();
        }
        f.endNode();
        f.endNode();
        f.endNode(); // cpus

        f.beginNode("soc");
        f.propU32("#address-cells", 2);
        f.propU32("#size-cells", 2);
        f.propString("compatible", "simple-bus");
        f.propEmpty("ranges");

        f.beginNode(node("rtc", RTC.base));
        f.propU32("interrupts", RiscvVirtMemoryMap.RTC_IRQ);
        f.propU32("interrupt-parent", plicPhandle);
        f.propU64("reg", RTC.base, RTC.size);
        f.propString("compatible", "google,goldfish-rtc");
        f.endNode();

        f.beginNode(node("serial", UART0.base));
        f.propU32("interrupts", RiscvVirtMemoryMap.UART0_IRQ);
        f.propU32("interrupt-parent", plicPhandle);
        f.propU32("clock-frequency", RiscvVirtMemoryMap.UART_CLOCK_HZ);
        f.propU64("reg", UART0.base, UART0.size);
        f.propString("compatible", "ns16550a");
        f.endNode();

        f.beginNode(node("test", TEST.base));
        f.propU32("phandle", testPhandle);
        f.propU64("reg", TEST.base, TEST.size);
        f.propStrings("compatible", "sifive,test1", "sifive,test0", "syscon");
        f.endNode();

        f.beginNode(node("plic", PLIC.base));
        f.propU32("phandle", plicPhandle);
        f.propU32("riscv,ndev", RiscvVirtMemoryMap.PLIC_SOURCES - 1);
        f.propU64("reg", PLIC.base, PLIC.size);
        int[] plicIrqs = new int[4 * harts];
        for (int h = 0; h < harts; h++) {
            plicIrqs[4 * h] = intcPhandle(h);
            plicIrqs[4 * h + 1] = IRQ_M_EXT;   // context 2h: M-mode
            plicIrqs[4 * h + 2] = intcPhandle(h);
            plicIrqs[4 * h + 3] = IRQ_S_EXT;   // context 2h+1: S-mode
        }
        f.propU32("interrupts-extended", plicIrqs);
        f.propEmpty("interrupt-controller");
        f.propStrings("compatible", "sifive,plic-1.0.0", "riscv,plic0");
        f.propU32("#address-cells", 0);
        f.propU32("#interrupt-cells", 1);
        f.endNode();

        f.beginNode(node("clint", CLINT.base));
        int[] clintIrqs = new int[4 * harts];
        for (int h = 0; h < harts; h++) {
            clintIrqs[4 * h] = intcPhandle(h);
            clintIrqs[4 * h + 1] = IRQ_M_SOFT;
            clintIrqs[4 * h + 2] = intcPhandle(h);
            clintIrqs[4 * h + 3] = IRQ_M_TIMER;
        }
        f.propU32("interrupts-extended", clintIrqs);
        f.propU64("reg", CLINT.base, CLINT.size);
        f.propStrings("compatible", "sifive,clint0", "riscv,clint0");
        f.endNode();

        if (tpm) {
            f.beginNode(node("tpm", RiscvVirtMemoryMap.PLATFORM_BUS.base));
            f.propString("compatible", org.multios.devices.tpm.TpmTisInterface.FDT_COMPATIBLE);
            f.propU64("reg", RiscvVirtMemoryMap.PLATFORM_BUS.base, org.multios.devices.tpm.TpmTisInterface.SIZE);
            f.endNode();
        }

        // The PCIe host bridge is always there, as on QEMU virt (with or without devices on it).
        PciDeviceTree.writeForPlic(f, PciHostLayout.riscvVirt(ramSize), plicPhandle, PciHostLayout.RISCV_VIRT_FIRST_IRQ);

        f.endNode(); // soc
        f.endNode(); // root
        return f.finish();
    }

    private static int cpuPhandle(int hart) { return 2 * hart + 1; }

    private static int intcPhandle(int hart) { return 2 * hart + 2; }

    private static void syscon(FdtWriter f, String name, String compatible, int value, int regmap) {
        f.beginNode(name);
        f.propU32("value", value);
        f.propU32("offset", 0);
        f.propU32("regmap", regmap);
        f.propString("compatible", compatible);
        f.endNode();
    }

    private static String node(String name, long unitAddress) {
        return name + "@" + Long.toHexString(unitAddress);
    }
}
