package org.multios.devices.display;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.devices.display.Engine2d.*;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.bus.BusErrorException;
import org.multios.core.time.VirtualClock;
import org.multios.devices.display.host.PngScreenshot;

class DisplayDeviceTest {
    private static final long GUEST = 0x8000_0000L;

    /** The engine's view of the system: 1 MiB of guest RAM at 0x80000000 and an interrupt level. */
    static final class Guest implements Engine2d.Host {
        final byte[] ram = new byte[1 << 20];
        boolean irq;
        public void dmaRead(long a, byte[] dst, int from, int len) {
            if (a < GUEST || a + len > GUEST + ram.length) throw new BusErrorException(a, false);
            System.arraycopy(ram, (int) (a - GUEST), dst, from, len);
        }
        public void dmaWrite(long a, byte[] src, int from, int len) {
            if (a < GUEST || a + len > GUEST + ram.length) throw new BusErrorException(a, true);
            System.arraycopy(src, from, ram, (int) (a - GUEST), len);
        }
        public void interrupt(boolean level) { irq = level; }
        long read64(long a) { return ByteBuffer.wrap(ram).order(ByteOrder.LITTLE_ENDIAN).getLong((int) (a - GUEST)); }
    }

    private final VirtualClock clock = new VirtualClock();
    private final Guest guest = new Guest();
    private final Vram vram = new Vram(16L << 20);
    private final Engine2d engine = new Engine2d(clock, vram, guest);
    private int tail;

    private void dispiWrite(DispiRegisters r, int index, int v) { r.write(DispiRegisters.DISPI + index * 2L, 2, v); }

    @Test
    void dispiRegistersDescribeTheModeAsBochsDisplayDoes() {
        DispiRegisters r = new DispiRegisters(16L << 20);
        assertEquals(0xb0c5, r.read(0x500, 2));
        assertEquals(256, r.read(0x500 + 2 * DispiRegisters.INDEX_VIDEO_MEMORY_64K, 2), "16 MiB in 64 KiB units");
        assertNull(r.mode(), "disabled at power-on");
        dispiWrite(r, DispiRegisters.INDEX_XRES, 640);
        dispiWrite(r, DispiRegisters.INDEX_YRES, 480);
        dispiWrite(r, DispiRegisters.INDEX_BPP, 32);
        dispiWrite(r, DispiRegisters.INDEX_ENABLE, DispiRegisters.ENABLED | 0x40);
        assertEquals(new DisplayMode(640, 480, 4, 2560, 0, false), r.mode());
        // One 32-bit write sets two registers (XRES, YRES), as the MMIO window is flat.
        r.write(0x502, 4, (600L << 16) | 800);
        assertEquals(800, r.mode().width());
        assertEquals(600, r.mode().height());
        assertEquals((600L << 16) | 800, r.read(0x502, 4));
        assertEquals(0x20, r.read(0x502, 1), "byte reads see one half of a register (800 = 0x320)");
        dispiWrite(r, DispiRegisters.INDEX_VIRT_WIDTH, 1024);
        dispiWrite(r, DispiRegisters.INDEX_Y_OFFSET, 10);
        assertEquals(4096, r.mode().stride());
        assertEquals(40960, r.mode().offset());
        dispiWrite(r, DispiRegisters.INDEX_BPP, 24);
        assertNull(r.mode(), "24 bpp is not a bochs-display format");
        dispiWrite(r, DispiRegisters.INDEX_BPP, 16);
        dispiWrite(r, DispiRegisters.INDEX_YRES, 60000);
        assertNull(r.mode(), "a mode larger than video memory shows nothing");
        assertEquals(0xffff, r.read(0x500 + 2 * 11, 2), "past the register file");
        assertEquals(8, r.read(0x600, 4));
        assertEquals(0x1e1e1e1eL, r.read(0x604, 4));
        r.write(0x604, 4, 0xbebebebeL);
        assertEquals(0xbebebebeL, r.read(0x604, 4));
        r.write(0x604, 4, 0x12345678);
        assertEquals(0xbebebebeL, r.read(0x604, 4), "other values leave the byte order alone");
    }

