package org.multios.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.multios.core.debug.DebugTarget;
import org.multios.core.gdb.GdbServer;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.block.DiskSpecException;
import org.multios.devices.console.StdioConsole;
import org.multios.devices.display.host.DisplaySpec;
import org.multios.devices.net.NetSpec;
import org.multios.devices.rtc.GoldfishRtc;
import org.multios.kernel.fs.image.DefaultImage;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MfsException;
import picocli.CommandLine.ParameterException;

/**
 * What {@code multios boot} does the same way on every architecture: the option checks that
 * do not depend on the board ({@code --gdb}, {@code --rtc}, {@code --display}, {@code --net},
 * {@code --disk}), the console, the GDB stub's start, and running the board to its end with
 * everything closed after. The per-architecture classes (BootCommand for riscv64, Arm64Boot,
 * X86Boot) keep what differs: their limits, the board's configuration, the kernel's install,
 * the debug target and how the stop reason is reported.
 */
final class BootSession {
    private BootSession() {}

    static ParameterException usage(BootCommand cmd, String message) {
        return new ParameterException(cmd.spec.commandLine(), message);
    }

    /** {@code --gdb-wait} needs {@code --gdb}, and {@code --gdb} must be [HOST:]PORT. */
    static void checkGdb(BootCommand cmd) {
        if (cmd.gdbWait && cmd.gdb == null) throw usage(cmd, "--gdb-wait needs --gdb [HOST:]PORT");
        if (cmd.gdb != null) {
            try {
                GdbServer.parseAddress(cmd.gdb);
            } catch (IllegalArgumentException e) {
                throw usage(cmd, e.getMessage());
            }
        }
    }

    /** The RTC's epoch from {@code --rtc fixed|host}. */
    static long rtcBase(BootCommand cmd) {
        return switch (cmd.rtc) {
            case "fixed" -> GoldfishRtc.DEFAULT_EPOCH_NANOS;
            case "host" -> GoldfishRtc.hostBase();
            default -> throw usage(cmd, "--rtc must be 'fixed' or 'host', not '" + cmd.rtc + "'");
        };
    }

    /** The parsed {@code --display}, null without one. */
    static DisplaySpec displaySpec(BootCommand cmd) {
        if (cmd.display == null) return null;
        try {
            return DisplaySpec.parse(cmd.display);
        } catch (IllegalArgumentException e) {
            throw usage(cmd, e.getMessage());
        }
    }

    /** The parsed {@code --net}, null without one (riscv64's network boot builds its own). */
    static NetSpec netSpec(BootCommand cmd) {
        if (cmd.net == null) return null;
        try {
            return NetSpec.parse(cmd.net);
        } catch (NetSpec.NetSpecException e) {
            throw usage(cmd, e.getMessage());
        }
    }

    /** The default image written into {@code work/default.img}, as a disk. */
    static DiskSpec defaultDisk(DefaultImage image, Path work) throws IOException, DefaultImage.ImageException, MfsException, DiskSpecException {
        Path img = work.resolve("default.img");
        try (FileBlockDevice dev = FileBlockDevice.create(img, BootCommand.DEFAULT_IMAGE_BYTES)) {
            image.write(dev, DefaultImage.Options.of(BootCommand.DEFAULT_IMAGE_BYTES));
        }
        return DiskSpec.parse(img.toString());
    }

    /** Stage 1 written to {@code stage1}, and {@code --disk} or else the default image; bad input in one line. */
    static DiskSpec stage1AndDisk(BootCommand cmd, DefaultImage image, Path stage1, Path work) throws IOException, UserInputException {
        try {
            Files.write(stage1, image.stage1());
            return cmd.disk != null ? DiskSpec.parse(cmd.disk) : defaultDisk(image, work);
        } catch (DefaultImage.ImageException | MfsException e) {
            throw new UserInputException("default image: " + e.getMessage());
        } catch (DiskSpecException e) {
            throw usage(cmd, e.getMessage());
        }
    }

    /** The host terminal (raw) when the streams are the process's, else the given streams. */
    static StdioConsole openConsole(Multios top) {
        return top.systemStreams ? StdioConsole.open(top.err) : StdioConsole.onStreams(top.in, top.out, top.err);
    }

    /**
     * {@code --gdb}: the stub over {@code target}, the guest paused first with {@code --gdb-wait}
     * (the caller pauses: run() then halts before the first instruction). A port that cannot be
     * bound closes the console and board and ends in one line.
     */
    static GdbServer startGdb(BootCommand cmd, DebugTarget target, StdioConsole console, Closeable board) throws IOException, UserInputException {
        GdbServer gdbServer;
        try {
            gdbServer = GdbServer.start(target, cmd.gdb);
        } catch (IOException e) {
            console.close();
            board.close();
            throw new UserInputException(Multios.firstLine(e.getMessage()));
        }
        cmd.top.message("gdb: listening on port " + gdbServer.port() + (cmd.gdbWait ? ", guest halted until a debugger attaches" : ""));
        return gdbServer;
    }

    /**
     * Runs the board until it stops (Ctrl-A x stops it with status 0), then closes the console,
     * the GDB stub (may be null) and the board; a disk that fails to close is reported, not thrown.
     */
    static int runToEnd(Multios top, StdioConsole console, GdbServer gdbServer, Runnable quit, IntSupplier run, Closeable board) {
        console.onQuit(quit);
        try {
            return run.getAsInt();
        } finally {
            console.close();
            if (gdbServer != null) gdbServer.close();
            try {
                board.close();
            } catch (IOException e) {
                top.message("closing disks: " + Multios.firstLine(e.getMessage()));
            }
        }
    }
}
