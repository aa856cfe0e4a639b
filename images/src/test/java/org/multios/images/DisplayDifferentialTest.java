package org.multios.images;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.console.MemoryConsole;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.host.DisplaySpec;

/**
 * Issue 7, GPU: {@code display.elf} drives the display exactly as software written for QEMU's
 * bochs-display does (PCI probe, BAR sizing, DISPI mode set, EDID, QEMU extension registers,
 * virtual width and panning). Its console must equal what it printed under
 * {@code qemu-system-riscv64 -device bochs-display} (recorded in display.expected), and with QEMU
 * installed the picture must equal QEMU's {@code screendump} pixel for pixel. {@code display2d.elf}
 * exercises our 2D engine and checks every step against a CPU replay; its PNG must hold the picture.
 */
class DisplayDifferentialTest {
    private static final String RES = "/org/multios/images/riscv64/";

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DisplayDifferentialTest.class.getResourceAsStream(RES + name)) {
            if (in == null) throw new AssertionError("missing resource " + name);
            return in.readAllBytes();
        }
    }

    /** Runs the guest until it prints READY; returns the console text and the picture on screen. */
    private record Run(String console, int[] pixels, DisplayMode mode) {}

    private static Run runOnBoard(Path elf, DisplaySpec display) throws Exception {
        MemoryConsole console = new MemoryConsole();
        RiscvVirtConfig cfg = new RiscvVirtConfig().bios(new Firmware.None()).kernel(elf).console(console)
                .display(display).maxInstructions(2_000_000_000L);
        try (RiscvVirtBoard board = RiscvVirtBoard.create(cfg)) {
            Thread runner = Thread.ofPlatform().name("guest-display").start(board::run);
            boolean ready = console.waitFor("READY\r\n", TimeUnit.SECONDS.toMillis(120), () -> !runner.isAlive());
            board.stop(0, "test done");
            runner.join(10_000);
            assertTrue(ready, () -> "guest did not reach READY: " + board.machine().stopReason() + "\n" + console.output());
            DisplayMode mode = board.display().mode();
            assertNotNull(mode, "display is on");
            return new Run(console.output().replace("\r\n", "\n"), mode.capture(board.display().vram()), mode);
        }
    }

    @Test
    void bochsDisplayDriverSeesWhatItSeesUnderQemu(@TempDir Path dir) throws Exception {
        Path elf = dir.resolve("display.elf");
        Files.write(elf, resource("display.elf"));
        String expected = new String(resource("display.expected"), StandardCharsets.UTF_8);
        Run ours = runOnBoard(elf, DisplaySpec.parse("none"));
        assertEquals(expected, ours.console(), "console differs from QEMU's recording");
        assertEquals(640, ours.mode().width());
        assertEquals(800 * 4, ours.mode().stride());

        Path qemu = Path.of("/usr/bin/qemu-system-riscv64");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(qemu), "qemu-system-riscv64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(qemu), "qemu-system-riscv64 not installed: compared with the recording only");
        Path monitor = dir.resolve("mon.sock"), dump = dir.resolve("qemu.ppm");
        Process p = new ProcessBuilder(qemu.toString(), "-M", "virt", "-bios", "none", "-kernel", elf.toString(),
                "-device", "bochs-display", "-display", "none", "-serial", "stdio",
                "-monitor", "unix:" + monitor + ",server,nowait").redirectErrorStream(true).start();
        try {
            StringBuilder out = new StringBuilder();
            InputStream in = p.getInputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!out.toString().contains("READY\n") && System.nanoTime() < deadline) {
                int c = in.read();
                if (c < 0) break;
                if (c != '\r') out.append((char) c);
            }
            assertEquals(expected, out.toString(), "live QEMU no longer prints the recording");
            try (SocketChannel mon = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                mon.connect(UnixDomainSocketAddress.of(monitor));
                mon.write(ByteBuffer.wrap(("screendump " + dump + "\n").getBytes(StandardCharsets.US_ASCII)));
                for (int i = 0; i < 100 && (!Files.exists(dump) || Files.size(dump) < 640 * 480 * 3); i++) Thread.sleep(50);
                Thread.sleep(100);
                mon.write(ByteBuffer.wrap("quit\n".getBytes(StandardCharsets.US_ASCII)));
            }
        } finally {
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        int[] theirs = readPpm(dump, 640, 480);
        int differing = 0, first = -1;
        for (int i = 0; i < theirs.length; i++) if (theirs[i] != ours.pixels()[i]) { if (first < 0) first = i; differing++; }
        final int f = first;
        assertEquals(0, differing, () -> differing(f, ours.pixels(), theirs));
    }

    private static String differing(int i, int[] ours, int[] theirs) {
        return String.format("pictures differ, first at (%d,%d): ours %06x, QEMU %06x", i % 640, i / 640, ours[i], theirs[i]);
    }

    /** A binary PPM (P6, maxval 255) as 0xRRGGBB values. */
    private static int[] readPpm(Path file, int w, int h) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            String[] header = new String[4];
            for (int i = 0; i < 4; i++) header[i] = token(in);
            assertEquals("P6", header[0]);
            assertEquals(w, Integer.parseInt(header[1]));
            assertEquals(h, Integer.parseInt(header[2]));
            assertEquals("255", header[3]);
            byte[] rgb = in.readNBytes(w * h * 3);
            int[] px = new int[w * h];
            for (int i = 0; i < px.length; i++) px[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | rgb[3 * i + 2] & 0xff;
            return px;
        }
    }

    private static String token(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (Character.isWhitespace(c)) { if (b.length() > 0) break; } else b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void engineDrawsWhatTheCpuReplayDrawsAndThePngHoldsIt(@TempDir Path dir) throws Exception {
        Path elf = dir.resolve("display2d.elf"), png = dir.resolve("screen.png");
        Files.write(elf, resource("display2d.elf"));
        Run ours = runOnBoard(elf, DisplaySpec.parse("png:" + png));
        assertEquals(new String(resource("display2d.expected"), StandardCharsets.UTF_8), ours.console());
        assertTrue(ours.console().contains("2d: all ok"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        for (int y = 0; y < 480; y++)
            for (int x = 0; x < 640; x++)
                assertEquals(ours.pixels()[y * 640 + x], img.getRGB(x, y) & 0xffffff, "PNG pixel " + x + "," + y);
    }
}
