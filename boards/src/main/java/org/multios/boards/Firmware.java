package org.multios.boards;

import java.nio.file.Path;

/** What {@code --bios} asks for, with QEMU's meaning. */
public sealed interface Firmware {
    /** {@code --bios none}: no firmware; the kernel starts in M-mode from the reset ROM. */
    record None() implements Firmware {}

    /** No {@code --bios}: the board's default firmware. */
    record Default() implements Firmware {}

    /** {@code --bios FILE}: an ELF or raw firmware image. */
    record File(Path path) implements Firmware {}

    static Firmware parse(String spec) {
        if (spec == null) return new Default();
        if (spec.equals("none")) return new None();
        return new File(Path.of(spec));
    }
}
