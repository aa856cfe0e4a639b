package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's answers to good and bad input, run in-process with captured streams. */
class MultiosCliTest {
    @TempDir Path tmp;

    record Result(int status, String out, String err) {
        /** One line, prefixed, no Java stack trace. */
        void assertOneLineError(int expectedStatus, String fragment) {
            assertEquals(expectedStatus, status, err);
            assertTrue(err.startsWith("multios: "), err);
            assertEquals(1, err.lines().count(), "exactly one line: " + err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
            assertTrue(err.contains(fragment), "expected '" + fragment + "' in: " + err);
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.status);
        assertTrue(v.out.startsWith("multios "), v.out);
        Result h = run("--help");
        assertEquals(0, h.status);
        assertTrue(h.out.contains("machine") && h.out.contains("disasm"), h.out);
        Result mh = run("machine", "--help");
        assertEquals(0, mh.status);
        assertTrue(mh.out.contains("--kernel") && mh.out.contains("--bios"), mh.out);
    }

    @Test
    void missingKernelFile() {
        run("machine", "--bios", "none", "--kernel", tmp.resolve("no-such.elf").toString())
                .assertOneLineError(1, "kernel file not found");
    }

    @Test
    void truncatedElf() throws Exception {
        byte[] header = Files.readAllBytes(Path.of("/bin/true"));
        Path f = tmp.resolve("trunc.elf");
        Files.write(f, java.util.Arrays.copyOf(header, 50));
        run("machine", "--bios", "none", "--kernel", f.toString()).assertOneLineError(1, "truncated");
    }

    @Test
    void nonRiscvElf() {
        run("machine", "--bios", "none", "--kernel", "/bin/true").assertOneLineError(1, "not RISC-V");
    }

    @Test
    void kernelLargerThanRam() throws Exception {
        Path f = tmp.resolve("big.bin");
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), (20L << 20) - 1); // sparse 20 MiB file
        }
        run("machine", "--bios", "none", "--memory", "16M", "--kernel", f.toString())
                .assertOneLineError(1, "does not fit in RAM");
    }

    @Test
    void badMemorySizes() {
        run("machine", "--bios", "none", "--kernel", "/bin/true", "--memory", "12Q").assertOneLineError(2, "invalid size '12Q'");
        run("machine", "--bios", "none", "--kernel", "/bin/true", "--memory", "-5M").assertOneLineError(2, "--memory");
        run("machine", "--bios", "none", "--kernel", "/bin/true", "--memory", "99999999999999T").assertOneLineError(2, "too large");
        run("machine", "--bios", "none", "--kernel", "/bin/true", "--memory", "1K").assertOneLineError(2, "--memory");
    }

    @Test
    void architectures() {
        // every implemented architecture checks its input files the same way
        run("machine", "--arch", "arm64", "--kernel", "x").assertOneLineError(1, "not found: x");
        run("disasm", "--arch", "riscv64", "x").assertOneLineError(1, "x");
        run("machine", "--arch", "mips", "--kernel", "x").assertOneLineError(2, "unknown architecture 'mips'");
    }

    @Test
    void tpmOptions() {
        run("machine", "--arch", "x86_64", "--tpm-state", "s", "--bios", "x").assertOneLineError(2, "--tpm-state needs --tpm");
        run("machine", "--arch", "arm64", "--tpm-state", "/tmp/s", "--kernel", "x").assertOneLineError(2, "--tpm-state needs --tpm");
        // with the TPM the arm64 board builds and runs (here: stopped by the instruction limit)
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(
                java.nio.file.Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin")) || "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")));
        Result r = run("machine", "--arch", "arm64", "--tpm", "--max-instructions", "200000");
        assertEquals(MachineCommand.EXIT_INSTRUCTION_LIMIT, r.status(), r.err());
    }

    @Test
    void usageErrors() {
        run("machine", "--frobnicate").assertOneLineError(2, "--frobnicate");
        run("machine", "--kernel").assertOneLineError(2, "--kernel");
        run("machine", "--smp", "0", "--bios", "none", "--kernel", "/bin/true").assertOneLineError(2, "--smp");
        run("machine", "--smp", "two").assertOneLineError(2, "--smp");
        run("nosuchcommand").assertOneLineError(2, "nosuchcommand");
        run("disasm").assertOneLineError(2, "FILE");
    }

    @Test
    void diskAndGdbOptionErrors() {
        String k = "/usr/lib/u-boot/qemu-riscv64/u-boot.bin";
        run("machine", "--bios", "none", "--kernel", k, "--gdb-wait").assertOneLineError(2, "--gdb-wait needs --gdb");
        run("machine", "--bios", "none", "--kernel", k, "--gdb", "x:y").assertOneLineError(2, "--gdb");
        run("machine", "--bios", "none", "--kernel", k, "--disk", "a.img,bogus").assertOneLineError(2, "unknown option 'bogus'");
        run("machine", "--bios", "none", "--kernel", "/bin/true", "--disk", tmp.resolve("nodisk.img").toString())
                .assertOneLineError(1, "not RISC-V");
    }

    @Test
    void nothingToRun() {
        run("machine", "--bios", "none").assertOneLineError(1, "nothing to run");
    }

    @Test
    void disasmBadInput() {
        run("disasm", tmp.resolve("missing").toString()).assertOneLineError(1, "file not found");
        run("disasm", "/bin/true").assertOneLineError(1, "not RISC-V");
        run("disasm", tmp.toString()).assertOneLineError(1, "is a directory");
    }

    @Test
    void byteSizes() {
        assertEquals(128L << 20, ByteSize.parse("128M"));
        assertEquals(1L << 30, ByteSize.parse("1G"));
        assertEquals(512L << 20, ByteSize.parse("512MiB"));
        assertEquals(64L << 10, ByteSize.parse("64k"));
        assertEquals(256L << 20, ByteSize.parse("256"));
        assertEquals(4096, ByteSize.parse("4096B"));
        assertEquals(2L << 40, ByteSize.parse("2TB"));
    }
}
