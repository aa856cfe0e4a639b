package org.multios.kernel.boot;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.machine.Machine;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.KernelLog;
import org.multios.kernel.arch.riscv.RiscvPort;
import org.multios.kernel.arch.riscv.SstcTimer;
import org.multios.kernel.driver.Ns16550Driver;
import org.multios.kernel.driver.PlicDriver;
import org.multios.kernel.driver.SysconPower;
import org.multios.kernel.dt.FdtException;
import org.multios.kernel.dt.FdtNode;
import org.multios.kernel.drivers.display.KernelDisplay;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.fs.ConsoleTty;
import org.multios.kernel.fs.FdTable;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;
import org.multios.kernel.proc.ElfExec;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.Task;

/**
 * The kernel's boot entry on riscv64 (docs/boot.md): the entry stub's native call 2 lands in
 * {@link #enter}, on the boot hart in S-mode with {@code a0} = the BootInfo record. From there
 * the kernel does what Linux's start_kernel does, in Java: checks the record, reads the device
 * tree, gives the page allocator the usable memory, brings up the PLIC, the 16550 console (as
 * {@code /dev/console}) and the power-off syscon, unpacks the initrd into the tmpfs root, mounts
 * /dev, /proc and /tmp, and starts {@code /sbin/init} as PID 1; then the hart idles until the
 * first timer interrupt (Sstc) schedules init. Firmware did the M-mode set-up, so only S-mode
 * state is touched. A reboot re-enters through the firmware and builds a fresh kernel.
 */
public final class KernelBoot {
    /** Native call numbers: 0 = the trap vector, 1 = M-mode panic vector (run only), 2 = kernel entry. */
    public static final int CALL_KERNEL_ENTRY = 2;
    /** Exit status of the emulator after a kernel panic. */
    public static final int PANIC_STATUS = 125;
    static final List<String> DEFAULT_INITS = List.of("/sbin/init", "/etc/init", "/bin/init", "/bin/sh");

    /** Host-side settings of the booted kernel. */
    public static final class Options {
        /** Where a panic goes when no console could be found (no usable BootInfo/device tree). */
        public PrintStream fallback = System.err;
        /** Wall-clock time at virtual time 0 (CLOCK_REALTIME's epoch). */
        public long epochNanos = System.currentTimeMillis() * 1_000_000L;
        public long randomSeed = 0x6d756c74696f73L;
    }

    private final Machine machine;
    private final PhysicalBus bus;
    private final Options options;
    private volatile Kernel kernel;
    private volatile String panicMessage;

    private KernelBoot(Machine machine, Options options) {
        this.machine = machine;
        this.bus = machine.bus();
        this.options = options;
    }

    /** Installs the native-call handler (kernel entry and trap vector) on every hart of the machine. */
    public static KernelBoot install(List<RvCpu> harts, Machine machine, Options options) {
        KernelBoot boot = new KernelBoot(machine, options);
        for (RvCpu cpu : harts) cpu.setNativeCallHandler(boot::nativeCall);
        return boot;
    }

    /** The kernel running now (null before the entry stub ran). */
    public Kernel kernel() { return kernel; }

    /** The display and its framebuffer console (FBCON), or null without a display. */
    public KernelDisplay display() { return display; }

    private volatile KernelDisplay display;

    /** The last panic's message, or null. */
    public String panicMessage() { return panicMessage; }

    private void nativeCall(RvCpu cpu, int number) {
        Kernel k = kernel;
        try {
            switch (number) {
                case CALL_KERNEL_ENTRY -> enter(cpu);
                case RiscvPort.CALL_TRAP -> {
                    if (k == null) throw new IllegalStateException("trap vector reached before the kernel started");
                    k.onTrap();
                }
                default -> panic(k, String.format("unexpected native call %d at %#x", number, cpu.pc() - 4));
            }
        } catch (RuntimeException e) {
            panic(kernel, "internal error: " + e);
            if (Boolean.getBoolean("multios.debug")) e.printStackTrace();
        }
    }

    // ---- the boot sequence ----