    @Test
    void edidIsAValidBaseBlock(@TempDir Path dir) throws Exception {
        byte[] e = Edid.generate();
        int sum = 0;
        for (int i = 0; i < 128; i++) sum += e[i] & 0xff;
        assertEquals(0, sum & 0xff, "checksum");
        DispiRegisters r = new DispiRegisters(16L << 20);
        assertEquals(0x00ffffffffffff00L, Long.reverseBytes(r.read(0, 8)), "EDID header readable at BAR2+0");
        boolean have = Files.isExecutable(Path.of("/usr/bin/edid-decode"));
        if (!have && "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("edid-decode is required (MULTIOS_REQUIRE_ORACLES=1)");
        Assumptions.assumeTrue(have, "edid-decode not installed");
        Path f = dir.resolve("edid.bin");
        Files.write(f, java.util.Arrays.copyOf(e, 128));
        Process p = new ProcessBuilder("edid-decode", "--check", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Manufacturer: MOS") && out.contains("1024x768") && out.contains("'MultiOS'"), out);
    }

    // ------------------------------------------------------------------ the 2D engine

    private static final long RING = GUEST + 0x1000;

    private void startRing() {
        engine.write(REG_RING_LO, 4, RING);
        engine.write(REG_RING_HI, 4, RING >>> 32);
        engine.write(REG_RING_LOG2, 4, 6);
        engine.write(REG_IRQ_ENABLE, 4, IRQ_FENCE | IRQ_ERROR);
        engine.write(REG_CONTROL, 4, CONTROL_RUN);
    }

    private ByteBuffer command(int op, int rop, int format, int flags) {
        ByteBuffer b = ByteBuffer.wrap(guest.ram, (int) (RING - GUEST) + tail * COMMAND_BYTES, COMMAND_BYTES).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < COMMAND_BYTES; i++) b.put(i, (byte) 0);
        b.put(0, (byte) op).put(1, (byte) rop).put(2, (byte) format).put(3, (byte) flags);
        tail++;
        return b;
    }

    private static void rect(ByteBuffer c, int w, int h, long dst, int pitch, int x, int y) {
        c.putInt(4, w).putInt(8, h).putLong(16, dst).putInt(24, pitch).putInt(28, x).putInt(32, y);
    }

    private static void source(ByteBuffer c, long src, int pitch, int x, int y) {
        c.putInt(36, pitch).putLong(40, src).putInt(48, x).putInt(52, y);
    }

    private void submitAndWait() {
        engine.write(REG_TAIL, 4, tail);
        for (int i = 0; i < 1000 && engine.read(REG_HEAD, 4) != tail && engine.read(REG_ERROR, 4) == 0; i++) {
            clock.advanceTo(clock.nextDeadline());
            clock.fireDue();
        }
    }

    @Test
    void fillCopyAndRopBlitDrawWhatTheyShould() {
        startRing();
        ByteBuffer fill = command(OP_FILL, 0, 32, 0);
        rect(fill, 100, 50, 0, 2560, 10, 20);
        fill.putInt(12, 0x00ff0000);
        // Copy the red block down-right so it overlaps itself: the result must be the block moved, not smeared.
        ByteBuffer copy = command(OP_COPY, 0, 32, 0);
        rect(copy, 100, 50, 0, 2560, 15, 25);
        source(copy, 0, 2560, 10, 20);
        // XOR a 2x2 guest-memory image onto (200, 200).
        long img = GUEST + 0x8000;
        ByteBuffer gi = ByteBuffer.wrap(guest.ram).order(ByteOrder.LITTLE_ENDIAN);
        gi.putInt((int) (img - GUEST), 0x0000ff).putInt((int) (img - GUEST) + 4, 0x00ff00).putInt((int) (img - GUEST) + 8, 0xffffff).putInt((int) (img - GUEST) + 12, 0);
        ByteBuffer pre = command(OP_FILL, 0, 32, 0);
        rect(pre, 2, 2, 0, 2560, 200, 200);
        pre.putInt(12, 0x00101010);
        ByteBuffer blit = command(OP_BLIT, Rop3.SRCINVERT, 32, FLAG_SRC_GUEST);
        rect(blit, 2, 2, 0, 2560, 200, 200);
        source(blit, img, 8, 0, 0);
        ByteBuffer fence = command(OP_FENCE, 0, 0, FLAG_FENCE_IRQ | FLAG_FENCE_WRITE);
        fence.putLong(40, GUEST + 0x100).putLong(56, 0x1234_5678_9abcL);
        submitAndWait();

        assertEquals(0, engine.read(REG_ERROR, 4));
        DisplayMode m = new DisplayMode(640, 480, 4, 2560, 0, false);
        assertEquals(0xff0000, m.rgb(vram, 10, 20), "corner the copy did not cover keeps the fill");
        assertEquals(0xff0000, m.rgb(vram, 114, 74), "bottom-right of the moved block");
        assertEquals(0, m.rgb(vram, 115, 75), "just outside it");
        assertEquals(0, m.rgb(vram, 110, 20), "right of the original block, above the copy");
        assertEquals(0x1010ef, m.rgb(vram, 200, 200));
        assertEquals(0x10ef10, m.rgb(vram, 201, 200));
        assertEquals(0xefefef, m.rgb(vram, 200, 201));
        assertEquals(0x101010, m.rgb(vram, 201, 201));
        assertEquals(0x1234_5678_9abcL, guest.read64(GUEST + 0x100), "fence value written to memory");
        assertEquals(0x5678_9abcL, engine.read(REG_FENCE, 4));
        assertTrue(guest.irq, "fence interrupt");
        engine.write(REG_IRQ_STATUS, 4, IRQ_FENCE);
        assertFalse(guest.irq, "write-1-to-clear lowers the line");
        assertEquals(5, engine.commandsDone());
    }

    @Test
    void workTakesVirtualTimeProportionalToPixels() {
        startRing();
        ByteBuffer fill = command(OP_FILL, 0, 32, 0);
        rect(fill, 1024, 768, 0, 4096, 0, 0);
        fill.putInt(12, -1);
        ByteBuffer fence = command(OP_FENCE, 0, 0, FLAG_FENCE_IRQ);
        fence.putLong(56, 7);
        engine.write(REG_TAIL, 4, tail);
        assertEquals(0, engine.read(REG_FENCE, 4), "nothing happens without time passing");
        long start = clock.nanos();
        submitAndWait();
        assertEquals(7, engine.read(REG_FENCE, 4));
        long took = clock.nanos() - start;
        assertTrue(took >= 1024L * 768 * PICOS_PER_PIXEL / 1000, "a full-screen fill took " + took + " ns of virtual time");
    }

    @Test
    void everyRop3MatchesItsTruthTable() {
        int p = 0xf0f0f0f0, s = 0xcccccccc, d = 0xaaaaaaaa;
        for (int rop = 0; rop < 256; rop++) assertEquals(rop * 0x01010101, Rop3.apply(rop, p, s, d), "rop " + rop);
    }

    @Test
    void badCommandsStopTheEngineWithAnErrorInterrupt() {
        startRing();
        command(0x77, 0, 32, 0);
        submitAndWait();
        assertEquals(ERR_OPCODE, engine.read(REG_ERROR, 4));
        assertEquals(0, engine.read(REG_ERROR_AT, 4));
        assertTrue(guest.irq);
        assertEquals(STATUS_ERROR | STATUS_IDLE | STATUS_RUNNING, engine.read(REG_STATUS, 4));

        engine.write(REG_CONTROL, 4, CONTROL_RESET);
        tail = 0;
        startRing();
        ByteBuffer huge = command(OP_FILL, 0, 32, 0);
        rect(huge, 4096, 4096, 0, 16384, 0, 0); // 64 MiB: past the 16 MiB of video memory
        submitAndWait();
        assertEquals(ERR_BOUNDS, engine.read(REG_ERROR, 4));

        engine.write(REG_CONTROL, 4, CONTROL_RESET);
        tail = 0;
        startRing();
        ByteBuffer wild = command(OP_BLIT, Rop3.SRCCOPY, 32, FLAG_SRC_GUEST);
        rect(wild, 4, 4, 0, 64, 0, 0);
        source(wild, 0x1000, 16, 0, 0); // not RAM
        submitAndWait();
        assertEquals(ERR_DMA, engine.read(REG_ERROR, 4));

        engine.write(REG_CONTROL, 4, CONTROL_RESET);
        engine.write(REG_RING_LOG2, 4, 40);
        engine.write(REG_CONTROL, 4, CONTROL_RUN);
        engine.write(REG_TAIL, 4, 1);
        assertEquals(ERR_RING, engine.read(REG_ERROR, 4), "an impossible ring size is refused at once");
    }

    @Test
    void garbageRegisterWritesNeverThrow() {
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 20000; i++) {
            int size = 1 << r.nextInt(4);
            engine.write(r.nextInt(0x1000), size, r.nextLong());
            if (r.nextInt(50) == 0) {
                clock.advanceTo(clock.nanos() + 1_000_000);
                clock.fireDue();
            }
        }
        DispiRegisters regs = new DispiRegisters(4L << 20);
        for (int i = 0; i < 20000; i++) regs.write(r.nextInt(0x1000), 1 << r.nextInt(4), r.nextLong());
        regs.mode();
    }

    @Test
    void pngScreenshotHoldsThePixels(@TempDir Path dir) throws Exception {
        DisplayMode m = new DisplayMode(64, 64, 4, 256, 0, false);
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) vram.write32((long) y * 256 + x * 4L, (x * 4) << 16 | (y * 4) << 8 | 0x80);
        Path f = dir.resolve("s.png");
        PngScreenshot.write(m, vram, f);
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(64, img.getWidth());
        for (int y = 0; y < 64; y += 7) for (int x = 0; x < 64; x += 5)
            assertEquals((x * 4) << 16 | (y * 4) << 8 | 0x80, img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
        DisplayMode rgb565 = new DisplayMode(64, 64, 2, 128, 0, false);
        vram.write16(0, 0xf800);
        assertEquals(0xff0000, rgb565.rgb(vram, 0, 0), "r5g6b5 expands to full-scale red");
    }
}
