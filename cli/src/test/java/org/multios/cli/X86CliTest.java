package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code machine --arch x86_64} and {@code disasm --arch x86_64}: input errors and a bounded U-Boot run. */
class X86CliTest {
    static final Path ROM = Path.of("/usr/lib/u-boot/qemu-x86_64/u-boot.rom");

    @Test
    void badInputGivesOneLineErrors() {
        MultiosCliTest.run("machine", "--arch", "x86_64", "--bios", "/nonexistent.rom").assertOneLineError(1, "/nonexistent.rom");
        MultiosCliTest.run("machine", "--arch", "x86_64", "--bios", "none").assertOneLineError(1, "needs firmware");
        MultiosCliTest.run("machine", "--arch", "x86_64", "--bios", "/etc/hostname").assertOneLineError(1, "multiple of 64 KiB");
        MultiosCliTest.run("disasm", "--arch", "x86_64", "/nonexistent").assertOneLineError(1, "/nonexistent");
    }

    @Test
    void uBootRomRunsUntilTheInstructionLimit() {
        boolean present = Files.isRegularFile(ROM);
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(present, ROM + " is required; install u-boot-qemu");
        assumeTrue(present, ROM + " not installed");
        MultiosCliTest.Result r = MultiosCliTest.run("machine", "--arch", "x86_64", "--bios", ROM.toString(),
                "--max-instructions", "4000000");
        assertEquals(MachineCommand.EXIT_INSTRUCTION_LIMIT, r.status(), r.err());
        assertTrue(r.out().contains("U-Boot SPL 20"), r.out());
        assertTrue(r.out().contains("Jumping to 64-bit U-Boot"), r.out());
        assertTrue(r.err().contains("stopped after 4000000 instructions"), r.err());
    }
}
