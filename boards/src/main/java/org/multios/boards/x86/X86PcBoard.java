package org.multios.boards.x86;

import java.io.IOException;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.ImageFile;
import org.multios.core.bus.MmioDevice;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.irq.InterruptLine;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.block.DiskSpecException;
import org.multios.devices.nvme.NvmePciFunction;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciBarWindow;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.uart.Uart16550;
import org.multios.isa.x86.X86Cpu;

/**
 * The x86_64-pc board: a PC laid out as QEMU's "pc" machine, so that firmware built for
 * QEMU (Debian's U-Boot qemu-x86_64 ROM) runs. One CPU starting at the reset vector; the
 * firmware image at the top of the 32-bit space with its last 128 KiB also below 1 MiB;
 * RAM from 0 (with the VGA hole); 8259 PICs, 8254 PIT, CMOS RTC, COM1 16550, fw_cfg and
 * PCI configuration mechanism #1 in I/O space; a PCI bus with the PIIX3 ISA bridge at
 * 00:01.0 and an NVMe controller when disks are given.
 */
public final class X86PcBoard implements AutoCloseable {
    private final X86PcConfig config;
    private final PhysicalBus bus = new PhysicalBus();
    private final VirtualClock clock;
    private final Machine machine;
    private final X86Cpu cpu;
    private final IoPortBus io = new IoPortBus();
    private final I8259Pic pic = new I8259Pic();
    private final LocalApic lapic;
    private final IoApic ioapic;
    private final Hpet hpet;
    private final I8254Pit pit;
    private final CmosRtc cmos;
    private final Uart16550 com1;
    private final FwCfg fwCfg;
    private final PciHostBridge pci;
    private final Piix3IsaBridge isa = new Piix3IsaBridge();
    private final RamRegion shadow;
    private NvmePciFunction nvme;
    private org.multios.devices.virtio.VirtioNetPciFunction net;
    private org.multios.devices.tpm.TpmEngine tpm;
    private org.multios.devices.display.BochsDisplayFunction display;
    private org.multios.devices.display.DisplayRefresh displayRefresh;
    private org.multios.devices.console.InputMergingConsole serialConsole;
    private byte[] firmware;
    private final long lowRam, highRam;

