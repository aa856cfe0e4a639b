package org.multios.kernel.arch.x86;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.arch.riscv.RiscvUserRun.Share;
import org.multios.kernel.arch.riscv.RiscvUserRun.StartException;
import org.multios.kernel.fs.DevFs;
import org.multios.kernel.fs.FdTable;
import org.multios.kernel.fs.HostConsole;
import org.multios.kernel.fs.HostFs;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.fs.ProcFs;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;
import org.multios.kernel.proc.ElfExec;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.Task;

/**
 * {@code multios run --arch x86_64}: one x86-64 CPU and RAM from 1 MiB up (where a PC's
 * extended memory starts; frame 0 stays out of the allocator), the Java kernel started
 * directly in long mode at CPL 0 (no firmware), the same root as on riscv64 (tmpfs + devfs +
 * procfs + the host shares) and one user process whose exit status becomes ours. The timer
 * is the kernel's virtual-clock event raising vector 32 on the CPU's INTR input.
 */
public final class X86UserRun {
    public static final long RAM_BASE = 0x10_0000L;

    private final Machine machine;
    private final Kernel kernel;
    private final X86Cpu cpu;

    public X86UserRun(Path program, List<String> argv, List<String> env, Path cwd, List<Share> shares, long memory,
                        java.io.InputStream stdin, java.io.OutputStream stdout, java.io.OutputStream stderr,
                        PrintStream log, long timeLimitNanos) throws StartException {
        PhysicalBus bus = new PhysicalBus();
        RamRegion ram = bus.addRam("ram", RAM_BASE, memory);
        VirtualClock clock = new VirtualClock();
        X86Cpu cpu = new X86Cpu(0, bus, clock);
        this.cpu = cpu;
        machine = new Machine(bus, clock);
        machine.addCpu(cpu);
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        PageFrameAllocator frames = new PageFrameAllocator(RAM_BASE, memory, 0);
        X86Port port = new X86Port(cpu, mem, frames);

        TmpFs rootFs = new TmpFs("tmpfs");
        TmpFs.Dir root = rootFs.root();
        boolean tty = System.console() != null && System.console().isTerminal();
        HostConsole console = new HostConsole(OpenFile.O_RDWR, stdin, stdout, tty);
        java.util.SplittableRandom devRandom = new java.util.SplittableRandom(0x5eed);
        root.attach("dev", new DevFs(devRandom, f -> { console.retain(); return console; }).root());
        root.attach("tmp", new TmpFs("tmpfs").root());
        Path cwdAbs = cwd.toAbsolutePath().normalize();
        Path progAbs = program.toAbsolutePath().normalize();
        try {
            graft(root, cwdAbs.toString(), new HostFs(cwdAbs.toRealPath(), false).root());
            for (Share s : shares) {
                Path h = s.host().toAbsolutePath().toRealPath();
                if (Files.isDirectory(h)) graft(root, s.guestPath(), new HostFs(h, s.readOnly()).root());
                else graft(root, s.guestPath(), new HostFs(h.getParent(), s.readOnly()).root().lookup(h.getFileName().toString()));
            }
            if (!progAbs.startsWith(cwdAbs)) {
                Path real = progAbs.toRealPath();
                graft(root, progAbs.toString(), new HostFs(real.getParent(), true).root().lookup(real.getFileName().toString()));
            }
        } catch (java.io.IOException | KernelException e) {
            throw new StartException(program + ": cannot be shared into the guest (" + e.getMessage() + ")");
        }
        Vfs vfs = new Vfs(root);
        kernel = new Kernel(port, clock, mem, frames, vfs, log, System.currentTimeMillis() * 1_000_000L, 0x6d756c74696f73L);
        root.attach("proc", new ProcFs(kernel).root());
        kernel.setTimeLimit(timeLimitNanos);

        Process p = kernel.newProcess(null);
        p.fds = new FdTable();
        p.fds.install(new HostConsole(OpenFile.O_RDONLY, stdin, null, tty), false, 0);
        p.fds.install(new HostConsole(OpenFile.O_WRONLY, null, stdout, tty), false, 1);
        p.fds.install(new HostConsole(OpenFile.O_WRONLY, null, stderr, tty), false, 2);
        p.cwd = vfs.resolve(vfs.root(), cwdAbs.toString(), true);
        p.rlimCur[Kernel.RLIMIT_STACK] = 8L << 20;
        p.rlimCur[Kernel.RLIMIT_NOFILE] = 1024;
        p.rlimMax[Kernel.RLIMIT_NOFILE] = 4096;
        p.rlimCur[Kernel.RLIMIT_NPROC] = p.rlimMax[Kernel.RLIMIT_NPROC] = 256;
        Task t = kernel.newTask(p, p.pid);
        try {
            PathNode node = vfs.resolve(vfs.root(), progAbs.toString(), true);
            kernel.syscalls.exec(t, node, argv, env);
        } catch (ElfExec.NotExecutable e) {
            throw new StartException(program + ": " + e.reason);
        } catch (KernelException e) {
            throw new StartException(program + ": cannot execute (errno " + e.errno() + ")");
        }
        kernel.start(t);
        kernel.onInitExit(status -> machine.stop(status, "program exited"));
        cpu.vmcallHandler = c -> {
            try {
                port.enter();
                if (port.kernelException()) {
                    panic(String.format("exception %d in the kernel (rip 0x%x, error 0x%x, cr2 0x%x)", port.entryVector(),
                            port.entryRip(), port.entryError(), c.cr2));
                } else {
                    kernel.onTrap();
                }
            } catch (X86Fault f) {
                throw f; // a vmcall that is not the kernel's: #UD for the program that ran it
            } catch (RuntimeException e) {
                panic("internal error: " + e);
                if (Boolean.getBoolean("multios.debug")) e.printStackTrace();
            }
        };
        port.initCpu();
        port.enterIdleNow();
        port.setTimerPending(true);
    }

    private void panic(String what) {
        kernel.log.println("multios: kernel panic: " + what);
        machine.stop(125, "kernel panic");
    }

    /** Runs until the program exits; its exit status (128+N when killed by signal N). */
    public int run() {
        int status = machine.run();
        if (status == 1 && machine.stopReason().startsWith("all CPUs wait")) {
            kernel.log.println("multios: kernel: every process sleeps with nothing left to wake it (deadlock); stopping");
        }
        return status;
    }

    public Kernel kernel() { return kernel; }

    public Machine machine() { return machine; }

    public X86Cpu cpu() { return cpu; }

    /** Places inode at the absolute guest path, creating tmpfs directories on the way. */
    static void graft(TmpFs.Dir root, String guestPath, Inode inode) {
        String[] parts = guestPath.split("/");
        TmpFs.Dir d = root;
        int last = parts.length - 1;
        while (last >= 0 && parts[last].isEmpty()) last--;
        if (last < 0) return;
        for (int i = 0; i < last; i++) if (!parts[i].isEmpty()) d = d.subdir(parts[i]);
        d.attach(parts[last], inode);
    }
}
