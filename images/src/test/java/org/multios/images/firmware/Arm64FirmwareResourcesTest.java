package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.elf.ElfFile;

/**
 * The committed arm64 boot-chain resources are what docs/boot.md ("arm64") promises: stage 1
 * linked at its RAM copy 0x40100000 and ending below stage 2, stage 2 at 0x40200000 ending
 * below the kernel stub at 0x40400000, the .bin files exactly the ELFs' loadable bytes, the stub's
 * first instruction native call 16 ({@code hvc #0x4d50}), the default menu on ttyAMA0 — and, with
 * the cross compiler the files were built with, images/firmware/arm64/build.sh rebuilds all six
 * byte for byte (required under MULTIOS_REQUIRE_ORACLES=1).
 */
class Arm64FirmwareResourcesTest {
    static final String RES = "/org/multios/images/firmware/arm64/";
    static final String REFERENCE_GCC = "aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0";
    static final List<String> OUTPUTS = List.of("stage1.bin", "stage1.elf", "stage2.bin", "stage2.elf", "kernel.elf", "multios.cfg");

    static byte[] resource(String name) throws Exception {
        try (InputStream in = Arm64FirmwareResourcesTest.class.getResourceAsStream(RES + name)) {
            if (in == null) throw new AssertionError("missing resource " + RES + name + " (images/firmware/arm64/build.sh)");
            return in.readAllBytes();
        }
    }

    static void checkStage(String name, long base, long limit, String endSymbol, String... symbols) throws Exception {
        ElfFile elf = ElfFile.parse(resource(name + ".elf"));
        assertEquals(ElfFile.EM_AARCH64, elf.machine());
        assertEquals(ElfFile.ET_EXEC, elf.type());
        assertEquals(base, elf.entry(), name + " entry");
        assertArrayEquals(FirmwareResourcesTest.flatten(elf, base), resource(name + ".bin"), name + ".bin is the ELF's loadable bytes");
        long end = elf.symbol(endSymbol).orElseThrow(() -> new AssertionError(name + " lacks " + endSymbol));
        assertTrue(end <= limit, String.format("%s ends at %x, beyond %x", name, end, limit));
        for (ElfFile.Segment s : elf.segments())
            assertTrue(s.memSize() == 0 || s.paddr() >= base && s.paddr() + s.memSize() <= limit, name + " segment outside its range: " + s);
        for (String sym : symbols) assertTrue(elf.symbol(sym).isPresent(), name + ".elf keeps symbol " + sym + " for gdb");
    }

    @Test
    void stagesLiveWhereTheProtocolSays() throws Exception {
        checkStage("stage1", 0x4010_0000L, 0x4020_0000L, "__stage1_end", "stage1_main", "fw_vectors", "fw_trap", "nvme_init", "mfs_mount");
        checkStage("stage2", 0x4020_0000L, 0x4040_0000L, "__stage2_end", "stage2_main", "fw_trap_hook", "menu_choose", "bootinfo_build",
                "gic_sleep_until");
    }

    @Test
    void kernelStubIsNativeCallSixteenAtTheKernelAddress() throws Exception {
        ElfFile elf = ElfFile.parse(resource("kernel.elf"));
        assertEquals(ElfFile.EM_AARCH64, elf.machine());
        assertEquals(0x4040_0000L, elf.entry());
        List<ElfFile.Segment> load = elf.segments().stream().filter(s -> s.memSize() > 0).toList();
        assertEquals(1, load.size(), "one loadable segment");
        ElfFile.Segment s = load.get(0);
        assertTrue(s.executable() && s.paddr() == 0x4040_0000L, s.toString());
        int first = ByteBuffer.wrap(elf.bytes(), (int) s.fileOffset(), 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(0xd4000002 | (0x4d50 << 5), first, "hvc #0x4d50: native call 16 (KERNEL_ENTRY)");
    }

    @Test
    void defaultMenuBootsTheRootPartitionOnTheFirstPl011() throws Exception {
        String cfg = new String(resource("multios.cfg"), StandardCharsets.UTF_8);
        List<String> lines = cfg.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(lines.contains("timeout 2") && lines.contains("default 0"), cfg);
        assertTrue(lines.contains("cmdline root=/dev/nvme0n1p2 console=ttyAMA0"), cfg);
        assertTrue(lines.stream().noneMatch(l -> l.contains("ttyS0")), "arm64's console is ttyAMA0:\n" + cfg);
    }

    @Test
    void buildScriptReproducesTheCommittedFiles(@TempDir Path out) throws Exception {
        Path script = Path.of("firmware/arm64/build.sh").toAbsolutePath();
        assumeTrue(Files.isRegularFile(script), "not run from the images module directory");
        boolean have = FirmwareResourcesTest.onPath("aarch64-linux-gnu-gcc") && FirmwareResourcesTest.onPath("aarch64-linux-gnu-objcopy");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "aarch64-linux-gnu-gcc is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "aarch64-linux-gnu-gcc not installed");
        Process v = new ProcessBuilder("aarch64-linux-gnu-gcc", "--version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        v.waitFor(30, TimeUnit.SECONDS);
        assumeTrue(version.equals(REFERENCE_GCC), "byte-identical rebuilds need '" + REFERENCE_GCC + "', found '" + version + "'");
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).directory(out.toFile());
        pb.environment().put("OUT", out.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "build.sh did not finish");
        assertEquals(0, p.exitValue(), log);
        for (String f : OUTPUTS)
            assertArrayEquals(resource(f), Files.readAllBytes(out.resolve(f)),
                    f + " differs from a fresh build (rerun images/firmware/arm64/build.sh and commit; it also compiles ../riscv64/lib)");
    }
}
