package org.multios.boards.riscv;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.multios.boards.BoardException;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.cache.BlockCache;
import org.multios.core.irq.InterruptLine;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;
import org.multios.core.trace.TraceSink;
import org.multios.devices.block.DiskSpecException;
import org.multios.devices.nvme.NvmePciFunction;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.devices.power.PowerController;
import org.multios.devices.power.SiFiveTest;
import org.multios.devices.rtc.GoldfishRtc;
import org.multios.devices.uart.Uart16550;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.block.RvBlock;
import org.multios.isa.riscv.irq.Clint;
import org.multios.isa.riscv.irq.Plic;

/**
 * The riscv64-virt board: QEMU's {@code virt} machine with RV64GC harts, reset ROM, CLINT, PLIC,
 * NS16550A UART, SiFive test finisher, Goldfish RTC, PCIe host bridge (with an NVMe controller
 * when disks are given) and RAM at 0x80000000, booted the way
 * QEMU boots it (see {@link BootPlan} and {@link ResetRom}).
 * <pre>
 *   RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().kernel(path).console(c));
 *   int status = board.run();
 * </pre>
 */
public final class RiscvVirtBoard implements PowerController, AutoCloseable {
    // mip bits of the hart-local interrupt inputs
    static final int MIP_SSIP = 1, MIP_MSIP = 3, MIP_STIP = 5, MIP_MTIP = 7, MIP_SEIP = 9, MIP_MEIP = 11;

    private final RiscvVirtConfig config;
    private final BootPlan plan;
    private final PhysicalBus bus = new PhysicalBus();
    private final VirtualClock clock;
    private final Machine machine;
    private final List<RvCpu> harts = new ArrayList<>();
    private final Clint clint;
    private final Plic plic;
    private final Uart16550 uart;
    private final GoldfishRtc rtc;
    private final Htif htif;
    private final TraceSink trace;
    private final PciHostBridge pci;
    private NvmePciFunction nvme;
    private org.multios.devices.virtio.VirtioNetPciFunction net;
    private org.multios.devices.display.BochsDisplayFunction display;
    private org.multios.devices.tpm.TpmEngine tpm;
    private org.multios.devices.display.DisplayRefresh displayRefresh;
    private org.multios.devices.console.InputMergingConsole serialConsole;
    private volatile boolean guestStopped;

