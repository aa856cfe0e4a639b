package org.multios.cli;

import java.io.IOException;
import java.util.List;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.x86.X86PcBoard;
import org.multios.boards.x86.X86PcConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.StdioConsole;

/** {@code multios machine --arch x86_64}: the x86_64-pc board with the options {@link MachineCommand} parsed. */
final class X86Machine {
    private X86Machine() {}

    static int run(MachineCommand cmd, StdioConsole console, long rtcBase, List<DiskSpec> disks) throws Exception {
        for (String[] unsupported : new String[][] {{cmd.trace == null ? null : "x", "--trace"},
                {cmd.initrd == null ? null : "x", "--initrd"}}) {
            if (unsupported[0] != null) {
                console.close();
                throw new UserInputException(unsupported[1] + " is not available for x86_64 yet");
            }
        }
        if (cmd.smp != 1) {
            console.close();
            throw new UserInputException("x86_64-pc has one CPU for now; --smp must be 1");
        }
        X86PcBoard board;
        try {
            X86PcConfig cfg = new X86PcConfig()
                    .ramSize(cmd.memory)
                    .bios(Firmware.parse(cmd.bios))
                    .kernel(cmd.kernel)
                    .append(cmd.append)
                    .console(console)
                    .rtcEpochNanos(rtcBase)
                    .realtime(cmd.realtime);
            if (cmd.maxInstructions != null) cfg.maxInstructions(cmd.maxInstructions);
            for (DiskSpec d : disks) cfg.disk(d);
            cfg.snapshot(cmd.snapshot);
            cfg.net(cmd.netSpec);
            cfg.display(cmd.displaySpec);
            if (cmd.tpm) cfg.tpm(cmd.tpmState);
            board = X86PcBoard.create(cfg);
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
                            org.multios.isa.x86.gdb.X86DebugTarget.of(board.machine(), java.util.List.of(board.cpu())), cmd.gdb);
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