    private X86PcBoard(X86PcConfig cfg) throws BoardException {
        this.config = cfg;
        this.clock = new VirtualClock(cfg.nanosPerInstruction);
        this.machine = new Machine(bus, clock);
        machine.setRealtime(cfg.realtime);
        if (cfg.maxInstructions != Long.MAX_VALUE) machine.setInstructionLimit(cfg.maxInstructions);
        lowRam = Math.min(cfg.ramSize, X86PcMemoryMap.LOW_RAM_LIMIT);
        highRam = cfg.ramSize - lowRam;
        try {
            bus.addRam("ram-low", 0, X86PcMemoryMap.LOW_RAM_END);
            shadow = bus.addRam("bios-shadow", X86PcMemoryMap.SHADOW_BASE, X86PcMemoryMap.SHADOW_END - X86PcMemoryMap.SHADOW_BASE);
            bus.addRam("ram", X86PcMemoryMap.SHADOW_END, lowRam - X86PcMemoryMap.SHADOW_END);
            if (highRam > 0) bus.addRam("ram-high", X86PcMemoryMap.FOUR_GIB, highRam);
        } catch (OutOfMemoryError e) {
            throw new BoardException("cannot allocate " + (cfg.ramSize >> 20) + " MiB of guest RAM on this host");
        }
        planFirmware();
        bus.add(RamRegion.rom("bios", X86PcMemoryMap.FOUR_GIB - firmware.length, firmware.length));

        cpu = new X86Cpu(0, bus, clock);
        cpu.io = io;
        // the local APIC sits between the 8259 (LINT0, ExtINT) and the CPU; the IO-APIC sends to it
        lapic = new LocalApic(0, clock, this::now, pic);
        ioapic = new IoApic(lapic);
        cpu.intr = lapic;
        cpu.cpuid.localApic = true;
        cpu.msrs.apicBaseWritten = lapic::apicBaseWritten;
        cpu.msrs.tscDeadline = lapic;
        hpet = new Hpet(clock, this::now, ioapic::input, isaIrq(0), isaIrq(8));
        cpu.resetRequest = this::requestReset;
        machine.addCpu(cpu);

        InterruptLine pitIrq = isaIrq(X86PcMemoryMap.PIT_IRQ);
        pit = new I8254Pit(clock, level -> { if (!hpet.legacyReplacement()) pitIrq.set(level); });
        cmos = new CmosRtc(clock, cfg.rtcEpochNanos, lowRam, highRam);
        // With a display, keys typed into its window reach the guest through the serial console.
        serialConsole = cfg.display != null ? new org.multios.devices.console.InputMergingConsole(cfg.console) : null;
        com1 = new Uart16550(serialConsole != null ? serialConsole : cfg.console, isaIrq(X86PcMemoryMap.COM1_IRQ), clock);
        fwCfg = new FwCfg(1, cfg.ramSize);
        // ACPI tables as QEMU hands them to firmware: etc/acpi/tables, etc/acpi/rsdp and the etc/table-loader script
        if (cfg.tpm) { // TIS at the PC's TPM location (TCG PC Client PTP), described to the OS by ACPI TPM2
            try {
                tpm = org.multios.devices.tpm.TpmEngine.open(cfg.tpmState);
            } catch (IOException e) {
                throw new BoardException("cannot open TPM state " + cfg.tpmState + ": " + e.getMessage());
            }
            bus.addMmio("tpm-tis", org.multios.devices.tpm.TpmTisInterface.PC_BASE, org.multios.devices.tpm.TpmTisInterface.SIZE,
                    new org.multios.devices.tpm.TpmTisInterface(tpm));
            machine.onReset(tpm::powerOn); // _TPM_Init on every reset: firmware sends TPM2_Startup again
        }
        new org.multios.boards.x86.acpi.PcAcpiTables(org.multios.boards.x86.acpi.PcAcpiTables.Board.pc(1,
                cfg.tpm ? org.multios.devices.tpm.TpmTisInterface.PC_BASE : null))
                .files().forEach(fwCfg::addFile);
        if (cfg.append != null && !cfg.append.isEmpty()) { // QEMU's -append: FW_CFG_CMDLINE_SIZE / _DATA (NUL included)
            byte[] text = (cfg.append + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            fwCfg.addItem(FwCfg.CMDLINE_SIZE, FwCfg.le(text.length, 4));
            fwCfg.addItem(FwCfg.CMDLINE_DATA, text);
        }

        InterruptLine[] intx = new InterruptLine[4];
        for (int i = 0; i < 4; i++) {
            int wire = i;
            InterruptLine gsi = ioapic.input(X86PcMemoryMap.PIRQ_GSI_BASE + i);
            intx[i] = level -> {
                int irq = isa.pirqRoute(wire);
                if (irq > 0) pic.irq(irq).set(level);
                gsi.set(level); // APIC mode: PIRQ A-D on IO-APIC inputs 16-19 (as q35's PIRQ A-D)
            };
        }
        pci = new PciHostBridge(bus, intx, MsiSink.NONE);
        pci.plug(1, 0, isa);
        PciBarWindow ioWindow = pci.window(true, 0, 0x10000);
        bus.addMmio("pci-ecam", X86PcMemoryMap.PCI_ECAM_BASE, X86PcMemoryMap.PCI_ECAM_SIZE, pci.ecam());
        bus.addMmio("pci-mmio", X86PcMemoryMap.PCI_MMIO_BASE, X86PcMemoryMap.PCI_MMIO_SIZE,
                pci.window(false, X86PcMemoryMap.PCI_MMIO_BASE, X86PcMemoryMap.PCI_MMIO_SIZE));
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
                closeQuietly();
                throw new BoardException(e.getMessage());
            }
            pci.plug(net); // INTx through the PIIX3 PIRQ routing to the 8259s
        }
        if (cfg.display != null) {
            display = new org.multios.devices.display.BochsDisplayFunction(clock);
            try {
                displayRefresh = new org.multios.devices.display.DisplayRefresh(clock, display,
                        cfg.display.open("MultiOS x86_64-pc", serialConsole::inject), 100_000_000);
            } catch (IllegalStateException e) {
                closeQuietly();
                throw new BoardException(e.getMessage());
            }
            pci.plug(display);
        }