    private RiscvVirtBoard(RiscvVirtConfig cfg, BootPlan plan) throws BoardException {
        this.config = cfg;
        this.plan = plan;
        this.clock = new VirtualClock(cfg.nanosPerInstruction);
        this.machine = new Machine(bus, clock);
        machine.setRealtime(cfg.realtime);
        if (cfg.maxInstructions != Long.MAX_VALUE) machine.setInstructionLimit(cfg.maxInstructions);

        bus.add(RamRegion.rom("mrom", RiscvVirtMemoryMap.MROM.base, RiscvVirtMemoryMap.MROM.size));
        try {
            bus.addRam("dram", RiscvVirtMemoryMap.DRAM.base, cfg.ramSize);
        } catch (OutOfMemoryError e) {
            throw new BoardException("cannot allocate " + BootPlan.mib(cfg.ramSize) + " of guest RAM on this host");
        }

        BlockCache<RvBlock> cache = new BlockCache<>(bus);
        List<InterruptLine> msip = new ArrayList<>(), mtip = new ArrayList<>(), contexts = new ArrayList<>();
        for (int h = 0; h < cfg.harts; h++) {
            RvCpu cpu = new RvCpu(h, bus, clock, cache);
            cpu.setResetVector(RiscvVirtMemoryMap.MROM.base);
            harts.add(cpu);
            machine.addCpu(cpu);
            msip.add(cpu.interruptLine(MIP_MSIP));
            mtip.add(cpu.interruptLine(MIP_MTIP));
            contexts.add(cpu.interruptLine(MIP_MEIP)); // context 2h: M-mode
            contexts.add(cpu.interruptLine(MIP_SEIP)); // context 2h+1: S-mode
        }
        clint = new Clint(clock, msip, mtip);
        for (RvCpu cpu : harts) cpu.setTimeSource(clint::mtime);
        plic = new Plic(RiscvVirtMemoryMap.PLIC_SOURCES, contexts);
        // With a display, keys typed into its window reach the guest through the serial console.
        serialConsole = cfg.display != null ? new org.multios.devices.console.InputMergingConsole(cfg.console) : null;
        uart = new Uart16550(serialConsole != null ? serialConsole : cfg.console, plic.source(RiscvVirtMemoryMap.UART0_IRQ), clock);
        rtc = new GoldfishRtc(clock, plic.source(RiscvVirtMemoryMap.RTC_IRQ), cfg.rtcBaseNanos);

        mmio(RiscvVirtMemoryMap.TEST, "test", new SiFiveTest(this));
        mmio(RiscvVirtMemoryMap.RTC, "rtc", rtc);
        mmio(RiscvVirtMemoryMap.CLINT, "clint", clint);
        mmio(RiscvVirtMemoryMap.PLIC, "plic", plic);
        mmio(RiscvVirtMemoryMap.UART0, "uart0", uart);

        // PCIe host bridge (ECAM 0x30000000, windows as QEMU virt); INTA..D on PLIC 32..35, no MSI
        // controller on this board, so functions fall back to INTx.
        if (cfg.tpm) {
            try {
                tpm = org.multios.devices.tpm.TpmEngine.open(cfg.tpmState);
            } catch (IOException e) {
                throw new BoardException("cannot open TPM state " + cfg.tpmState + ": " + e.getMessage());
            }
            bus.addMmio("tpm-tis", RiscvVirtMemoryMap.PLATFORM_BUS.base, org.multios.devices.tpm.TpmTisInterface.SIZE,
                    new org.multios.devices.tpm.TpmTisInterface(tpm));
            // _TPM_Init on every machine reset: the firmware has to send TPM2_Startup again.
            machine.onReset(tpm::powerOn);
        }

        InterruptLine[] intx = new InterruptLine[4];
        for (int i = 0; i < 4; i++) intx[i] = plic.source(PciHostLayout.RISCV_VIRT_FIRST_IRQ + i);
        pci = new PciHostBridge(bus, intx, MsiSink.NONE);
        pci.attachTo(bus, PciHostLayout.riscvVirt(cfg.ramSize));

        htif = plan.tohost() >= 0
                ? new Htif(bus, clock, plan.tohost(), plan.fromhost(), cfg.console, this)
                : null;

        if (cfg.trace != null) {
            try {
                trace = TraceSink.toFile(cfg.trace);
            } catch (IOException e) {
                throw new BoardException("cannot write trace file " + cfg.trace + ": " + e.getMessage());
            }
            for (RvCpu cpu : harts) cpu.setTrace(trace);
        } else {
            trace = null;
        }

        if (!cfg.disks.isEmpty()) {
            try {
                nvme = NvmePciFunction.open(clock, cfg.disks, cfg.snapshot, w -> System.err.println("multios: " + w));
            } catch (DiskSpecException e) {
                closeQuietly();
                throw new BoardException(e.getMessage());
            }
            pci.plug(nvme); // slot 1: 00:01.0, INTA on PLIC 33
        }
        if (cfg.net != null) {
            try {
                net = new org.multios.devices.virtio.VirtioNetPciFunction(clock, cfg.net.open(clock::nanos),
                        cfg.net.mac() != null ? cfg.net.mac() : org.multios.devices.virtio.VirtioNetPciFunction.defaultMac(), 1500);
            } catch (org.multios.devices.net.NetSpec.NetSpecException e) {
                closeQuietly();
                throw new BoardException(e.getMessage());
            }
            pci.plug(net); // next free slot; INTx through the PLIC (no MSI controller here)
        }
        if (cfg.display != null) {
            display = new org.multios.devices.display.BochsDisplayFunction(clock);
            try {
                displayRefresh = new org.multios.devices.display.DisplayRefresh(clock, display,
                        cfg.display.open("MultiOS riscv64-virt", serialConsole::inject), 100_000_000);
            } catch (IllegalStateException e) {
                closeQuietly();
                throw new BoardException(e.getMessage());
            }
            pci.plug(display); // next free slot
        }

        // QEMU reloads its ROM blobs (firmware, kernel, device tree, reset vector) on every reset.
        machine.onReset(() -> plan.load(bus));
        if (htif != null) machine.onReset(htif::start);
    }

