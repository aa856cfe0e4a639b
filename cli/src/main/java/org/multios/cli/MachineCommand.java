package org.multios.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.multios.boards.Firmware;
import org.multios.core.gdb.GdbServer;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.block.DiskSpecException;
import org.multios.isa.riscv.gdb.RvDebugTarget;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.console.StdioConsole;
import org.multios.devices.rtc.GoldfishRtc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multios machine}: a bare board with QEMU's {@code -bios}/{@code -kernel} meaning, so
 * firmware built for QEMU's virt machine runs unchanged. The guest console is stdin/stdout; the
 * process exits with the guest's status (test finisher, HTIF).
 */
@Command(name = "machine", mixinStandardHelpOptions = true,
        description = {"Run firmware or a kernel on a bare emulated board (like qemu-system -machine virt).",
                "The guest console is stdin/stdout; on a terminal Ctrl-A x quits.",
                "Exit status: the guest's (test finisher, HTIF); 124 when --max-instructions ran out."})
final class MachineCommand implements Callable<Integer> {
    static final int EXIT_INSTRUCTION_LIMIT = 124;

    @ParentCommand Multios top;
    @Spec CommandSpec spec;

    @Option(names = "--arch", defaultValue = "riscv64", converter = Arch.Converter.class,
            description = "Guest architecture: riscv64, arm64, x86_64 (default: ${DEFAULT-VALUE}).")
    Arch arch;

