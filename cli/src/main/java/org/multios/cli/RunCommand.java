package org.multios.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.multios.kernel.arch.riscv.RiscvUserRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multios run}: a static Linux ELF as a MultiOS user process, with the host's stdio,
 * environment and current directory passed through (as {@code qemu-riscv64} does); the
 * exit status is the program's (128+N when a signal N killed it).
 */
@Command(name = "run", mixinStandardHelpOptions = true, modelTransformer = RunCommand.StopAtProgram.class,
        description = "Run a static Linux executable as a MultiOS user process.")
final class RunCommand implements Callable<Integer> {
    @ParentCommand Multios top;

    /** Everything after PROGRAM belongs to the program, options included. */
    static final class StopAtProgram implements picocli.CommandLine.IModelTransformer {
        @Override
        public picocli.CommandLine.Model.CommandSpec transform(picocli.CommandLine.Model.CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }

    @Option(names = "--arch", defaultValue = "riscv64", converter = Arch.Converter.class,
            description = "Guest architecture: riscv64, arm64 or x86_64 (default: ${DEFAULT-VALUE}).")
    Arch arch;

    @Option(names = "--share", paramLabel = "HOSTDIR[:GUESTDIR][,ro]", description = "Make a host directory visible in the guest.")
    List<String> shares = new ArrayList<>();

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "256M", converter = ByteSize.class,
            description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    long memory;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "Kill the program after this much virtual time.")
    Double timeLimit;

    @Option(names = "--gdb", paramLabel = "[HOST:]PORT",
            description = "Serve the GDB remote protocol on PORT (loopback unless HOST is given); 'monitor os on' shows the processes as threads.")
    String gdb;

    @Option(names = "--gdb-wait", description = "With --gdb: halt before the first instruction until a debugger attaches.")
    boolean gdbWait;