    private void mmio(RiscvVirtMemoryMap where, String name, org.multios.core.bus.MmioDevice dev) {
        bus.addMmio(name, where.base, where.size, dev);
    }

    /** Builds the machine and loads its images; the message of the exception is for the user. */
    public static RiscvVirtBoard create(RiscvVirtConfig cfg) throws BoardException {
        if (cfg.harts < 1 || cfg.harts > RiscvVirtConfig.MAX_HARTS) {
            throw new BoardException("--smp must be between 1 and " + RiscvVirtConfig.MAX_HARTS + ", got " + cfg.harts);
        }
        if (cfg.ramSize < (2L << 20) || (cfg.ramSize & 0xfff) != 0) {
            throw new BoardException("--memory must be a multiple of 4 KiB and at least 2 MiB, got " + cfg.ramSize + " bytes");
        }
        if (cfg.ramSize > (1L << 40)) {
            throw new BoardException("--memory " + BootPlan.mib(cfg.ramSize) + " is more than this board supports (1 TiB)");
        }
        BootPlan plan = BootPlan.plan(cfg);
        RiscvVirtBoard board = new RiscvVirtBoard(cfg, plan);
        board.machine.reset();
        return board;
    }

    /** Runs until the guest powers off, the instruction limit is hit, or {@link #stop} is called. */
    public int run() {
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

    /** Stops a running machine from another thread (host request, e.g. Ctrl-A x). */
    public void stop(int status, String reason) { machine.stop(status, reason); }

    @Override
    public void powerOff(int status, String reason) {
        guestStopped = true;
        machine.stop(status, reason);
    }

    @Override
    public void reset(String reason) {
        // We are inside a device access in the middle of a CPU slice: reset between slices,
        // from a clock event due at once (scheduling it also ends the slice early).
        clock.schedule(clock.preciseNanos(), machine::reset);
    }

    /** True when the run ended because the guest asked (test finisher, HTIF), not the host. */
    public boolean stoppedByGuest() { return guestStopped; }

    public Machine machine() { return machine; }
    public PhysicalBus bus() { return bus; }
    public VirtualClock clock() { return clock; }
    public BootPlan bootPlan() { return plan; }
    public List<RvCpu> harts() { return List.copyOf(harts); }
    public Clint clint() { return clint; }
    public Plic plic() { return plic; }
    public Uart16550 uart() { return uart; }
    public GoldfishRtc rtc() { return rtc; }

    /** The instruction trace, or null without {@code --trace} (the GDB stub switches it). */
    public TraceSink traceSink() { return trace; }

    public PciHostBridge pci() { return pci; }

    /** The TPM ({@code --tpm}), or null. */
    public org.multios.devices.tpm.TpmEngine tpm() { return tpm; }

    /** The PCI display ({@code --display}), or null. */
    public org.multios.devices.display.BochsDisplayFunction display() { return display; }

    /** Flushes the console and closes the disks (waits for their I/O; deletes snapshot overlays). */
    @Override
    public void close() throws IOException {
        config.console.flush();
        if (trace != null) trace.close();
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

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // already failing: the first error is the one the user sees
        }
    }
}
