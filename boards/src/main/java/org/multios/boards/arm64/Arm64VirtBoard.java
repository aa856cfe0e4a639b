package org.multios.boards.arm64;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.ImageFile;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.elf.ElfFile;
import org.multios.core.irq.InterruptLine;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.block.DiskSpecException;
import org.multios.devices.flash.CfiFlash;
import org.multios.devices.nvme.NvmePciFunction;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.devices.rtc.Pl031Rtc;
import org.multios.devices.tpm.TpmEngine;
import org.multios.devices.tpm.TpmTisInterface;
import org.multios.devices.uart.Pl011Uart;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.Psci;
import org.multios.isa.arm64.irq.GenericTimer;
import org.multios.isa.arm64.irq.GicV3;

/**
 * The arm64-virt board: QEMU's arm {@code virt} machine ({@code -M virt,gic-version=3 -cpu
 * cortex-a57}) with CPUs starting at EL1 (no EL2/EL3, PSCI over HVC answered by the board),
 * two CFI flash banks at 0, GICv3, PL011 UART, PL031 RTC, a PCIe host bridge with the high
 * ECAM window (and an NVMe controller when disks are given) and RAM at 0x40000000.
 * <p>
 * Booting, as QEMU's hw/arm/boot.c does: {@code --bios FILE} loads the firmware into flash 0,
 * the CPUs start at 0 and the device tree is at the start of RAM. Without firmware,
 * {@code --kernel FILE} (an ELF at its addresses, or a raw image at RAM + 0x80000 or the
 * arm64 Image header's text_offset) starts at its entry with X0 = the device tree address
 * (start of RAM).
 */
public final class Arm64VirtBoard implements AutoCloseable {
    private final Arm64VirtConfig config;
    private final PhysicalBus bus = new PhysicalBus();
    private final VirtualClock clock;
    private final Machine machine;
    private final List<A64Cpu> cpus = new ArrayList<>();
    private final GicV3 gic;
    private final Pl011Uart uart;
    private final Pl031Rtc rtc;
    private TpmEngine tpm;
    private final CfiFlash flash0, flash1;
    private final PciHostBridge pci;
    private final PciHostLayout pciLayout;
    private NvmePciFunction nvme;
    private org.multios.devices.virtio.VirtioNetPciFunction net;
    private org.multios.devices.display.BochsDisplayFunction display;
    private org.multios.devices.display.DisplayRefresh displayRefresh;
    private org.multios.devices.console.InputMergingConsole serialConsole;
    private org.multios.core.trace.TraceSink trace;
    private volatile boolean guestStopped;
    private byte[] firmware;
    private ImageFile kernel;
    private long entry;
    private byte[] fdt;