    @Option(names = "--kernel", paramLabel = "FILE",
            description = "Kernel: ELF (loaded at its physical addresses) or raw image (at 0x80000000 with --bios none, else after the firmware).")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE",
            description = "Initial RAM disk, placed as QEMU does and announced in /chosen/linux,initrd-start/end.")
    Path initrd;

    @Option(names = "--bios", paramLabel = "none|FILE",
            description = "Firmware (ELF or raw, at 0x80000000), or 'none' to start the kernel in M-mode. Default: Debian's OpenSBI fw_dynamic.bin.")
    String bios;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "128M", converter = ByteSize.class,
            description = "RAM size, e.g. 128M or 1G (default: ${DEFAULT-VALUE}).")
    long memory;

    @Option(names = "--append", paramLabel = "ARGS", description = "Kernel command line (/chosen/bootargs).")
    String append;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "Number of harts (default: ${DEFAULT-VALUE}).")
    int smp;

    @Option(names = "--disk", paramLabel = "FILE[,readonly][,overlay=FILE]",
            description = "NVMe namespace from a raw image (repeatable: namespace 1, 2, ...).")
    List<String> disks = new ArrayList<>();

    @Option(names = "--snapshot", description = "Write disk changes to temporary overlays deleted at exit.")
    boolean snapshot;

    @Option(names = "--net", paramLabel = "user|socket,listen=PORT|socket,connect=H:P|socket,mcast=G:P|pcap=FILE|none",
            description = "A virtio-net NIC and its back end; options ,pcap=FILE ,mac=XX:.. ,tftp=DIR ,bootfile=NAME (see docs/network.md).")
    String net;

    @Option(names = "--display", paramLabel = "none|window|png:FILE",
            description = "Add a bochs-display-compatible PCI display with a 2D engine; show it nowhere, in FILE (PNG, rewritten as it changes) or in a window (see docs/display.md).")
    String display;

    /** The parsed {@code --display} (null: no display device). */
    org.multios.devices.display.host.DisplaySpec displaySpec;

    /** The parsed {@code --net}/{@code --tftp}, for the per-architecture runners (null: no NIC). */
    org.multios.devices.net.NetSpec netSpec;

    @Option(names = "--tftp", paramLabel = "DIR", description = "Serve DIR read-only over TFTP on the user network's gateway 10.0.2.2 (implies --net user).")
    Path tftp;

    @Option(names = "--tpm", description = "A TPM 2.0 behind a TIS interface where QEMU puts it (riscv64, arm64; x86_64: 0xFED40000 with an ACPI TPM2 table).")
    boolean tpm;

    @Option(names = "--tpm-state", paramLabel = "FILE", description = "With --tpm: keep the TPM's state in FILE across runs.")
    Path tpmState;

    @Option(names = "--gdb", paramLabel = "[HOST:]PORT",
            description = "Serve the GDB remote protocol on PORT (loopback unless HOST is given).")
    String gdb;

    @Option(names = "--gdb-wait", description = "With --gdb: halt before the first instruction until a debugger attaches.")
    boolean gdbWait;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write an instruction trace (one line per retired instruction).")
    Path trace;

    @Option(names = "--realtime", description = "Pace virtual time to the wall clock.")
    boolean realtime;

    @Option(names = "--max-instructions", paramLabel = "N", description = "Stop after N instructions (exit status 124).")
    Long maxInstructions;

    @Option(names = "--rtc", paramLabel = "fixed|host", defaultValue = "fixed",
            description = "RTC start time: a fixed date for reproducible runs, or the host's clock (default: ${DEFAULT-VALUE}).")
    String rtc;

    @Override
    public Integer call() throws Exception {
        arch.requireImplemented();
        if (smp < 1) throw usage("--smp must be at least 1");
        if (memory < (2L << 20) || (memory & 0xfff) != 0) {
            throw usage("--memory must be at least 2M and a multiple of 4K");
        }
        if (maxInstructions != null && maxInstructions <= 0) {
            throw usage("--max-instructions must be positive");
        }
        if (gdbWait && gdb == null) throw usage("--gdb-wait needs --gdb [HOST:]PORT");
        if (gdb != null) {
            try {
                GdbServer.parseAddress(gdb);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        if (tpmState != null && !tpm) throw usage("--tpm-state needs --tpm");
        List<DiskSpec> diskSpecs = new ArrayList<>();
        for (String d : disks) {
            try {
                diskSpecs.add(DiskSpec.parse(d));
            } catch (DiskSpecException e) {
                throw usage(e.getMessage());
            }
        }
        netSpec = null;
        if (net != null || tftp != null) {
            try {
                netSpec = org.multios.devices.net.NetSpec.parse(net != null ? net : "user").withTftp(tftp);
            } catch (org.multios.devices.net.NetSpec.NetSpecException e) {
                throw usage(e.getMessage());
            }
        }
        displaySpec = null;
        if (display != null) {
            try {
                displaySpec = org.multios.devices.display.host.DisplaySpec.parse(display);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        long rtcBase = switch (rtc) {
            case "fixed" -> GoldfishRtc.DEFAULT_EPOCH_NANOS;
            case "host" -> GoldfishRtc.hostBase();
            default -> throw usage("--rtc must be 'fixed' or 'host', not '" + rtc + "'");
        };
        StdioConsole console = top.systemStreams
                ? StdioConsole.open(top.err)
                : StdioConsole.onStreams(top.in, top.out, top.err);
        if (arch == Arch.ARM64) return Arm64Machine.run(this, console, rtcBase, diskSpecs);
        if (arch == Arch.X86_64) return X86Machine.run(this, console, rtcBase, diskSpecs);
        RiscvVirtBoard board;
        try {
            RiscvVirtConfig cfg = new RiscvVirtConfig()
                    .harts(smp)
                    .ramSize(memory)
                    .bios(Firmware.parse(bios))
                    .kernel(kernel)
                    .initrd(initrd)
                    .append(append)
                    .console(console)
                    .rtcBaseNanos(rtcBase)
                    .trace(trace)
                    .realtime(realtime);
            if (maxInstructions != null) cfg.maxInstructions(maxInstructions);
            for (DiskSpec d : diskSpecs) cfg.disk(d);
            cfg.snapshot(snapshot);
            cfg.net(netSpec);
            cfg.display(displaySpec);
            if (tpm) cfg.tpm(tpmState);
            board = RiscvVirtBoard.create(cfg);
        } catch (Exception | Error e) {
            console.close();
            throw e;
        }
        console.onQuit(() -> board.stop(0, "terminated by Ctrl-A x"));
        int status;
        GdbServer gdbServer = null;
        try {
            if (gdb != null) {
                if (gdbWait) board.machine().pause(); // run() then halts before the first instruction
                try {
                    gdbServer = GdbServer.start(RvDebugTarget.of(board.machine(), board.harts(), board.traceSink()), gdb);
                } catch (IOException e) {
                    throw new UserInputException(Multios.firstLine(e.getMessage()));
                }
                top.message("gdb: listening on port " + gdbServer.port()
                        + (gdbWait ? ", guest halted until a debugger attaches" : ""));
            }
            status = board.run();
        } finally {
            console.close();
            if (gdbServer != null) gdbServer.close();
            try {
                board.close();
            } catch (IOException e) {
                top.message("closing disks: " + Multios.firstLine(e.getMessage()));
            }
        }
        if (board.stoppedByGuest()) return status;
        if (!console.atLineStart()) top.err.println();
        var machine = board.machine();
        if (maxInstructions != null && machine.retiredInstructions() >= maxInstructions) {
            top.message("stopped after " + machine.retiredInstructions() + " instructions (--max-instructions)");
            return EXIT_INSTRUCTION_LIMIT;
        }
        if (!machine.stopReason().isEmpty()) top.message(machine.stopReason());
        return status;
    }

    private ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }
}
