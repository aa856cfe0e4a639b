package org.multios.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One prebuilt bare-metal guest program with what QEMU printed for it. The ELF runs on a
 * {@code virt} board with no firmware ({@code --bios none}), starting in M-mode at 0x80000000,
 * and ends through the SiFive test finisher.
 *
 * @param arch  architecture directory under the resources ({@code riscv64})
 * @param name  program name ({@code hello}, {@code intmix}, ...)
 */
public record GuestProgram(String arch, String name) {
    private static final String ROOT = "/org/multios/images/";

    /** The bare-metal RISC-V programs, in the order the docs describe them. */
    public static final List<GuestProgram> RISCV64 = List.of(
            riscv64("hello"), riscv64("intmix-small"), riscv64("intmix"), riscv64("fpu"),
            riscv64("atomics"), riscv64("traps"), riscv64("vm"), riscv64("bitmanip"),
            riscv64("csr"), riscv64("timer"), riscv64("muldiv"), riscv64("plic"), riscv64("smp"), riscv64("rvc"), riscv64("pmp"), riscv64("interrupts"), riscv64("smc"), riscv64("fdt"), riscv64("uart"));

    /**
     * The QEMU command line the recordings were made with (without {@code -kernel FILE}).
     * H is switched off because riscv64-virt implements RV64GC with S and U, no hypervisor.
     */
    public static final List<String> QEMU_RISCV64_ARGS = List.of(
            "qemu-system-riscv64", "-machine", "virt", "-cpu", "rv64,h=false", "-bios", "none",
            "-nographic", "-monitor", "none", "-serial", "stdio");

    public static GuestProgram riscv64(String name) { return new GuestProgram("riscv64", name); }

    /** The program's ELF file. */
    public byte[] elf() { return resource(".elf"); }

    /** The console bytes QEMU printed, decoded one char per byte (ISO-8859-1). */
    public String expectedConsole() { return new String(resource(".expected"), StandardCharsets.ISO_8859_1); }

    /**
     * What a specification-correct board must print: {@link #expectedConsole()} with the lines
     * listed in {@code NAME.qemu-errata} (results QEMU 7.2 gets wrong) replaced. Each erratum
     * names the line QEMU printed; a recording that no longer has it there is an error.
     */
    public String correctConsole() {
        String console = expectedConsole();
        byte[] errata = optionalResource(".qemu-errata");
        if (errata == null) return console;
        String[] lines = console.split("\n", -1);
        for (String entry : new String(errata, StandardCharsets.UTF_8).split("\n")) {
            if (entry.isBlank() || entry.startsWith("#")) continue;
            String[] f = entry.split("\t");
            if (f.length != 4) throw new IllegalStateException(this + ".qemu-errata: want 4 tab-separated fields: " + entry);
            int n = Integer.parseInt(f[0].strip()) - 1;
            String qemu = lines.length > n ? lines[n].replace("\r", "") : null;
            if (!f[1].equals(qemu)) {
                throw new IllegalStateException(this + ".qemu-errata: line " + f[0] + " of the recording is '"
                        + qemu + "', not '" + f[1] + "' (re-check the errata after re-recording)");
            }
            lines[n] = lines[n].endsWith("\r") ? f[2] + "\r" : f[2];
        }
        return String.join("\n", lines);
    }

    /** Harts the program needs ({@code -smp} / {@code --smp}): {@code NAME.harts}, default 1. */
    public int harts() {
        byte[] b = optionalResource(".harts");
        return b == null ? 1 : Integer.parseInt(new String(b, StandardCharsets.US_ASCII).strip());
    }

    /** The QEMU command line for this program, without {@code -kernel FILE}. */
    public List<String> qemuArgs() {
        List<String> args = new ArrayList<>(QEMU_RISCV64_ARGS);
        args.add("-smp");
        args.add(Integer.toString(harts()));
        return args;
    }

    /** QEMU's exit status: the finisher's code, 0 for pass. */
    public int expectedExitCode() {
        return Integer.parseInt(new String(resource(".exitcode"), StandardCharsets.US_ASCII).strip());
    }

    /** Writes the ELF to {@code dir/NAME.elf} (boards and QEMU load files) and returns the path. */
    public Path extractTo(Path dir) throws IOException {
        Path p = dir.resolve(name + ".elf");
        Files.write(p, elf());
        return p;
    }

    private byte[] resource(String suffix) {
        byte[] b = optionalResource(suffix);
        if (b == null) {
            throw new IllegalStateException("missing resource " + ROOT + arch + "/" + name + suffix
                    + " (run images/build.sh and images/record-qemu.sh)");
        }
        return b;
    }

    private byte[] optionalResource(String suffix) {
        String path = ROOT + arch + "/" + name + suffix;
        try (InputStream in = GuestProgram.class.getResourceAsStream(path)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() { return arch + "/" + name; }
}
