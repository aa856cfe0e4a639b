package org.multios.kernel.boot;

import java.io.PrintStream;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.machine.Machine;
import org.multios.isa.arm64.A64Cpu;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelLog;
import org.multios.kernel.arch.arm64.Arm64Port;
import org.multios.kernel.arch.arm64.GicTimer;
import org.multios.kernel.driver.GicV3Driver;
import org.multios.kernel.driver.Pl011Driver;
import org.multios.kernel.driver.PsciPower;
import org.multios.kernel.dt.FdtException;
import org.multios.kernel.dt.FdtNode;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.fs.ConsoleTty;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The kernel's boot entry on arm64 (docs/boot.md, "arm64"): the entry stub's native call 16
 * ({@code hvc #0x4d50}) lands in {@link #enter} at EL1 with X0 = the BootInfo record and the
 * MMU off. As {@link KernelBoot} on riscv64 — same record, same device-tree reader, same
 * root file system and init — with the arm64 devices: the GICv3 ({@link GicV3Driver}), the
 * PL011 console with RX interrupts through it ({@link Pl011Driver}, {@code ttyAMA0}), the
 * virtual generic timer's PPI as the tick ({@link GicTimer}) and PSCI over HVC for
 * power-off and reboot ({@link PsciPower}). The port is {@link Arm64Port} with IRQs taken
 * through the GIC; the vector native calls (0..15) come back here as traps.
 */
public final class Arm64KernelBoot {
    /** Native call 16 (HVC #0x4d50): the kernel entry stub; 0..15 are the vector page's entries. */
    public static final int CALL_KERNEL_ENTRY = 16;

    private final Machine machine;
    private final PhysicalBus bus;
    private final KernelBoot.Options options;
    private volatile Kernel kernel;
    private volatile Arm64Port port;
    private volatile String panicMessage;

    private Arm64KernelBoot(Machine machine, KernelBoot.Options options) {
        this.machine = machine;
        this.bus = machine.bus();
        this.options = options;
    }

    /** Installs the native-call handler (kernel entry and vector entries) on every CPU of the machine. */
    public static Arm64KernelBoot install(List<A64Cpu> cpus, Machine machine, KernelBoot.Options options) {
        Arm64KernelBoot boot = new Arm64KernelBoot(machine, options);
        for (A64Cpu cpu : cpus) cpu.setNativeCallHandler(boot::nativeCall);
        return boot;
    }

    /** The kernel running now (null before the entry stub ran). */
    public Kernel kernel() { return kernel; }

    /** The display and its framebuffer console (FBCON), or null without a display. */
    public org.multios.kernel.drivers.display.KernelDisplay display() { return display; }

    private volatile org.multios.kernel.drivers.display.KernelDisplay display;

    /** The last panic's message, or null. */
    public String panicMessage() { return panicMessage; }

    private void nativeCall(A64Cpu cpu, int number) {
        Kernel k = kernel;
        try {
            if (number == CALL_KERNEL_ENTRY) {
                enter(cpu);
            } else if (k == null || port == null) {
                panic(null, String.format("vector native call %d at %#x before the kernel started", number, cpu.pc));
            } else if (port.enter(number)) {
                k.onTrap();
            } else {
                panic(k, String.format("exception in the kernel (vector %d, ESR %#x, ELR %#x, FAR %#x)", number,
                        cpu.sysregs.esrEl1, cpu.sysregs.elrEl1, cpu.sysregs.farEl1));
            }
        } catch (RuntimeException e) {
            panic(kernel, "internal error: " + e);
            if (Boolean.getBoolean("multios.debug")) e.printStackTrace();
        }
    }

    /** What the device tree says about this machine (arm64-virt, QEMU virt). */
    record Platform(long uartBase, int uartIntid, long gicDist, long gicRedist, long gicRedistSize, int timerIntid, String psciMethod) {
        static Platform probe(FdtReader dt) {
            FdtNode uart = dt.stdout();
            if (uart == null) uart = KernelBoot.Platform.first(dt, "arm,pl011");
            if (uart == null || uart.reg().isEmpty() || !uart.compatible().contains("arm,pl011")) {
                throw new FdtException("no PL011 console (chosen/stdout-path or an arm,pl011 node)");
            }
            FdtNode gic = KernelBoot.Platform.first(dt, "arm,gic-v3");
            if (gic == null || gic.reg().size() < 2) throw new FdtException("no GICv3 (arm,gic-v3 with distributor and redistributor regs)");
            FdtNode timer = KernelBoot.Platform.first(dt, "arm,armv8-timer", "arm,armv7-timer");
            if (timer == null) throw new FdtException("no generic timer (arm,armv8-timer)");
            int[] ti = timer.cells("interrupts");
            // binding order: secure physical, non-secure physical, virtual, hypervisor; 3 cells each
            if (ti == null || ti.length < 9 || ti[6] != 1) throw new FdtException(timer.path() + ": no virtual timer PPI in interrupts");
            FdtNode psci = KernelBoot.Platform.first(dt, "arm,psci-1.0", "arm,psci-0.2", "arm,psci");
            String method = psci == null ? null : psci.string("method");
            return new Platform(uart.reg().get(0).address(), gicIntid(uart), gic.reg().get(0).address(), gic.reg().get(1).address(),
                    gic.reg().get(1).size(), 16 + ti[7], method);
        }

        /** A device's first interrupt as a GIC INTID (cells: type 0 = SPI, 1 = PPI; number; flags), or -1. */
        static int gicIntid(FdtNode n) {
            int[] c = n.cells("interrupts");
            if (c == null || c.length < 3) return -1;
            return c[0] == 0 ? 32 + c[1] : c[0] == 1 ? 16 + c[1] : -1;
        }
    }

    private void enter(A64Cpu cpu) {
        if (cpu.el != 1) {
            earlyPanic("the kernel entry was called at EL" + cpu.el + " (the boot protocol enters it at EL1)");
            return;
        }
        long infoPa = cpu.x[0];
        int cpuNumber = (int) cpu.x[1];
        RamRegion ram = bus.findRam(infoPa, BootInfo.HEADER);
        if (ram == null) {
            earlyPanic(String.format("BootInfo pointer %#x (x0) is not in RAM", infoPa));
            return;
        }
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        BootInfo info;
        FdtReader dt;
        Platform pf;
        try {
            info = BootInfo.read(mem, infoPa);
            dt = FdtReader.parse(mem, info.deviceTree());
            pf = Platform.probe(dt);
        } catch (BootInfo.BadBootInfo e) {
            earlyPanic(e.getMessage());
            return;
        } catch (FdtException | IllegalStateException e) {
            earlyPanic("device tree: " + e.getMessage());
            return;
        }
        boot(cpu, mem, info, dt, pf, cpuNumber);
    }

    private void boot(A64Cpu cpu, PhysicalMemory mem, BootInfo info, FdtReader dt, Platform pf, int cpuNumber) {
        KernelLog klog = new KernelLog(() -> machine.clock().preciseNanos());
        String cmdText = !info.commandLine().isEmpty() ? info.commandLine() : KernelBoot.bootargs(dt);
        KernelCommandLine cmd = KernelCommandLine.parse(cmdText);
        klog.setConsoleLevel(cmd.logLevel());
        Pl011Driver uart = new Pl011Driver(bus, pf.uartBase());
        klog.setConsole(BootConsole.serial(uart::putc));
        klog.info("Booting MultiOS on CPU " + cpuNumber + " (arm64, EL1)");
        klog.info("Kernel command line: " + cmd.text());

        // Memory: nothing is ours until the map says so; the boot loader's ranges are reclaimed.
        PageFrameAllocator frames = BootMemory.frameAllocator(klog, mem, info);

        // Interrupts: the GIC first, so the port's IRQ traps can ask it what they were for.
        GicV3Driver gic = new GicV3Driver(bus, cpu, pf.gicDist(), pf.gicRedist(), pf.gicRedistSize());
        gic.init();
        int timerIntid = pf.timerIntid();
        Arm64Port p = new Arm64Port(cpu, mem, frames, () -> gic.acknowledge() == timerIntid);
        port = p;
        TmpFs rootFs = new TmpFs("rootfs");
        TmpFs.Dir root = rootFs.root();
        Vfs vfs = new Vfs(root);
        Kernel k = new Kernel(p, machine.clock(), mem, frames, vfs, klog.stream(KernelLog.WARNING), options.epochNanos, options.randomSeed);
        k.klog = klog;
        k.startNanos = 0; // the counter and dmesg both count from machine reset
        k.commandLine = cmd.text();
        k.irq = gic;
        kernel = k;
        klog.info(String.format("GICv3: distributor at %#x, redistributor at %#x, %d interrupt lines", pf.gicDist(), pf.gicRedist(), gic.lines()));

        // FBCON: the PCI display's framebuffer console mirrors the serial console (which stays the input and the log).
        org.multios.kernel.drivers.display.KernelDisplay fbcon = org.multios.kernel.drivers.display.KernelDisplay.start(k, dt, cmd.text());
        display = fbcon;
        if (fbcon != null) {
            fbcon.console().write(klog.text().replace("\n", "\r\n")); // what the log printed before the display was up
            klog.setConsole(line -> {
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    if (c == '\n') { uart.putc('\r'); fbcon.console().putc('\r'); }
                    uart.putc(c);
                    fbcon.console().putc(c);
                }
            });
            klog.info(String.format("fbcon: %s %dx%dx32 at %#x, %dx%d text, scrolling by %s", fbcon.driver().pci().address(),
                    fbcon.driver().width(), fbcon.driver().height(), fbcon.driver().framebuffer(), fbcon.console().columns(),
                    fbcon.console().rows(), fbcon.console().usesEngine() ? "the 2D engine" : "CPU copies"));
        }
        java.util.function.IntConsumer transmit = fbcon == null ? uart::putc : c -> { uart.putc(c); fbcon.console().putc(c); };
        ConsoleTty[] ttyRef = new ConsoleTty[1];
        ConsoleTty tty = new ConsoleTty(transmit, sig -> k.signalGroup(ttyRef[0].foregroundGroup(), sig));
        ttyRef[0] = tty;
        uart.init(tty::receive);
        if (pf.uartIntid() >= 32) gic.enable(pf.uartIntid(), uart::onInterrupt);
        klog.info(String.format("Serial: PL011 at MMIO %#x (irq = %d) is a PL011 rev3; console [ttyAMA0] enabled", pf.uartBase(), pf.uartIntid()));
        if ("hvc".equals(pf.psciMethod())) {
            k.power = new PsciPower(cpu);
            klog.info("psci: PSCI 1.0 over HVC: SYSTEM_OFF and SYSTEM_RESET");
        } else {
            klog.log(KernelLog.WARNING, "psci: no PSCI node with method \"hvc\" in the device tree (" + pf.psciMethod() + "): reboot(2) will fail");
        }
        klog.info(String.format("arch_timer: virtual timer at %d Hz, PPI %d", org.multios.isa.arm64.irq.GenericTimer.FREQUENCY, timerIntid));

        // The root file system: the initrd unpacked into tmpfs.
        if (info.initrdStart() != 0) {
            if (info.initrdSize() > Integer.MAX_VALUE - 16) {
                panic(k, "initrd of " + info.initrdSize() + " bytes is too large");
                return;
            }
            RootFileSystem.unpackInitrd(klog, mem, info, root, frames);
        } else {
            klog.log(KernelLog.WARNING, "no initrd: the root file system is empty");
        }
        RootFileSystem.mountPseudoFileSystems(k, root, tty, options.randomSeed, fbcon);
        org.multios.kernel.storage.Storage.probe(k, dt); // PCI + NVMe + GPT: /dev/nvme0n1, nvme0n1p1, ...
        // virtio-net NICs become eth0... (INTx through the GIC's interrupt-map SPI), then ip=
        org.multios.kernel.drivers.virtio.KernelVirtioNet.probe(k, dt);
        if (cmd.root() != null) KernelBoot.mountRoot(k, cmd);
        k.hostname = KernelBoot.hostname(vfs);
        klog.info("hostname: " + k.hostname);

        if (!KernelBoot.startInit(k, vfs, tty, cmd, this::panic)) return;
        k.onInitExit(status -> panic(k, String.format("Attempted to kill init! exitcode=0x%08x", status > 128 ? status - 128 : status << 8)));

        // The CPU: MMU on with the vector page, the timer's PPI enabled; idle until the first tick.
        GicTimer timer = new GicTimer(cpu.timer, gic, timerIntid);
        gic.enable(timerIntid, () -> { });
        k.setTimer(timer);
        p.initCpu();
        p.enterIdleNow();
        timer.kick();
    }

    private void earlyPanic(String message) {
        options.fallback.println("multios: Kernel panic - not syncing: " + message);
        options.fallback.flush();
        panicMessage = message;
        machine.stop(KernelBoot.PANIC_STATUS, "kernel panic: " + message);
    }

    private void panic(Kernel k, String message) {
        panicMessage = message;
        if (k != null) k.klog.log(KernelLog.EMERG, "Kernel panic - not syncing: " + message);
        else {
            PrintStream err = options.fallback;
            err.println("multios: Kernel panic - not syncing: " + message);
            err.flush();
        }
        machine.stop(KernelBoot.PANIC_STATUS, "kernel panic: " + message);
    }
}
