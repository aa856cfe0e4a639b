package org.multios.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.multios.boards.Firmware;
import org.multios.boards.arm64.Arm64VirtBoard;
import org.multios.boards.arm64.Arm64VirtConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.StdioConsole;
import org.multios.kernel.boot.Arm64KernelBoot;
import org.multios.kernel.boot.KernelBoot;
import org.multios.kernel.fs.image.DefaultImage;
import picocli.CommandLine.ParameterException;

/**
 * {@code multios boot --arch arm64}: the arm64 boot chain on arm64-virt — stage 1 firmware
 * (images/firmware/arm64) in flash as the bios, stage 2 and the kernel entry stub from the
 * disk's boot partition, the Java kernel entered through native call 16 — on the default arm64
 * image (the aarch64 mbox userland) or the user's {@code --disk}, with {@code --display} the PCI
 * display (stage 2 sets the mode, the kernel's framebuffer console mirrors the serial one), with
 * {@code --net} a virtio-net NIC, with {@code --gdb} the GDB stub over the CPUs. Same console and
 * exit status as riscv64. Options that need devices or firmware support arm64 lacks so far are refused in
 * one line.
 */
final class Arm64Boot {
    /** Tests: sees the board once it exists. */
    static volatile java.util.function.Consumer<Arm64VirtBoard> boardListener;

    private final BootCommand cmd;

    Arm64Boot(BootCommand cmd) { this.cmd = cmd; }

    int call() throws Exception {
        notYet(cmd.tpm || cmd.tpmState != null, "--tpm");
        notYet(cmd.secureBoot || cmd.secureBootKey != null, "--secure-boot");
        notYet(cmd.tftp != null, "--tftp");
        notYet(!"disk".equals(cmd.bootDevice), "--boot net");
        BootSession.checkGdb(cmd);
        if (cmd.smp < 1 || cmd.smp > Arm64VirtConfig.MAX_CPUS) throw usage("--smp must be between 1 and " + Arm64VirtConfig.MAX_CPUS);
        if (cmd.memory < (32L << 20) || (cmd.memory & 0xfff) != 0) throw usage("--memory must be at least 32M and a multiple of 4K");
        long rtcBase = BootSession.rtcBase(cmd);
        DefaultImage image = new DefaultImage(DefaultImage.Resources.of(Arm64Boot.class.getClassLoader()), DefaultImage.Arch.ARM64);
        Path work = Files.createTempDirectory("multios-boot");
        try {
            Path stage1 = work.resolve("stage1.bin");
            DiskSpec diskSpec = BootSession.stage1AndDisk(cmd, image, stage1, work);
            var displaySpec = BootSession.displaySpec(cmd);
            var netSpec = BootSession.netSpec(cmd);
            return run(stage1, diskSpec, rtcBase, displaySpec, netSpec);
        } finally {
            BootCommand.deleteTree(work);
        }
    }

    private static void notYet(boolean given, String option) throws UserInputException {
        if (given) throw new UserInputException("boot: " + option + " is not available on arm64 yet (riscv64 only)");
    }

    private ParameterException usage(String message) { return BootSession.usage(cmd, message); }

    private int run(Path stage1, DiskSpec diskSpec, long rtcBase, org.multios.devices.display.host.DisplaySpec displaySpec,
                    org.multios.devices.net.NetSpec netSpec) throws Exception {
        Multios top = cmd.top;
        StdioConsole console = BootSession.openConsole(top);
        Arm64VirtBoard board;
        try {
            Arm64VirtConfig cfg = new Arm64VirtConfig()
                    .cpus(cmd.smp)
                    .ramSize(cmd.memory)
                    .bios(new Firmware.File(stage1))
                    .append(cmd.cmdline)
                    .console(console)
                    .rtcBaseNanos(rtcBase)
                    .realtime(cmd.realtime)
                    .disk(diskSpec)
                    .snapshot(cmd.snapshot);
            if (displaySpec != null) cfg.display(displaySpec);
            if (netSpec != null) cfg.net(netSpec);
            board = Arm64VirtBoard.create(cfg);
            var listener = boardListener;
            if (listener != null) listener.accept(board);
        } catch (Exception | Error e) {
            console.close();
            throw e;
        }
        KernelBoot.Options opt = new KernelBoot.Options();
        opt.fallback = top.err;
        opt.epochNanos = rtcBase;
        Arm64KernelBoot kernelBoot = Arm64KernelBoot.install(board.cpus(), board.machine(), opt);
        // --gdb: the shared stub over the machine's CPUs, and the booted kernel's processes as threads for monitor os on
        org.multios.core.gdb.GdbServer gdbServer = null;
        if (cmd.gdb != null) {
            if (cmd.gdbWait) board.machine().pause(); // run() then halts before the first instruction
            var cpuTarget = org.multios.isa.arm64.gdb.A64DebugTarget.of(board.machine(), board.cpus(), board.traceSink());
            var target = org.multios.core.debug.DebugTarget.withOs(cpuTarget, new org.multios.kernel.arch.arm64.Arm64LateKernelThreads(
                    kernelBoot::kernel, board.cpus().get(0), cpuTarget.cpus().get(0)));
            gdbServer = BootSession.startGdb(cmd, target, console, board::close);
        }
        int status = BootSession.runToEnd(top, console, gdbServer, () -> board.stop(0, "terminated by Ctrl-A x"), board::run, board::close);
        if (board.stoppedByGuest()) return status;
        if (!console.atLineStart()) top.err.println();
        String reason = board.machine().stopReason();
        if (!reason.isEmpty() && !reason.startsWith("kernel panic")) top.message(reason);
        return status;
    }
}