    private void enter(RvCpu cpu) {
        if (cpu.privilege() != 1) {
            earlyPanic("the kernel entry was called in " + (cpu.privilege() == 3 ? "M" : "U") + "-mode (the boot protocol enters it in S-mode)", null);
            return;
        }
        long infoPa = cpu.xreg(10);
        int hart = (int) cpu.xreg(11);
        RamRegion ram = bus.findRam(infoPa, BootInfo.HEADER);
        if (ram == null) {
            earlyPanic(String.format("BootInfo pointer %#x (a0) is not in RAM", infoPa), null);
            return;
        }
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        BootInfo info;
        try {
            info = BootInfo.read(mem, infoPa);
        } catch (BootInfo.BadBootInfo e) {
            earlyPanic(e.getMessage(), consoleFromRawRecord(mem, infoPa));
            return;
        }
        FdtReader dt;
        try {
            dt = FdtReader.parse(mem, info.deviceTree());
        } catch (FdtException e) {
            earlyPanic("device tree: " + e.getMessage(), null);
            return;
        }
        Platform pf;
        try {
            pf = Platform.probe(dt, hart);
        } catch (FdtException | IllegalStateException e) {
            earlyPanic("device tree: " + e.getMessage(), null);
            return;
        }
        boot(cpu, mem, info, dt, pf, hart);
    }

    /** What the device tree says about this machine. */
    record Platform(long timebaseHz, long uartBase, int uartShift, int uartIrq, long plicBase, int plicContext, int plicSources,
                    long offAddress, int offValue, long rebootAddress, int rebootValue, long ramBase, long ramSize) {
        static Platform probe(FdtReader dt, int hart) {
            FdtNode cpus = dt.find("/cpus");
            if (cpus == null || !cpus.has("timebase-frequency")) throw new FdtException("no /cpus/timebase-frequency");
            long timebase = cpus.u64("timebase-frequency");
            FdtNode uart = dt.stdout();
            if (uart == null) {
                List<FdtNode> l = dt.findCompatible("ns16550a");
                uart = l.isEmpty() ? null : l.get(0);
            }
            if (uart == null || uart.reg().isEmpty()) throw new FdtException("no console UART (chosen/stdout-path or an ns16550a node)");
            FdtNode plic = first(dt, "riscv,plic0", "sifive,plic-1.0.0");
            if (plic == null || plic.reg().isEmpty()) throw new FdtException("no PLIC (riscv,plic0)");
            int context = plicContext(dt, plic, hart);
            long offAddr = -1, rebootAddr = -1;
            int offVal = 0, rebootVal = 0;
            FdtNode off = first(dt, "syscon-poweroff"), reboot = first(dt, "syscon-reboot");
            if (off != null) { offAddr = syscon(dt, off); offVal = off.u32("value"); }
            if (reboot != null) { rebootAddr = syscon(dt, reboot); rebootVal = reboot.u32("value"); }
            FdtNode test = first(dt, "sifive,test0");
            if (test != null && !test.reg().isEmpty()) {
                if (offAddr < 0) { offAddr = test.reg().get(0).address(); offVal = 0x5555; }
                if (rebootAddr < 0) { rebootAddr = test.reg().get(0).address(); rebootVal = 0x7777; }
            }
            FdtNode memory = null;
            for (FdtNode n : dt.root().children()) if ("memory".equals(n.string("device_type")) || n.baseName().equals("memory")) memory = n;
            long ramBase = memory == null || memory.reg().isEmpty() ? -1 : memory.reg().get(0).address();
            long ramSize = memory == null || memory.reg().isEmpty() ? 0 : memory.reg().get(0).size();
            return new Platform(timebase, uart.reg().get(0).address(), uart.u32("reg-shift", 0), uart.u32("interrupts", 0),
                    plic.reg().get(0).address(), context, plic.u32("riscv,ndev", 31) + 1, offAddr, offVal, rebootAddr, rebootVal,
                    ramBase, ramSize);
        }

        static FdtNode first(FdtReader dt, String... compatibles) {
            for (String c : compatibles) {
                List<FdtNode> l = dt.findCompatible(c);
                for (FdtNode n : l) if (n.enabled()) return n;
            }
            return null;
        }

        static long syscon(FdtReader dt, FdtNode n) {
            FdtNode map = dt.byPhandle(n.u32("regmap"));
            if (map == null || map.reg().isEmpty()) throw new FdtException(n.path() + ": regmap names no device");
            return map.reg().get(0).address() + (n.u32("offset", 0) & 0xffff_ffffL);
        }

        /** The PLIC context whose interrupts-extended entry is this hart's S-mode external interrupt (9). */
        static int plicContext(FdtReader dt, FdtNode plic, int hart) {
            int[] ie = plic.cells("interrupts-extended");
            if (ie == null) throw new FdtException(plic.path() + ": no interrupts-extended");
            for (int i = 0; i + 1 < ie.length; i += 2) {
                FdtNode intc = dt.byPhandle(ie[i]);
                if (intc == null || intc.parent() == null || ie[i + 1] != 9) continue;
                FdtNode cpu = intc.parent();
                if (cpu.has("reg") && cpu.u32("reg") == hart) return i / 2;
            }
            throw new FdtException(plic.path() + ": no S-mode context for hart " + hart);
        }
    }