        io.map(X86PcMemoryMap.PIC_MASTER, 2, pic.master);
        io.map(X86PcMemoryMap.PIC_SLAVE, 2, pic.slave);
        io.map(X86PcMemoryMap.PIT, 4, pit);
        io.map(X86PcMemoryMap.PORT_B, 1, pit.port61);
        io.map(X86PcMemoryMap.CMOS, 2, cmos);
        io.map(X86PcMemoryMap.COM1, 8, com1);
        io.map(X86PcMemoryMap.FW_CFG, 2, fwCfg);
        io.map(X86PcMemoryMap.PCI_CONFIG, 8, new PciConfigMechanism1(pci.ecam(), this::requestReset));
        io.map(X86PcMemoryMap.POST, 1, new MmioDevice() {
            @Override public long read(long offset, int size) { return 0xff; }
            @Override public void write(long offset, int size, long value) { /* POST codes: nobody watches */ }
        });
        io.map(X86PcMemoryMap.PORT_A, 1, new MmioDevice() {
            private int value = 2; // A20 enabled
            @Override public long read(long offset, int size) { return value; }
            @Override public void write(long offset, int size, long v) {
                if ((v & 1) != 0 && (value & 1) == 0) requestReset(); // fast reset
                value = (int) v & 0xfe | 2;
            }
        });
        io.map(X86PcMemoryMap.PM1A_CNT, 2, new AcpiPm1Control(() -> machine.stop(0, "power off (ACPI S5)")));
        io.fallback(ioWindow);
        bus.addMmio("lapic", LocalApic.BASE, LocalApic.SIZE, lapic);
        bus.addMmio("ioapic", IoApic.BASE, IoApic.SIZE, ioapic);
        bus.addMmio("hpet", Hpet.BASE, Hpet.SIZE, hpet);
        machine.onReset(this::loadImages);
    }

    /** Builds the machine and loads its firmware; the message of the exception is for the user. */
    public static X86PcBoard create(X86PcConfig cfg) throws BoardException {
        if (cfg.ramSize < (2L << 20) || (cfg.ramSize & 0xfffff) != 0) {
            throw new BoardException("--memory must be a multiple of 1 MiB and at least 2 MiB, got " + cfg.ramSize + " bytes");
        }
        if (cfg.ramSize > (64L << 30)) throw new BoardException("--memory is more than this board supports (64 GiB)");
        if (cfg.kernel != null) throw new BoardException("--kernel needs the fw_cfg kernel loader, which x86_64-pc does not have yet; use --bios");
        X86PcBoard b = new X86PcBoard(cfg);
        b.machine.reset();
        return b;
    }

    private void planFirmware() throws BoardException {
        ImageFile fw = switch (config.bios) {
            case Firmware.None n -> throw new BoardException("x86_64-pc needs firmware at the reset vector: give --bios FILE");
            case Firmware.File f -> ImageFile.read("firmware", f.path(), -1);
            case Firmware.Default d -> {
                if (!java.nio.file.Files.isRegularFile(X86PcConfig.DEBIAN_UBOOT)) {
                    throw new BoardException("no default firmware: " + X86PcConfig.DEBIAN_UBOOT
                            + " not found (install Debian's u-boot-qemu, or pass --bios FILE)");
                }
                yield ImageFile.read("firmware", X86PcConfig.DEBIAN_UBOOT, -1);
            }
        };
        byte[] b = fw.bytes();
        if (b.length < 0x10000 || (b.length & 0xffff) != 0 || b.length > (16 << 20)) {
            throw new BoardException(fw.describe() + ": a PC firmware image must be a multiple of 64 KiB between 64 KiB and 16 MiB, got "
                    + b.length + " bytes");
        }
        firmware = b;
    }

    private void loadImages() {
        bus.loadImage(X86PcMemoryMap.FOUR_GIB - firmware.length, firmware, 0, firmware.length);
        shadow.clear();
        int alias = (int) Math.min(X86PcMemoryMap.ISA_BIOS_SIZE, firmware.length);
        bus.loadImage(X86PcMemoryMap.SHADOW_END - alias, firmware, firmware.length - alias, alias);
        pic.reset();
        lapic.reset();
        ioapic.reset();
        hpet.reset();
        io.resetDevices();
        pci.reset();
    }

    /**
     * ISA IRQ {@code irq} as the PC wires it: to the 8259 input and to the IO-APIC, where IRQ 0
     * arrives on GSI 2 (the interrupt source override the MADT states, as on QEMU) and the others on
     * the GSI of the same number.
     */
    private InterruptLine isaIrq(int irq) {
        InterruptLine toPic = pic.irq(irq);
        InterruptLine toApic = ioapic.input(irq == 0 ? 2 : irq);
        return level -> {
            toPic.set(level);
            toApic.set(level);
        };
    }

    /** Virtual time now, with the CPU's instructions in flight counted (device registers read mid-slice). */
    private long now() {
        cpu.syncClock();
        return clock.preciseNanos();
    }

    private void requestReset() {
        clock.schedule(clock.preciseNanos(), machine::reset);
        cpu.requestExit();
    }

    /** Runs until the guest stops, the instruction limit is hit, or {@link #stop} is called. */
    public int run() {
        try {
            return machine.run();
        } finally {
            config.console.flush();
        }
    }

    public void stop(int status, String reason) { machine.stop(status, reason); }

    public Machine machine() { return machine; }
    public PhysicalBus bus() { return bus; }
    public VirtualClock clock() { return clock; }
    public X86Cpu cpu() { return cpu; }
    public IoPortBus io() { return io; }
    public PciHostBridge pci() { return pci; }
    public FwCfg fwCfg() { return fwCfg; }
    public LocalApic lapic() { return lapic; }
    public IoApic ioapic() { return ioapic; }
    public Hpet hpet() { return hpet; }
    /** The TPM ({@code --tpm}), or null. */
    public org.multios.devices.tpm.TpmEngine tpm() { return tpm; }
    /** The PCI display ({@code --display}), or null. */
    public org.multios.devices.display.BochsDisplayFunction display() { return display; }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // already failing: the first error is the one the user sees
        }
    }

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
