package org.multios.cli;

import java.io.IOException;
import java.util.List;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.arm64.Arm64VirtBoard;
import org.multios.boards.arm64.Arm64VirtConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.StdioConsole;

/** {@code multios machine --arch arm64}: the arm64-virt board with the options {@link MachineCommand} parsed. */
final class Arm64Machine {
    private Arm64Machine() {}

    static int run(MachineCommand cmd, StdioConsole console, long rtcBase, List<DiskSpec> disks) throws Exception {
        if (cmd.initrd != null) {
            console.close();
            throw new UserInputException("--initrd is not available for arm64 yet");
        }
        Arm64VirtBoard board;
        try {
            Arm64VirtConfig cfg = new Arm64VirtConfig()
                    .cpus(cmd.smp)
                    .ramSize(cmd.memory)
                    .bios(Firmware.parse(cmd.bios))
                    .kernel(cmd.kernel)
                    .append(cmd.append)
                    .console(console)
                    .rtcBaseNanos(rtcBase)
                    .realtime(cmd.realtime)
                    .trace(cmd.trace);
            if (cmd.maxInstructions != null) cfg.maxInstructions(cmd.maxInstructions);
            for (DiskSpec d : disks) cfg.disk(d);
            cfg.snapshot(cmd.snapshot);
            if (cmd.tpm) cfg.tpm(cmd.tpmState);
            cfg.net(cmd.netSpec);
            cfg.display(cmd.displaySpec);
            board = Arm64VirtBoard.create(cfg);
        } catch (BoardException e) {
            console.close();
            throw new UserInputException(e.getMessage());
        } catch (Exception | Error e) {
            console.close();
            throw e;
        }
        console.onQuit(() -> board.stop(0, "terminated by Ctrl-A x"));
        int status;
        org.multios.core.gdb.GdbServer gdbServer = null;
        try {
            if (cmd.gdb != null) {
                if (cmd.gdbWait) board.machine().pause(); // run() then halts before the first instruction
                try {
                    gdbServer = org.multios.core.gdb.GdbServer.start(
                            org.multios.isa.arm64.gdb.A64DebugTarget.of(board.machine(), board.cpus(), board.traceSink()), cmd.gdb);
                } catch (IOException e) {
                    throw new UserInputException(Multios.firstLine(e.getMessage()));
                }
                cmd.top.message("gdb: listening on port " + gdbServer.port()
                        + (cmd.gdbWait ? ", guest halted until a debugger attaches" : ""));
            }
            status = board.run();
        } finally {
            console.close();
            if (gdbServer != null) gdbServer.close();
            try {
                board.close();
            } catch (IOException e) {
                cmd.top.message("closing disks: " + Multios.firstLine(e.getMessage()));
            }
        }
        if (board.stoppedByGuest()) return status;
        if (!console.atLineStart()) cmd.top.err.println();
        var machine = board.machine();
        if (cmd.maxInstructions != null && machine.retiredInstructions() >= cmd.maxInstructions) {
            cmd.top.message("stopped after " + machine.retiredInstructions() + " instructions (--max-instructions)");
            return MachineCommand.EXIT_INSTRUCTION_LIMIT;
        }
        if (!machine.stopReason().isEmpty()) cmd.top.message(machine.stopReason());
        return status;
    }
}