    private Arm64VirtBoard(Arm64VirtConfig cfg) throws BoardException {
        this.config = cfg;
        this.clock = new VirtualClock(cfg.nanosPerInstruction);
        this.machine = new Machine(bus, clock);
        machine.setRealtime(cfg.realtime);
        if (cfg.maxInstructions != Long.MAX_VALUE) machine.setInstructionLimit(cfg.maxInstructions);

        flash0 = new CfiFlash(Arm64VirtMemoryMap.FLASH0.size);
        flash1 = new CfiFlash(Arm64VirtMemoryMap.FLASH1.size);
        bus.addMmio("flash0", Arm64VirtMemoryMap.FLASH0.base, Arm64VirtMemoryMap.FLASH0.size, flash0);
        bus.addMmio("flash1", Arm64VirtMemoryMap.FLASH1.base, Arm64VirtMemoryMap.FLASH1.size, flash1);
        try {
            bus.addRam("dram", Arm64VirtMemoryMap.DRAM.base, cfg.ramSize);
        } catch (OutOfMemoryError e) {
            throw new BoardException("cannot allocate " + (cfg.ramSize >> 20) + " MiB of guest RAM on this host");
        }

        for (int c = 0; c < cfg.cpus; c++) {
            A64Cpu cpu = new A64Cpu(c, bus, clock);
            cpus.add(cpu);
            machine.addCpu(cpu);
        }
        gic = new GicV3(cpus, Arm64VirtMemoryMap.GIC_SPIS);
        for (A64Cpu cpu : cpus) {
            cpu.timer.connect(GenericTimer.PHYS, gic.ppi(cpu.index(), Arm64VirtMemoryMap.TIMER_PHYS_NS_PPI));
            cpu.timer.connect(GenericTimer.VIRT, gic.ppi(cpu.index(), Arm64VirtMemoryMap.TIMER_VIRT_PPI));
        }
        Psci psci = new Psci(cpus, new Psci.SystemControl() {
            @Override public void systemOff() { guestStopped = true; machine.stop(0, "PSCI SYSTEM_OFF"); }
            @Override public void systemReset() { clock.schedule(clock.preciseNanos(), Arm64VirtBoard.this::resetMachine); }
        });
        for (A64Cpu cpu : cpus) cpu.setHypercallHandler(psci);
        bus.addMmio("gicd", Arm64VirtMemoryMap.GIC_DIST.base, Arm64VirtMemoryMap.GIC_DIST.size, gic.distributor);
        bus.addMmio("gicr", Arm64VirtMemoryMap.GIC_REDIST.base, Arm64VirtMemoryMap.GIC_REDIST.size, gic.redistributors);

        // With a display, keys typed into its window reach the guest through the serial console.
        serialConsole = cfg.display != null ? new org.multios.devices.console.InputMergingConsole(cfg.console) : null;
        uart = new Pl011Uart(serialConsole != null ? serialConsole : cfg.console, gic.spi(Arm64VirtMemoryMap.UART_SPI), clock);
        rtc = new Pl031Rtc(clock, gic.spi(Arm64VirtMemoryMap.RTC_SPI), cfg.rtcBaseNanos);
        bus.addMmio("uart0", Arm64VirtMemoryMap.UART.base, Arm64VirtMemoryMap.UART.size, uart);
        bus.addMmio("rtc", Arm64VirtMemoryMap.RTC.base, Arm64VirtMemoryMap.RTC.size, rtc);
        if (cfg.tpm) {
            try {
                tpm = TpmEngine.open(cfg.tpmState);
            } catch (IOException e) {
                throw new BoardException("cannot open TPM state " + cfg.tpmState + ": " + e.getMessage());
            }
            bus.addMmio("tpm-tis", TpmTisInterface.ARM_VIRT_BASE, TpmTisInterface.SIZE, new TpmTisInterface(tpm));
            // _TPM_Init on every machine reset: the firmware has to send TPM2_Startup again.
            machine.onReset(tpm::powerOn);
        }

        InterruptLine[] intx = new InterruptLine[4];
        for (int i = 0; i < 4; i++) intx[i] = gic.spi(Arm64VirtMemoryMap.PCIE_FIRST_SPI + i);
        pci = new PciHostBridge(bus, intx, MsiSink.NONE);
        pciLayout = new PciHostLayout(Arm64VirtMemoryMap.PCIE_ECAM_HIGH.base, Arm64VirtMemoryMap.PCIE_ECAM_HIGH.size,
                Arm64VirtMemoryMap.PCIE_PIO.base, Arm64VirtMemoryMap.PCIE_PIO.size,
                Arm64VirtMemoryMap.PCIE_MMIO.base, Arm64VirtMemoryMap.PCIE_MMIO.size,
                Arm64VirtMemoryMap.PCIE_MMIO_HIGH.base, Arm64VirtMemoryMap.PCIE_MMIO_HIGH.size);
        pci.attachTo(bus, pciLayout);
        if (!cfg.disks.isEmpty()) {
            try {
                nvme = NvmePciFunction.open(clock, cfg.disks, cfg.snapshot, w -> System.err.println("multios: " + w));
            } catch (DiskSpecException e) {
                throw new BoardException(e.getMessage());
            }
            pci.plug(nvme);
        }
        if (cfg.net != null) {
            try {
                net = new org.multios.devices.virtio.VirtioNetPciFunction(clock, cfg.net.open(clock::nanos),
                        cfg.net.mac() != null ? cfg.net.mac() : org.multios.devices.virtio.VirtioNetPciFunction.defaultMac(), 1500);
            } catch (org.multios.devices.net.NetSpec.NetSpecException e) {
                if (nvme != null) {
                    try { nvme.close(); } catch (IOException ignored) {}
                }
                throw new BoardException(e.getMessage());
            }
            pci.plug(net); // INTx through the GIC (the PCI host has no MSI controller here)
        }
        if (cfg.display != null) {
            display = new org.multios.devices.display.BochsDisplayFunction(clock);
            try {
                displayRefresh = new org.multios.devices.display.DisplayRefresh(clock, display,
                        cfg.display.open("MultiOS arm64-virt", serialConsole::inject), 100_000_000);
            } catch (IllegalStateException e) {
                try { close(); } catch (IOException ignored) { }
                throw new BoardException(e.getMessage());
            }
            pci.plug(display);
        }
        planBoot();
        if (cfg.trace != null) {
            try {
                trace = org.multios.core.trace.TraceSink.toFile(cfg.trace);
            } catch (IOException e) {
                throw new BoardException("cannot write trace file " + cfg.trace + ": " + e.getMessage());
            }
            for (A64Cpu cpu : cpus) cpu.setTrace(trace);
        }
        machine.onReset(this::loadImages);
    }

