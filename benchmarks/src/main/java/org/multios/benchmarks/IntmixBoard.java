package org.multios.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.console.MemoryConsole;
import org.multios.images.GuestProgram;

/**
 * The CPU-bound benchmark guest ({@code intmix}, see docs/images.md) booted on riscv64-virt the
 * way {@code ./multios machine --arch riscv64 --bios none --kernel intmix.elf} boots it.
 */
final class IntmixBoard {
    static final GuestProgram INTMIX = GuestProgram.riscv64("intmix");

    private static Path elf;

    private IntmixBoard() {}

    /** The ELF, written once per JVM to a temporary directory (boards load files). */
    static synchronized Path elf() {
        if (elf == null) {
            try {
                Path dir = Files.createTempDirectory("multios-bench");
                dir.toFile().deleteOnExit();
                elf = INTMIX.extractTo(dir);
                elf.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return elf;
    }

    /** A freshly reset board with intmix loaded; {@code limit} caps retired instructions. */
    static RiscvVirtBoard create(MemoryConsole console, long limit) {
        RiscvVirtConfig cfg = new RiscvVirtConfig()
                .bios(new Firmware.None())
                .kernel(elf())
                .console(console);
        if (limit != Long.MAX_VALUE) cfg.maxInstructions(limit);
        try {
            return RiscvVirtBoard.create(cfg);
        } catch (BoardException e) {
            throw new IllegalStateException("cannot boot intmix: " + e.getMessage(), e);
        }
    }

    /** Throws unless the console shows the complete, correct run QEMU recorded. */
    static void checkComplete(MemoryConsole console, int status) {
        String expected = INTMIX.expectedConsole();
        if (status != INTMIX.expectedExitCode() || !console.output().equals(expected)) {
            throw new IllegalStateException("intmix did not produce QEMU's output (status " + status + "):\n"
                    + console.output());
        }
    }
}