    @Parameters(index = "0", paramLabel = "PROGRAM", description = "Static ELF executable.")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the program.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (arch != Arch.RISCV64 && arch != Arch.ARM64 && arch != Arch.X86_64) throw new UserInputException("run: --arch " + arch + " is not supported yet (riscv64, arm64, x86_64)");
        if (memory < (8L << 20) || (memory & 0xfff) != 0) throw new UserInputException("--memory must be at least 8M and a multiple of 4K");
        if (gdbWait && gdb == null) throw new UserInputException("--gdb-wait needs --gdb [HOST:]PORT");
        if (gdb != null) {
            try {
                org.multios.core.gdb.GdbServer.parseAddress(gdb);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
        }
        if (!Files.exists(program)) throw new UserInputException(program + ": no such file");
        if (!Files.isRegularFile(program)) throw new UserInputException(program + ": not a regular file");
        List<RiscvUserRun.Share> parsed = new ArrayList<>();
        for (String s : shares) parsed.add(parseShare(s));
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(args);
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) env.add(e.getKey() + "=" + e.getValue());
        java.io.InputStream in = top.systemStreams ? new FileInputStream(FileDescriptor.in) : top.in;
        java.io.OutputStream out = top.systemStreams ? new FileOutputStream(FileDescriptor.out) : top.out;
        java.io.OutputStream err = top.systemStreams ? new FileOutputStream(FileDescriptor.err) : top.err;
        long limit = timeLimit == null ? Long.MAX_VALUE : (long) (timeLimit * 1e9);
        if (arch == Arch.X86_64) {
            try {
                var x86 = new org.multios.kernel.arch.x86.X86UserRun(program, argv, env, Path.of("").toAbsolutePath(), parsed, memory,
                        in, out, err, top.err, limit);
                if (gdb == null) return x86.run();
                // the CPU, and the kernel's processes as threads for monitor os on
                if (gdbWait) x86.machine().pause();
                var cpuTarget = org.multios.isa.x86.gdb.X86DebugTarget.of(x86.machine(), List.of(x86.cpu()));
                var target = org.multios.core.debug.DebugTarget.withOs(cpuTarget,
                        new org.multios.kernel.arch.x86.X86KernelThreads(x86.kernel(), x86.cpu(), cpuTarget.cpus().get(0)));
                org.multios.core.gdb.GdbServer server;
                try {
                    server = org.multios.core.gdb.GdbServer.start(target, gdb);
                } catch (java.io.IOException e) {
                    throw new UserInputException(Multios.firstLine(e.getMessage()));
                }
                top.message("gdb: listening on port " + server.port() + (gdbWait ? ", guest halted until a debugger attaches" : ""));
                try {
                    return x86.run();
                } finally {
                    server.close();
                }
            } catch (RiscvUserRun.StartException e) {
                throw new UserInputException(e.getMessage());
            }
        }
        if (arch == Arch.ARM64) {
            try {
                var a64 = new org.multios.kernel.arch.arm64.Arm64UserRun(program, argv, env, Path.of("").toAbsolutePath(), parsed, memory,
                        in, out, err, top.err, limit);
                if (gdb == null) return a64.run();
                // the CPU, and the kernel's processes as threads for monitor os on
                if (gdbWait) a64.machine().pause();
                var cpuTarget = org.multios.isa.arm64.gdb.A64DebugTarget.of(a64.machine(), List.of(a64.cpu()), null);
                var target = org.multios.core.debug.DebugTarget.withOs(cpuTarget,
                        new org.multios.kernel.arch.arm64.Arm64KernelThreads(a64.kernel(), a64.cpu(), cpuTarget.cpus().get(0)));
                org.multios.core.gdb.GdbServer server;
                try {
                    server = org.multios.core.gdb.GdbServer.start(target, gdb);
                } catch (java.io.IOException e) {
                    throw new UserInputException(Multios.firstLine(e.getMessage()));
                }
                top.message("gdb: listening on port " + server.port() + (gdbWait ? ", guest halted until a debugger attaches" : ""));
                try {
                    return a64.run();
                } finally {
                    server.close();
                }
            } catch (RiscvUserRun.StartException e) {
                throw new UserInputException(e.getMessage());
            }
        }
        RiscvUserRun run;
        try {
            run = new RiscvUserRun(program, argv, env, Path.of("").toAbsolutePath(), parsed, memory, in, out, err, top.err, limit);
        } catch (RiscvUserRun.StartException e) {
            throw new UserInputException(e.getMessage());
        }
        if (gdb == null) return run.run();
        org.multios.core.gdb.GdbServer server = startGdb(run);
        try {
            return run.run();
        } finally {
            server.close();
        }
    }

    /** The stub over the run's hart, with the kernel's processes as threads for {@code monitor os on}. */
    private org.multios.core.gdb.GdbServer startGdb(RiscvUserRun run) throws UserInputException {
        if (gdbWait) run.machine().pause(); // run() then halts before the first instruction
        var hart = org.multios.isa.riscv.gdb.RvDebugTarget.of(run.machine(), List.of(run.cpu()), null);
        var target = org.multios.core.debug.DebugTarget.withOs(hart,
                new org.multios.kernel.debug.KernelThreads(run.kernel(), run.cpu(), hart.cpus().get(0)));
        org.multios.core.gdb.GdbServer server;
        try {
            server = org.multios.core.gdb.GdbServer.start(target, gdb);
        } catch (java.io.IOException e) {
            throw new UserInputException(Multios.firstLine(e.getMessage()));
        }
        top.message("gdb: listening on port " + server.port() + (gdbWait ? ", guest halted until a debugger attaches" : ""));
        return server;
    }

    static RiscvUserRun.Share parseShare(String spec) throws UserInputException {
        boolean ro = false;
        String s = spec;
        if (s.endsWith(",ro")) { ro = true; s = s.substring(0, s.length() - 3); }
        String host = s, guest = null;
        int colon = s.indexOf(':');
        if (colon >= 0) { host = s.substring(0, colon); guest = s.substring(colon + 1); }
        Path h = Path.of(host).toAbsolutePath().normalize();
        if (!Files.exists(h)) throw new UserInputException("--share " + spec + ": " + host + " does not exist");
        if (guest == null) guest = h.toString();
        if (!guest.startsWith("/")) throw new UserInputException("--share " + spec + ": guest path must be absolute");
        return new RiscvUserRun.Share(h, guest, ro);
    }
}