    /** Builds the machine and loads its images; the message of the exception is for the user. */
    public static Arm64VirtBoard create(Arm64VirtConfig cfg) throws BoardException {
        if (cfg.cpus < 1 || cfg.cpus > Arm64VirtConfig.MAX_CPUS) {
            throw new BoardException("--smp must be between 1 and " + Arm64VirtConfig.MAX_CPUS + ", got " + cfg.cpus);
        }
        if (cfg.ramSize < (2L << 20) || (cfg.ramSize & 0xfff) != 0) {
            throw new BoardException("--memory must be a multiple of 4 KiB and at least 2 MiB, got " + cfg.ramSize + " bytes");
        }
        if (cfg.ramSize > (255L << 30)) throw new BoardException("--memory is more than this board supports (255 GiB)");
        Arm64VirtBoard b = new Arm64VirtBoard(cfg);
        b.machine.reset();
        return b;
    }

    private void planBoot() throws BoardException {
        ImageFile fw = switch (config.bios) {
            case Firmware.None n -> null;
            case Firmware.File f -> ImageFile.read("firmware", f.path(), -1);
            case Firmware.Default d -> {
                if (config.kernel != null) yield null;
                if (!java.nio.file.Files.isRegularFile(Arm64VirtConfig.DEBIAN_UBOOT)) {
                    throw new BoardException("no default firmware: " + Arm64VirtConfig.DEBIAN_UBOOT
                            + " not found (install Debian's u-boot-qemu, or pass --bios FILE or --kernel FILE)");
                }
                yield ImageFile.read("firmware", Arm64VirtConfig.DEBIAN_UBOOT, -1);
            }
        };
        if (fw != null) {
            if (fw.bytes().length > Arm64VirtMemoryMap.FLASH0.size) {
                throw new BoardException(fw.describe() + " is larger than the 64 MiB flash");
            }
            firmware = fw.bytes();
            entry = Arm64VirtMemoryMap.FLASH0.base;
        }
        if (config.kernel != null) {
            if (fw != null) throw new BoardException("--kernel with --bios needs fw_cfg, which arm64-virt does not have yet; use one of them");
            kernel = ImageFile.read("kernel", config.kernel, ElfFile.EM_AARCH64);
            if (kernel.isElf()) {
                entry = kernel.elf().orElseThrow().entry();
            } else {
                entry = Arm64VirtMemoryMap.DRAM.base + textOffset(kernel.bytes());
                if (entry - Arm64VirtMemoryMap.DRAM.base + kernel.bytes().length > config.ramSize) {
                    throw new BoardException(kernel.describe() + " does not fit in " + (config.ramSize >> 20) + " MiB of RAM");
                }
            }
        }
        if (fw == null && kernel == null) throw new BoardException("nothing to run: give --bios FILE or --kernel FILE");
        fdt = Arm64VirtDeviceTree.build(config.cpus, config.ramSize, pciLayout, config.append, config.tpm);
    }

