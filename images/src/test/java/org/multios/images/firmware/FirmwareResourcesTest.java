package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.elf.ElfFile;

/**
 * The committed boot-chain resources are what docs/boot.md promises (addresses, entry points,
 * sizes, the stub's native call, the default menu), the .bin files are exactly the ELFs' loadable
 * bytes, and — when the cross compiler is installed — images/firmware/riscv64/build.sh rebuilds
 * all six files (and the test program sbiprobe.elf) byte for byte (required under MULTIOS_REQUIRE_ORACLES=1).
 */
class FirmwareResourcesTest {
    static final String REFERENCE_GCC = "riscv64-unknown-elf-gcc (12.2.0-14+deb12u1+11+b2) 12.2.0";
    static final List<String> OUTPUTS = List.of("stage1.bin", "stage1.elf", "stage2.bin", "stage2.elf", "kernel.elf", "multios.cfg",
            "sbiprobe.elf");

    /** The flat image objcopy makes from the ELF: every PT_LOAD's file bytes at paddr - base. */
    static byte[] flatten(ElfFile elf, long base) {
        long end = 0;
        for (ElfFile.Segment s : elf.segments()) if (s.fileSize() > 0) end = Math.max(end, s.paddr() + s.fileSize() - base);
        byte[] out = new byte[(int) end];
        for (ElfFile.Segment s : elf.segments())
            System.arraycopy(elf.bytes(), (int) s.fileOffset(), out, (int) (s.paddr() - base), (int) s.fileSize());
        return out;
    }

    static void checkStage(String name, long base, long limit, String endSymbol, String... symbols) throws Exception {
        ElfFile elf = ElfFile.parse(BootDisk.resource(name + ".elf"));
        assertEquals(ElfFile.EM_RISCV, elf.machine());
        assertEquals(ElfFile.ET_EXEC, elf.type());
        assertEquals(base, elf.entry(), name + " entry");
        assertArrayEquals(flatten(elf, base), BootDisk.resource(name + ".bin"), name + ".bin is the ELF's loadable bytes");
        long end = elf.symbol(endSymbol).orElseThrow(() -> new AssertionError(name + " lacks " + endSymbol));
        assertTrue(end <= limit, String.format("%s ends at %x, beyond %x", name, end, limit));
        for (ElfFile.Segment s : elf.segments())
            assertTrue(s.paddr() >= base && s.paddr() + s.memSize() <= limit, name + " segment outside its range: " + s);
        for (String sym : symbols) assertTrue(elf.symbol(sym).isPresent(), name + ".elf keeps symbol " + sym + " for gdb");
    }

    @Test
    void stagesLiveWhereTheProtocolSays() throws Exception {
        checkStage("stage1", 0x8000_0000L, 0x8020_0000L, "__stage1_end", "stage1_main", "stage1_trap", "nvme_init", "mfs_mount");
        checkStage("stage2", 0x8020_0000L, 0x8040_0000L, "__stage2_end", "stage2_main", "stage2_trap", "menu_choose", "bootinfo_build");
    }

    @Test
    void kernelStubIsNativeCallTwoAtTheKernelAddress() throws Exception {
        ElfFile elf = ElfFile.parse(BootDisk.resource("kernel.elf"));
        assertEquals(0x8040_0000L, elf.entry());
        List<ElfFile.Segment> load = elf.segments().stream().filter(s -> s.memSize() > 0).toList();
        assertEquals(1, load.size(), "one loadable segment");
        ElfFile.Segment s = load.get(0);
        assertTrue(s.executable() && s.paddr() == 0x8040_0000L, s.toString());
        int first = ByteBuffer.wrap(elf.bytes(), (int) s.fileOffset(), 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(0x0020000b, first, "custom-0 native call 2 (KERNEL_ENTRY)");
    }

    @Test
    void defaultMenuBootsTheRootPartitionWithATwoSecondTimeout() {
        String cfg = new String(BootDisk.resource("multios.cfg"), StandardCharsets.UTF_8);
        List<String> lines = cfg.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(lines.contains("timeout 2"), cfg);
        assertTrue(lines.contains("default 0"), cfg);
        int first = lines.indexOf(lines.stream().filter(l -> l.startsWith("entry ")).findFirst().orElseThrow());
        List<String> entry = lines.subList(first, lines.size());
        assertTrue(entry.contains("kernel  /boot/kernel.elf") && entry.contains("initrd  /boot/initrd.cpio"), cfg);
        String cmdline = entry.stream().filter(l -> l.startsWith("cmdline")).findFirst().orElseThrow();
        assertTrue(Arrays.asList(cmdline.split("\\s+")).contains("root=/dev/nvme0n1p2"), cmdline);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    @Test
    void buildScriptReproducesTheCommittedFiles(@TempDir Path out) throws Exception {
        Path script = Path.of("firmware/riscv64/build.sh").toAbsolutePath();
        assumeTrue(Files.isRegularFile(script), "not run from the images module directory");
        boolean have = onPath("riscv64-unknown-elf-gcc") && onPath("riscv64-unknown-elf-objcopy");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "riscv64-unknown-elf-gcc is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "riscv64-unknown-elf-gcc not installed");
        // Byte-identical output needs the compiler the files were built with (docs/firmware.md).
        Process v = new ProcessBuilder("riscv64-unknown-elf-gcc", "--version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        v.waitFor(30, TimeUnit.SECONDS);
        assumeTrue(version.equals(REFERENCE_GCC), "byte-identical rebuilds need '" + REFERENCE_GCC + "', found '" + version + "'");
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).directory(out.toFile());
        pb.environment().put("OUT", out.toString());
        pb.environment().put("TEST_OUT", out.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "build.sh did not finish");
        assertEquals(0, p.exitValue(), log);
        for (String f : OUTPUTS)
            assertArrayEquals(BootDisk.resource(f), Files.readAllBytes(out.resolve(f)), f + " differs from a fresh build (rerun images/firmware/riscv64/build.sh and commit)");
    }
}
