package org.multios.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.x86.X86PcBoard;
import org.multios.boards.x86.X86PcConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.StdioConsole;
import org.multios.kernel.arch.x86.X86KernelBoot;
import org.multios.kernel.boot.KernelBoot;
import org.multios.kernel.fs.image.DefaultImage;
import picocli.CommandLine.ParameterException;

/**
 * {@code multios boot --arch x86_64}: the x86_64 boot chain on the x86_64-pc board — stage 1
 * (images/firmware/x86_64) as the ROM at the reset vector, stage 2 and the kernel entry stub
 * from the disk's boot partition, the Java kernel entered through vmcall (native call 2) — on
 * the default x86_64 image (the x86_64 mbox userland) or the user's {@code --disk}.
 * {@code --cmdline} reaches stage 2 through fw_cfg as QEMU's -append does. Same console and
 * exit status as riscv64 (0 after poweroff, 125 after a panic). Options the PC chain lacks so
 * far are refused in one line.
 */
final class X86Boot {
    /** Tests: sees the board once it exists. */
    static volatile java.util.function.Consumer<X86PcBoard> boardListener;

    private final BootCommand cmd;

    X86Boot(BootCommand cmd) { this.cmd = cmd; }

    int call() throws Exception {
        notYet(cmd.tpm || cmd.tpmState != null, "--tpm");
        notYet(cmd.secureBoot || cmd.secureBootKey != null, "--secure-boot");
        notYet(cmd.tftp != null, "--tftp");
        notYet(!"disk".equals(cmd.bootDevice), "--boot net");
        BootSession.checkGdb(cmd);
        notYet(cmd.smp != 1, "--smp");
        if (cmd.memory < (32L << 20) || (cmd.memory & 0xfffff) != 0) throw usage("--memory must be at least 32M and a multiple of 1M on x86_64");
        if (cmd.memory > 0xb000_0000L) throw usage("--memory above 2816M is not supported by boot --arch x86_64 yet (the kernel uses RAM below 4 GiB)");
        long rtcBase = BootSession.rtcBase(cmd);
        DefaultImage image = new DefaultImage(DefaultImage.Resources.of(X86Boot.class.getClassLoader()), DefaultImage.Arch.X86_64);
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

    private void notYet(boolean given, String option) throws UserInputException {
        if (given) throw new UserInputException("boot: " + option + " is not available on x86_64 yet");
    }

    private ParameterException usage(String message) { return BootSession.usage(cmd, message); }

    private int run(Path stage1, DiskSpec diskSpec, long rtcBase, org.multios.devices.display.host.DisplaySpec displaySpec,
                    org.multios.devices.net.NetSpec netSpec) throws Exception {
        Multios top = cmd.top;
        StdioConsole console = BootSession.openConsole(top);
        X86PcBoard board;
        try {
            X86PcConfig cfg = new X86PcConfig()
                    .ramSize(cmd.memory)
                    .bios(new Firmware.File(stage1))
                    .append(cmd.cmdline)
                    .console(console)
                    .rtcEpochNanos(rtcBase)
                    .realtime(cmd.realtime)
                    .disk(diskSpec)
                    .snapshot(cmd.snapshot);
            if (displaySpec != null) cfg.display(displaySpec);
            if (netSpec != null) cfg.net(netSpec);
            board = X86PcBoard.create(cfg);
            var listener = boardListener;
            if (listener != null) listener.accept(board);
        } catch (BoardException e) {
            console.close();
            throw new UserInputException(Multios.firstLine(e.getMessage()));
        } catch (Exception | Error e) {
            console.close();
            throw e;
        }
        KernelBoot.Options opt = new KernelBoot.Options();
        opt.fallback = top.err;
        opt.epochNanos = rtcBase;
        X86KernelBoot kernelBoot = X86KernelBoot.install(board.cpu(), board.machine(), opt);
        // --gdb: the x86-64 stub over the CPU (real mode at the reset vector on), with the booted kernel's tasks as threads for monitor os on
        org.multios.core.gdb.GdbServer gdbServer = null;
        if (cmd.gdb != null) {
            if (cmd.gdbWait) board.machine().pause(); // run() then halts before the first instruction
            var cpuTarget = org.multios.isa.x86.gdb.X86DebugTarget.of(board.machine(), java.util.List.of(board.cpu()));
            var target = org.multios.core.debug.DebugTarget.withOs(cpuTarget,
                    new org.multios.kernel.arch.x86.X86LateKernelThreads(kernelBoot::kernel, board.cpu(), cpuTarget.cpus().get(0)));
            gdbServer = BootSession.startGdb(cmd, target, console, board::close);
        }
        int status = BootSession.runToEnd(top, console, gdbServer, () -> board.stop(0, "terminated by Ctrl-A x"), board::run, board::close);
        String reason = board.machine().stopReason();
        if (reason.startsWith("power off") || reason.startsWith("kernel panic")) return status; // the guest said why
        if (!console.atLineStart()) top.err.println();
        if (!reason.isEmpty()) top.message(reason);
        return status;
    }
}