    /** arm64 Linux Image header: "ARM\x64" at 0x38, text_offset at 8 (0x80000 when not an Image). */
    private static long textOffset(byte[] image) {
        if (image.length >= 64 && image[0x38] == 'A' && image[0x39] == 'R' && image[0x3a] == 'M' && image[0x3b] == 0x64) {
            long off = 0;
            for (int i = 0; i < 8; i++) off |= (image[8 + i] & 0xffL) << (8 * i);
            return off;
        }
        return 0x80000;
    }

    private void loadImages() {
        flash0.erase();
        if (firmware != null) flash0.load(firmware, 0);
        if (kernel != null) {
            if (kernel.isElf()) {
                try {
                    org.multios.core.elf.ElfLoader.load(kernel.elf().orElseThrow(), bus);
                } catch (org.multios.core.elf.ElfFormatException e) {
                    throw new IllegalStateException(kernel.describe() + ": " + e.getMessage(), e);
                }
            } else {
                bus.loadImage(entry, kernel.bytes(), 0, kernel.bytes().length);
            }
        }
        bus.loadImage(Arm64VirtMemoryMap.DRAM.base, fdt, 0, fdt.length);
        for (A64Cpu cpu : cpus) {
            cpu.setResetVector(entry);
            cpu.setPoweredOn(cpu.index() == 0); // secondaries wait for PSCI CPU_ON
        }
    }

    private void resetMachine() {
        machine.reset();
        if (kernel != null) cpus.get(0).x[0] = Arm64VirtMemoryMap.DRAM.base;
    }

    /** Runs until the guest powers off, the instruction limit is hit, or {@link #stop} is called. */
    public int run() {
        if (kernel != null) cpus.get(0).x[0] = Arm64VirtMemoryMap.DRAM.base;
        try {
            return machine.run();
        } finally {
            config.console.flush();
            if (trace != null) {
                try {
                    trace.close();
                } catch (IOException ignored) {
                    // the trace is best effort once the run is over
                }
            }
        }
    }

    public void stop(int status, String reason) { machine.stop(status, reason); }

    public boolean stoppedByGuest() { return guestStopped; }

    public Machine machine() { return machine; }
    public PhysicalBus bus() { return bus; }
    public VirtualClock clock() { return clock; }
    public List<A64Cpu> cpus() { return List.copyOf(cpus); }
    public GicV3 gic() { return gic; }
    /** The instruction trace, or null without {@code --trace} (the GDB stub switches it). */
    public org.multios.core.trace.TraceSink traceSink() { return trace; }
    public Pl011Uart uart() { return uart; }
    public PciHostBridge pci() { return pci; }
    /** The generated device tree blob. */
    public byte[] deviceTree() { return fdt.clone(); }

    /** The PCI display ({@code --display}), or null. */
    public org.multios.devices.display.BochsDisplayFunction display() { return display; }

    @Override
    public void close() throws IOException {
        config.console.flush();
        if (displayRefresh != null) {
            displayRefresh.close();
            displayRefresh = null;
        }
        if (net != null) {
            net.close();
            net = null;
        }
        if (nvme != null) {
            NvmePciFunction n = nvme;
            nvme = null;
            n.close();
        }
    }
}