    private void boot(RvCpu cpu, PhysicalMemory mem, BootInfo info, FdtReader dt, Platform pf, int hart) {
        long nanosPerTick = Math.max(1, 1_000_000_000L / Math.max(1, pf.timebaseHz()));
        // dmesg timestamps count from machine reset, continuing the firmware's (rdtime-based) ones.
        KernelLog klog = new KernelLog(() -> cpu.time() * nanosPerTick);
        String cmdText = !info.commandLine().isEmpty() ? info.commandLine() : bootargs(dt);
        KernelCommandLine cmd = KernelCommandLine.parse(cmdText);
        klog.setConsoleLevel(cmd.logLevel());

        Ns16550Driver uart = new Ns16550Driver(bus, pf.uartBase(), pf.uartShift());
        klog.setConsole(BootConsole.serial(uart::putc));
        klog.info("Booting MultiOS on hart " + hart + " (riscv64)");
        klog.info("Kernel command line: " + cmd.text());

        // Memory: nothing is ours until the map says so.
        PageFrameAllocator frames = BootMemory.frameAllocator(klog, mem, info);

        RiscvPort port = new RiscvPort(cpu, mem, frames);
        TmpFs rootFs = new TmpFs("rootfs");
        TmpFs.Dir root = rootFs.root();
        Vfs vfs = new Vfs(root);
        Kernel k = new Kernel(port, machine.clock(), mem, frames, vfs, klog.stream(KernelLog.WARNING), options.epochNanos, options.randomSeed);
        k.klog = klog;
        k.startNanos = machine.clock().preciseNanos() - cpu.time() * nanosPerTick;
        k.commandLine = cmd.text();
        if (info.eventLog() != null) {
            // Kept as Linux keeps it (a copy), exposed at /sys/kernel/security/tpm0/binary_bios_measurements and /proc/multios/tpm_eventlog.
            byte[] log = new byte[info.eventLog().size()];
            mem.read(info.eventLog().address(), log, 0, log.length);
            k.tpmEventLog = log;
            klog.info(String.format("tpm: TCG event log of %d bytes at %#x%s", log.length, info.eventLog().address(),
                    info.eventLog().verified() ? ", secure boot verified" : ""));
        }
        kernel = k;

        // FBCON: the PCI display's framebuffer console mirrors the serial console (which stays the input and the log).
        KernelDisplay fbcon = KernelDisplay.start(k, dt, cmd.text());
        display = fbcon;
        if (fbcon != null) {
            String early = klog.text().replace("\n", "\r\n"); // what the log printed before the display was up
            fbcon.console().write(early);
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

        // Interrupts and devices.
        PlicDriver plic = new PlicDriver(bus, pf.plicBase(), pf.plicContext(), pf.plicSources());
        k.irq = plic;
        ConsoleTty[] ttyRef = new ConsoleTty[1];
        java.util.function.IntConsumer transmit = fbcon == null ? uart::putc : c -> { uart.putc(c); fbcon.console().putc(c); };
        ConsoleTty tty = new ConsoleTty(transmit, sig -> k.signalGroup(ttyRef[0].foregroundGroup(), sig));
        ttyRef[0] = tty;
        uart.init(tty::receive);
        if (pf.uartIrq() > 0) plic.enable(pf.uartIrq(), uart::onInterrupt);
        klog.info(String.format("Serial: 16550 at MMIO %#x (irq = %d) is a 16550A; console [ttyS0] enabled", pf.uartBase(), pf.uartIrq()));
        klog.info(String.format("PLIC at %#x: %d sources, context %d (hart %d S-mode)", pf.plicBase(), pf.plicSources() - 1, pf.plicContext(), hart));
        if (pf.offAddress() >= 0) {
            k.power = new SysconPower(bus, pf.offAddress(), pf.offValue(), pf.rebootAddress() >= 0 ? pf.rebootAddress() : pf.offAddress(),
                    pf.rebootAddress() >= 0 ? pf.rebootValue() : pf.offValue());
        } else {
            klog.log(KernelLog.WARNING, "no syscon-poweroff/sifive,test0 in the device tree: reboot(2) will fail");
        }
        klog.info(String.format("clocksource: riscv timer (Sstc stimecmp), timebase %d Hz", pf.timebaseHz()));

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

        // ---- ROOT ON STORAGE: KERNEL-STORAGE (engineer 4) wires the NVMe root here. ----
        // With root= given, org.multios.kernel.storage.Storage.mountRoot(Kernel, KernelCommandLine)
        // mounts it (and makes it "/"); until that class exists, the initrd root stays.
        org.multios.kernel.storage.Storage.probe(k, dt); // PCI + NVMe + GPT: /dev/nvme0n1, nvme0n1p1, ...
        if (cmd.root() != null) mountRoot(k, cmd);
        // NET-DRIVER: virtio-net NICs become eth0..., then ip= (static, dhcp; default: DHCP in the background).
        org.multios.kernel.drivers.virtio.KernelVirtioNet.probe(k, dt);

        k.hostname = hostname(vfs);
        klog.info("hostname: " + k.hostname);

        // PID 1 on the console.
        if (!startInit(k, vfs, tty, cmd, this::panic)) return;
        // onInitExit gets a shell-style status (128+N for signal N); Linux prints the wait status.
        k.onInitExit(status -> panic(k, String.format("Attempted to kill init! exitcode=0x%08x", status > 128 ? status - 128 : status << 8)));

        // The hart: S-mode vector, kernel page table, Sstc timer; idle until the first tick.
        port.initSupervisor();
        SstcTimer timer = new SstcTimer(cpu, machine.clock(), pf.timebaseHz());
        k.setTimer(timer);
        port.enterIdleNow();
        timer.kick();
    }

    static void mountRoot(Kernel k, KernelCommandLine cmd) {
        Class<?> storage;
        try {
            storage = Class.forName("org.multios.kernel.storage.Storage");
        } catch (ClassNotFoundException e) {
            k.klog.log(KernelLog.WARNING, "root=" + cmd.root() + ": no storage driver yet; staying on the initramfs root");
            return;
        }
        try {
            storage.getMethod("mountRoot", Kernel.class, KernelCommandLine.class).invoke(null, k, cmd);
        } catch (ReflectiveOperationException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            k.klog.log(KernelLog.ERR, "root=" + cmd.root() + ": cannot mount (" + c + "); staying on the initramfs root");
        }
    }

    static String hostname(Vfs vfs) {
        try {
            Inode f = vfs.resolve(vfs.root(), "/etc/hostname", true).inode();
            byte[] b = new byte[(int) Math.min(256, f.size())];
            int n = f.read(0, b, 0, b.length);
            String h = new String(b, 0, Math.max(n, 0), StandardCharsets.UTF_8).strip();
            int nl = h.indexOf('\n');
            if (nl >= 0) h = h.substring(0, nl).strip();
            if (!h.isEmpty() && h.length() <= 64) return h;
        } catch (KernelException e) {
            // no /etc/hostname: the default
        }
        return "multios";
    }

    static String bootargs(FdtReader dt) {
        FdtNode chosen = dt.find("/chosen");
        String s = chosen == null ? null : chosen.string("bootargs");
        return s == null ? "" : s;
    }

    /** PID 1 on the console (shared with the arm64 boot); panic reports that no init could run. */
    static boolean startInit(Kernel k, Vfs vfs, ConsoleTty tty, KernelCommandLine cmd, java.util.function.BiConsumer<Kernel, String> panic) {
        List<String> candidates = cmd.init() != null ? List.of(cmd.init()) : DEFAULT_INITS;
        Process p = k.newProcess(null);
        p.fds = new FdTable();
        for (int fd = 0; fd < 3; fd++) p.fds.install(tty.open(OpenFile.O_RDWR), false, fd);
        p.cwd = vfs.root();
        p.rlimCur[Kernel.RLIMIT_STACK] = 8L << 20;
        p.rlimCur[Kernel.RLIMIT_NOFILE] = 1024;
        p.rlimMax[Kernel.RLIMIT_NOFILE] = 4096;
        p.rlimCur[Kernel.RLIMIT_NPROC] = p.rlimMax[Kernel.RLIMIT_NPROC] = 1024;
        tty.setSession(p.sid);
        tty.setForegroundGroup(p.pgid);
        Task t = k.newTask(p, p.pid);
        List<String> env = new ArrayList<>(List.of("HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"));
        env.addAll(cmd.initEnv());
        for (String path : candidates) {
            List<String> argv = new ArrayList<>();
            argv.add(path);
            argv.addAll(cmd.initArgs());
            try {
                PathNode node = vfs.resolve(vfs.root(), path, true);
                k.syscalls.exec(t, node, argv, env);
                k.klog.info("Run " + path + " as init process");
                k.start(t);
                return true;
            } catch (ElfExec.NotExecutable e) {
                k.klog.log(KernelLog.ERR, "Failed to execute " + path + " (" + e.reason + ")");
            } catch (KernelException e) {
                if (cmd.init() != null || e.errno() != org.multios.kernel.Errno.ENOENT) {
                    k.klog.log(KernelLog.ERR, "Failed to execute " + path + " (error " + -e.errno() + ")");
                }
            }
        }
        panic.accept(k, cmd.init() != null ? "Requested init " + cmd.init() + " failed" : "No working init found. Try passing init= option to kernel.");
        return false;
    }

    // ---- panics ----

    /** A panic before there is a kernel log: the console UART if the record's device tree can be found, else the fallback stream. */
    private void earlyPanic(String message, IntConsumer console) {
        String line = "Kernel panic - not syncing: " + message;
        if (console != null) {
            for (char c : (line + "\n").toCharArray()) {
                if (c == '\n') console.accept('\r');
                console.accept(c);
            }
        } else {
            options.fallback.println("multios: " + line);
            options.fallback.flush();
        }
        panicMessage = message;
        machine.stop(PANIC_STATUS, "kernel panic: " + message);
    }

    /** For a record that failed its checks: the console UART of the device tree it points at, if that tree is readable. */
    private IntConsumer consoleFromRawRecord(PhysicalMemory mem, long infoPa) {
        try {
            long dtPa = mem.read64(infoPa + 40);
            FdtReader dt = FdtReader.parse(mem, dtPa);
            FdtNode uart = dt.stdout();
            if (uart == null || uart.reg().isEmpty()) return null;
            Ns16550Driver d = new Ns16550Driver(bus, uart.reg().get(0).address(), uart.u32("reg-shift", 0));
            return d::putc;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void panic(Kernel k, String message) {
        panicMessage = message;
        if (k != null) k.klog.log(KernelLog.EMERG, "Kernel panic - not syncing: " + message);
        else {
            options.fallback.println("multios: Kernel panic - not syncing: " + message);
            options.fallback.flush();
        }
        machine.stop(PANIC_STATUS, "kernel panic: " + message);
    }
}
