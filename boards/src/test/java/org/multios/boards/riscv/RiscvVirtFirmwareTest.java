package org.multios.boards.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.boards.Firmware;
import org.multios.devices.console.MemoryConsole;

/**
 * Acceptance: Debian's U-Boot and OpenSBI builds for QEMU's virt machine reach their prompts on
 * our board and answer commands typed on the console. Needs the {@code u-boot-qemu} and
 * {@code opensbi} packages (skipped without them, failed when MULTIOS_REQUIRE_ORACLES=1).
 */
@Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RiscvVirtFirmwareTest {
    static final Path UBOOT_M = Path.of("/usr/lib/u-boot/qemu-riscv64/u-boot.bin");
    static final Path UBOOT_S = Path.of("/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin");
    static final Path FW_JUMP = Path.of("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin");
    /** Wall-clock budget per expected output; generous for a loaded 2-core CI machine. */
    static final long WAIT_MS = 180_000;

    static void requireFiles(Path... files) {
        for (Path f : files) {
            boolean present = Files.isRegularFile(f);
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
                assertTrue(present, f + " is required (MULTIOS_REQUIRE_ORACLES=1); install u-boot-qemu and opensbi");
            }
            assumeTrue(present, f + " not installed");
        }
    }

    /** A board running in its own thread, driven through an in-memory console. */
    static final class Session implements AutoCloseable {
        final MemoryConsole console = new MemoryConsole();
        final RiscvVirtBoard board;
        final Thread runner;
        final AtomicInteger status = new AtomicInteger(-1);
        volatile Throwable failure;

        Session(RiscvVirtConfig cfg) throws Exception {
            board = RiscvVirtBoard.create(cfg.console(console));
            runner = Thread.ofPlatform().name("guest").start(() -> {
                try {
                    status.set(board.run());
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        /** Waits for {@code text}; returns the output before it (since the previous expectation). */
        String expect(String text) throws InterruptedException {
            String before = console.readUntil(text, WAIT_MS, () -> !runner.isAlive());
            if (before == null) {
                fail("no '" + text + "' on the console (machine " + (runner.isAlive() ? "running" : "stopped: "
                        + board.machine().stopReason() + (failure != null ? ", " + failure : "")) + ") after:\n"
                        + tail(console.output()));
            }
            return before;
        }

        void type(String text) { console.send(text); }

        /** Types a command at the prompt and returns its output up to the next prompt. */
        String command(String cmd) throws InterruptedException {
            type(cmd + "\n");
            expect(cmd); // the echo
            return expect("=> ");
        }

        @Override
        public void close() throws Exception {
            board.stop(0, "test finished");
            runner.join(30_000);
            board.close();
        }

        static String tail(String s) { return s.length() > 3000 ? s.substring(s.length() - 3000) : s; }
    }

    @Test
    void mModeUBootAnswersVersionBdinfoAndFdtPrint() throws Exception {
        requireFiles(UBOOT_M);
        try (Session s = new Session(new RiscvVirtConfig().bios(new Firmware.None()).kernel(UBOOT_M))) {
            s.expect("U-Boot 20");
            s.expect("CPU:   rv64imafdc");
            s.expect("DRAM:  128 MiB");
            s.expect("Hit any key to stop autoboot");
            s.type(" ");
            s.expect("=> ");

            String version = s.command("version");
            assertTrue(version.contains("U-Boot 20"), version);
            assertTrue(version.contains("gcc"), version);

            String bdinfo = s.command("bdinfo");
            assertTrue(bdinfo.contains("boot_params"), bdinfo);
            assertTrue(bdinfo.matches("(?s).*start\\s*=\\s*0x0*80000000.*"), bdinfo);
            assertTrue(bdinfo.matches("(?s).*size\\s*=\\s*0x0*8000000.*"), bdinfo);
            assertTrue(bdinfo.contains("fdt_blob"), bdinfo);

            s.command("fdt addr ${fdtcontroladdr}");
            String fdt = s.command("fdt print /");
            for (String node : new String[] {"compatible = \"riscv-virtio\"", "timebase-frequency = <0x00989680>",
                    "serial@10000000", "compatible = \"ns16550a\"", "clint@2000000", "plic@c000000",
                    "riscv,isa = \"rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc\"", "test@100000", "rtc@101000"}) {
                assertTrue(fdt.contains(node), "fdt print / lacks " + node + ":\n" + fdt);
            }
        }
    }

    @Test
    void openSbiFwJumpThenSModeUBoot() throws Exception {
        requireFiles(FW_JUMP, UBOOT_S);
        try (Session s = new Session(new RiscvVirtConfig().bios(new Firmware.File(FW_JUMP)).kernel(UBOOT_S))) {
            s.expect("OpenSBI v");
            s.expect("Platform Name             : riscv-virtio,qemu");
            s.expect("Platform HART Count       : 1");
            s.expect("Domain0 Next Address      : 0x0000000080200000");
            s.expect("Domain0 Next Mode         : S-mode");
            s.expect("Boot HART Base ISA        : rv64imafdc");
            s.expect("U-Boot 20");
            s.expect("Hit any key to stop autoboot");
            s.type(" ");
            s.expect("=> ");
            String version = s.command("version");
            assertTrue(version.contains("U-Boot 20"), version);
            String sbi = s.command("sbi");
            assertTrue(sbi.contains("OpenSBI"), sbi);
        }
    }

    @Test
    void testFinisherViaUBootPoweroff() throws Exception {
        requireFiles(UBOOT_M);
        // `poweroff` in U-Boot writes 0x5555 to the syscon-poweroff register: the test finisher.
        try (Session s = new Session(new RiscvVirtConfig().bios(new Firmware.None()).kernel(UBOOT_M))) {
            s.expect("Hit any key to stop autoboot");
            s.type(" ");
            s.expect("=> ");
            s.type("poweroff\n");
            s.runner.join(WAIT_MS);
            assertTrue(!s.runner.isAlive(), "machine still running after poweroff");
            assertTrue(s.board.stoppedByGuest(), s.board.machine().stopReason());
            assertEquals(0, s.status.get());
        }
    }

    @Test
    void uBootListsTheNvmeControllerOnPci(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        requireFiles(UBOOT_M);
        Path img = dir.resolve("disk.img");
        Files.write(img, new byte[1 << 20]);
        try (Session s = new Session(new RiscvVirtConfig().bios(new Firmware.None()).kernel(UBOOT_M)
                .disk(org.multios.devices.block.DiskSpec.parse(img + ",readonly")))) {
            s.expect("Hit any key to stop autoboot");
            s.type(" ");
            s.expect("=> ");
            s.command("pci enum");
            String pci = s.command("pci");
            assertTrue(pci.matches("(?s).*00\\.00\\.00\\s+0x1b36\\s+0x0008\\s+Bridge device.*"), pci);
            assertTrue(pci.matches("(?s).*00\\.01\\.00\\s+0x1b36\\s+0x0010\\s+Mass storage controller\\s+0x08.*"), pci);
            String hdr = s.command("pci header 00.01.00");
            assertTrue(hdr.matches("(?s).*programming interface =\\s+0x02.*"), hdr);
            assertTrue(hdr.matches("(?s).*base address 0 =\\s+0x40000004.*"), hdr); // 64-bit BAR placed by U-Boot
        }
    }
}
