package org.multios.kernel.arch.x86;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.machine.Machine;
import org.multios.isa.x86.IoPorts;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.KernelLog;
import org.multios.kernel.boot.BootConsole;
import org.multios.kernel.boot.BootInfo;
import org.multios.kernel.boot.RootFileSystem;
import org.multios.kernel.boot.KernelBoot;
import org.multios.kernel.boot.KernelCommandLine;
import org.multios.kernel.driver.Ns16550Driver;
import org.multios.kernel.dt.FdtException;
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
 * The kernel's boot entry on the x86_64-pc board (docs/boot.md, x86_64): stage 2 jumps to the
 * entry stub in long mode at CPL 0 with rdi = BootInfo, and the stub's {@code vmcall} with
 * eax = 2 (native call 2, KERNEL_ENTRY) lands in {@link #enter}. From there as on riscv64
 * (KernelBoot): the record, the device tree (only the PCI host on a PC), the memory map to the
 * page allocator, the initrd into the tmpfs root, NVMe storage and the disk root, init as PID 1.
 * The PC's own devices are at their fixed ports, reached through the CPU's port space: COM1 as
 * the console (16550 at 0x3f8, receive interrupt on IRQ 4), the 8259 pair (vectors 32-47), the
 * 8254 as the one-shot timer (IRQ 0), ACPI PM1a and 0xCF9 for power-off and reboot. Every later
 * vmcall from the port's vector page is a trap into the kernel. A reboot re-enters through the
 * firmware and builds a fresh kernel.
 */
public final class X86KernelBoot {
    public static final int CALL_KERNEL_ENTRY = KernelBoot.CALL_KERNEL_ENTRY;
    static final int COM1 = 0x3f8, COM1_IRQ = 4;
    static final List<String> DEFAULT_INITS = List.of("/sbin/init", "/etc/init", "/bin/init", "/bin/sh");

    private final Machine machine;
    private final PhysicalBus bus;
    private final IoPorts io;
    private final KernelBoot.Options options;
    private volatile Kernel kernel;
    private volatile X86Port port;
    private volatile String panicMessage;
    private volatile long resetNanos;

    private X86KernelBoot(Machine machine, IoPorts io, KernelBoot.Options options) {
        this.machine = machine;
        this.bus = machine.bus();
        this.io = io;
        this.options = options;
    }

    /** Installs the vmcall handler (kernel entry and traps) on the CPU. */
    public static X86KernelBoot install(X86Cpu cpu, Machine machine, KernelBoot.Options options) {
        X86KernelBoot boot = new X86KernelBoot(machine, cpu.io, options);
        cpu.vmcallHandler = boot::vmcall;
        machine.onReset(() -> {
            boot.resetNanos = machine.clock().preciseNanos();
            boot.kernel = null;
            boot.port = null;
        });
        return boot;
    }

    /** The kernel running now (null before the entry stub ran). */
    public Kernel kernel() { return kernel; }

    /** The display and its framebuffer console, or null without a display. */
    public org.multios.kernel.drivers.display.KernelDisplay display() { return display; }

    private volatile org.multios.kernel.drivers.display.KernelDisplay display;

    /** The last panic's message, or null. */
    public String panicMessage() { return panicMessage; }

    private void vmcall(X86Cpu cpu) {
        X86Port p = port;
        Kernel k = kernel;
        if (p != null && k != null && cpu.cpl == 0 && cpu.instructionStart - X86Port.VECTOR_VA >= 0) {
            try {
                p.enter();
                if (p.kernelException()) {
                    panic(k, String.format("exception %d in the kernel (rip %#x, error %#x, cr2 %#x)", p.entryVector(),
                            p.entryRip(), p.entryError(), cpu.cr2));
                } else {
                    k.onTrap();
                }
            } catch (X86Fault f) {
                throw f;
            } catch (RuntimeException e) {
                panic(k, "internal error: " + e);
                if (Boolean.getBoolean("multios.debug")) e.printStackTrace();
            }
            return;
        }
        if (cpu.cpl != 0 || (int) cpu.gpr[X86Cpu.RAX] != CALL_KERNEL_ENTRY) {
            throw X86Fault.ud("vmcall: not a MultiOS native call (CPL " + cpu.cpl + ", eax " + (int) cpu.gpr[X86Cpu.RAX] + ")");
        }
        try {
            enter(cpu);
        } catch (RuntimeException e) {
            panic(kernel, "internal error: " + e);
            if (Boolean.getBoolean("multios.debug")) e.printStackTrace();
        }
    }

    // ---- the boot sequence ----

    private void enter(X86Cpu cpu) {
        long infoPa = cpu.gpr[X86Cpu.RDI];
        RamRegion ram = bus.findRam(infoPa, BootInfo.HEADER);
        if (ram == null) {
            earlyPanic(String.format("BootInfo pointer %#x (rdi) is not in RAM", infoPa));
            return;
        }
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        BootInfo info;
        FdtReader dt;
        try {
            info = BootInfo.read(mem, infoPa);
            dt = FdtReader.parse(mem, info.deviceTree());
        } catch (BootInfo.BadBootInfo | FdtException e) {
            earlyPanic(e.getMessage());
            return;
        }
        boot(cpu, mem, info, dt, (int) cpu.gpr[X86Cpu.RSI]);
    }

    private void boot(X86Cpu cpu, PhysicalMemory mem, BootInfo info, FdtReader dt, int cpuId) {
        long since = resetNanos;
        KernelLog klog = new KernelLog(() -> machine.clock().preciseNanos() - since);
        KernelCommandLine cmd = KernelCommandLine.parse(info.commandLine());
        klog.setConsoleLevel(cmd.logLevel());
        Ns16550Driver uart = new Ns16550Driver(new Ns16550Driver.Registers() {
            @Override public int read(int reg) { return (int) io.in(COM1 + reg, 1); }
            @Override public void write(int reg, int value) { io.out(COM1 + reg, 1, value & 0xff); }
        });
        klog.setConsole(BootConsole.serial(uart::putc));
        klog.info("Booting MultiOS on CPU " + cpuId + " (x86_64)");
        klog.info("Kernel command line: " + cmd.text());

        PageFrameAllocator frames = PageFrameAllocator.empty(mem.base(), mem.size());
        long usable = 0, reclaimed = 0;
        for (BootInfo.MemoryRange r : info.memoryMap()) {
            if (r.kind() == BootInfo.MemoryRange.Kind.USABLE && r.base() >= mem.base() && r.end() <= mem.base() + mem.size()) {
                frames.addFree(r.base(), r.size());
                usable += r.size();
            }
            klog.log(KernelLog.DEBUG, String.format("memory: [%#012x-%#012x] %s", r.base(), r.end() - 1, r.kind().name().toLowerCase()));
        }
        for (BootInfo.MemoryRange r : info.memoryMap()) {
            if (r.kind() == BootInfo.MemoryRange.Kind.BOOTLOADER) {
                frames.addFree(r.base(), r.size());
                reclaimed += r.size();
            }
        }
        klog.info(String.format("Memory: %dK usable, %dK reclaimed from the bootloader, %dK RAM from %#x", usable >> 10, reclaimed >> 10,
                mem.size() >> 10, mem.base()));

        X86Port p = new X86Port(cpu, mem, frames);
        p.boardInterrupts = true;
        TmpFs.Dir root = new TmpFs("rootfs").root();
        Vfs vfs = new Vfs(root);
        Kernel k = new Kernel(p, machine.clock(), mem, frames, vfs, klog.stream(KernelLog.WARNING), options.epochNanos, options.randomSeed);
        k.klog = klog;
        k.startNanos = since;
        k.commandLine = cmd.text();
        kernel = k;

        // FBCON: a PCI display's framebuffer console mirrors the serial console (which stays the input and the log).
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
            klog.info(String.format("fbcon: %s %dx%dx32 at %#x, %dx%d text", fbcon.driver().pci().address(), fbcon.driver().width(),
                    fbcon.driver().height(), fbcon.driver().framebuffer(), fbcon.console().columns(), fbcon.console().rows()));
        }

        I8259Driver pic = new I8259Driver(io, p::entryVector);
        k.irq = pic;
        ConsoleTty[] ttyRef = new ConsoleTty[1];
        java.util.function.IntConsumer transmit = fbcon == null ? uart::putc : c -> { uart.putc(c); fbcon.console().putc(c); };
        ConsoleTty tty = new ConsoleTty(transmit, sig -> k.signalGroup(ttyRef[0].foregroundGroup(), sig));
        ttyRef[0] = tty;
        uart.init(tty::receive);
        pic.enable(COM1_IRQ, uart::onInterrupt);
        klog.info(String.format("Serial: 16550 at I/O %#x (irq = %d) is a 16550A; console [ttyS0] enabled", COM1, COM1_IRQ));
        k.power = new PcPower(io);
        PitTimer timer = new PitTimer(io, machine.clock(), pic);
        pic.enable(0, null); // the timer's EOI is PitTimer.acknowledge
        klog.info("8259 PICs at vectors 32-47; clocksource: 8254 PIT channel 0 one-shot (1.193182 MHz, IRQ 0)");

        if (info.initrdStart() != 0 && info.initrdSize() < Integer.MAX_VALUE - 16) {
            RootFileSystem.unpackInitrd(klog, mem, info, root, frames);
        } else {
            klog.log(KernelLog.WARNING, "no initrd: the root file system is empty");
        }
        RootFileSystem.mountPseudoFileSystems(k, root, tty, options.randomSeed, fbcon);

        org.multios.kernel.storage.Storage.probe(k, dt); // PCI (ECAM from the device tree) + NVMe + GPT
        // virtio-net NICs become eth0... (INTx through the PIIX3 PIRQ route to an 8259 IRQ), then ip=
        org.multios.kernel.drivers.virtio.KernelVirtioNet.probe(k, dt, PiixIrqRouter::route);
        if (cmd.root() != null) {
            try {
                org.multios.kernel.storage.Storage.mountRoot(k, cmd);
            } catch (RuntimeException e) {
                klog.log(KernelLog.ERR, "root=" + cmd.root() + ": cannot mount (" + e + "); staying on the initramfs root");
            }
        }
        k.hostname = hostname(vfs);
        klog.info("hostname: " + k.hostname);

        if (!startInit(k, vfs, tty, cmd)) return;
        k.onInitExit(status -> panic(k, String.format("Attempted to kill init! exitcode=0x%08x", status > 128 ? status - 128 : status << 8)));

        // The CPU: the kernel's GDT/IDT/TSS and page tables (the firmware's go), the PIT; idle until the first tick.
        p.initCpu();
        k.setTimer(timer);
        port = p;
        p.enterIdleNow();
        timer.kick();
    }

    private static String hostname(Vfs vfs) {
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

    private boolean startInit(Kernel k, Vfs vfs, ConsoleTty tty, KernelCommandLine cmd) {
        List<String> candidates = cmd.init() != null ? List.of(cmd.init()) : DEFAULT_INITS;
        Process proc = k.newProcess(null);
        proc.fds = new FdTable();
        for (int fd = 0; fd < 3; fd++) proc.fds.install(tty.open(OpenFile.O_RDWR), false, fd);
        proc.cwd = vfs.root();
        proc.rlimCur[Kernel.RLIMIT_STACK] = 8L << 20;
        proc.rlimCur[Kernel.RLIMIT_NOFILE] = 1024;
        proc.rlimMax[Kernel.RLIMIT_NOFILE] = 4096;
        proc.rlimCur[Kernel.RLIMIT_NPROC] = proc.rlimMax[Kernel.RLIMIT_NPROC] = 1024;
        tty.setSession(proc.sid);
        tty.setForegroundGroup(proc.pgid);
        Task t = k.newTask(proc, proc.pid);
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
                if (cmd.init() != null || e.errno() != Errno.ENOENT) k.klog.log(KernelLog.ERR, "Failed to execute " + path + " (error " + -e.errno() + ")");
            }
        }
        panic(k, cmd.init() != null ? "Requested init " + cmd.init() + " failed" : "No working init found. Try passing init= option to kernel.");
        return false;
    }

    // ---- panics ----

    /** Before the kernel log: straight to COM1, which the firmware set up. */
    private void earlyPanic(String message) {
        for (char c : ("Kernel panic - not syncing: " + message + "\n").toCharArray()) {
            if (c == '\n') io.out(COM1, 1, '\r');
            io.out(COM1, 1, c);
        }
        panicMessage = message;
        machine.stop(KernelBoot.PANIC_STATUS, "kernel panic: " + message);
    }

    private void panic(Kernel k, String message) {
        panicMessage = message;
        if (k != null) k.klog.log(KernelLog.EMERG, "Kernel panic - not syncing: " + message);
        else {
            options.fallback.println("multios: Kernel panic - not syncing: " + message);
            options.fallback.flush();
        }
        machine.stop(KernelBoot.PANIC_STATUS, "kernel panic: " + message);
    }
}
