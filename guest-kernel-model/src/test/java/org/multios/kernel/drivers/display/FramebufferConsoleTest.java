package org.multios.kernel.drivers.display;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.fdt.FdtWriter;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.display.BochsDisplayFunction;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciDeviceTree;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.arch.riscv.RiscvPort;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.fs.DevFs;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.DeviceMappable;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The display driver, console and /dev/fb0 against the emulated device on the riscv64-virt PCI host
 * (no CPU running: the kernel code runs on the test thread, as inside a native call). Pixels are
 * read back from the device's video memory.
 */
class FramebufferConsoleTest {
    static final long RAM = 0x8000_0000L, RAM_SIZE = 32L << 20;
    static final int FG = FramebufferConsole.PALETTE[7], BG = 0;

    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram = bus.addRam("ram", RAM, RAM_SIZE);
    final VirtualClock clock = new VirtualClock();
    final BochsDisplayFunction device = new BochsDisplayFunction(clock);
    final Kernel kernel;

    FramebufferConsoleTest() {
        InterruptLine[] lines = new InterruptLine[4];
        for (int i = 0; i < 4; i++) lines[i] = level -> {};
        PciHostBridge bridge = new PciHostBridge(bus, lines, MsiSink.NONE);
        bridge.attachTo(bus, PciHostLayout.riscvVirt());
        bridge.plug(2, 0, device);
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        PageFrameAllocator frames = new PageFrameAllocator(RAM, RAM_SIZE, 0);
        TmpFs.Dir root = new TmpFs("tmpfs").root();
        kernel = new Kernel(new RiscvPort(RvCpu.create(bus, clock), mem, frames), clock, mem, frames, new Vfs(root),
                new PrintStream(new ByteArrayOutputStream(), true), 0, 1);
        root.attach("dev", new DevFs(new java.util.SplittableRandom(1), f -> { throw new IllegalStateException(); }).root());
    }

    FdtReader deviceTree() {
        FdtWriter w = new FdtWriter();
        w.beginNode("");
        w.propU32("#address-cells", 2);
        w.propU32("#size-cells", 2);
        w.beginNode("soc");
        w.propU32("#address-cells", 2);
        w.propU32("#size-cells", 2);
        PciDeviceTree.writeForPlic(w, PciHostLayout.riscvVirt(), 3, PciHostLayout.RISCV_VIRT_FIRST_IRQ);
        w.endNode();
        w.endNode();
        return FdtReader.parse(w.finish());
    }

    int pixel(KernelDisplay d, int x, int y) { return device.vram().read32((long) y * d.driver().stride() + 4L * x) & 0xffffff; }

    /** Cell (col, row) of the text area shows c in fg on bg exactly as the font draws it. */
    boolean cell(KernelDisplay d, int col, int row, char c, int fg, int bg) {
        int top = d.console().top();
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 8; x++)
                if (pixel(d, col * 8 + x, top + row * 16 + y) != (ConsoleFont.builtIn().pixel(c, x, y) ? fg : bg)) return false;
        return true;
    }

    @Test
    void modeLogoTextColoursAndCursorControls() {
        KernelDisplay d = KernelDisplay.start(kernel, deviceTree(), "console=ttyS0");
        assertNotNull(d);
        assertEquals(1024, device.mode().width());
        assertEquals(768, device.mode().height());
        assertEquals(4, device.mode().bytesPerPixel());
        assertTrue(d.console().usesEngine());
        assertEquals(128, d.console().columns());
        assertEquals(44, d.console().rows());
        assertEquals(0xffffff, pixel(d, 8 + 5, 8 + 5), "the logo's M");

        FramebufferConsole c = d.console();
        c.write("Hi\r\n\u001b[31mR\u001b[1mB\u001b[0m\u001b[44mx\u001b[0m\tT");
        assertTrue(cell(d, 0, 0, 'H', FG, BG));
        assertTrue(cell(d, 1, 0, 'i', FG, BG));
        assertFalse(cell(d, 1, 0, 'j', FG, BG));
        assertTrue(cell(d, 0, 1, 'R', FramebufferConsole.PALETTE[1], BG));
        assertTrue(cell(d, 1, 1, 'B', FramebufferConsole.PALETTE[9], BG), "bold red is bright red");
        assertTrue(cell(d, 2, 1, 'x', FG, FramebufferConsole.PALETTE[4]));
        assertTrue(cell(d, 8, 1, 'T', FG, BG), "TAB to column 8");
        assertEquals(9, c.cursorColumn());
        c.write("\bZ");
        assertTrue(cell(d, 8, 1, 'Z', FG, BG), "BS moves back one cell");

        c.write("\u001b[5;10HP\u001b[2;3H\u001b[K");
        assertTrue(cell(d, 9, 4, 'P', FG, BG), "CSI 5;10 H is row 5 column 10 (1-based)");
        assertEquals('R', c.charAt(0, 1));
        assertEquals('B', c.charAt(1, 1));
        assertEquals(' ', c.charAt(2, 1), "CSI K erased to the end of the line");
        c.write("\u001b[2J");
        assertEquals(' ', c.charAt(9, 4));
        assertTrue(cell(d, 0, 0, ' ', FG, BG));

        // deferred wrap at the last column: the 129th character starts the next line
        c.write("\u001b[H" + "w".repeat(128) + "Q");
        assertEquals('w', c.charAt(127, 0));
        assertEquals('Q', c.charAt(0, 1));
        // unknown and private sequences are consumed without output
        c.write("\u001b[?25l\u001b[38;5;200m\u001b(BY");
        assertEquals('Y', c.charAt(1, 1));
    }

    @Test
    void engineScrollingEqualsCpuScrolling() {
        String text = text(80);
        KernelDisplay a = KernelDisplay.start(kernel, deviceTree(), "video=640x480");
        assertEquals(640, device.mode().width());
        a.console().write(text);
        assertTrue(a.console().engineScrolls() > 0 && a.console().engineScrolls() == a.console().scrolls(), "the engine scrolled");
        int[] byEngine = device.mode().capture(device.vram());

        KernelDisplay b = KernelDisplay.start(kernel, deviceTree(), "video=640x480");
        b.console().useCpuCopies();
        b.console().write(text);
        assertEquals(0, b.console().engineScrolls());
        assertTrue(b.console().scrolls() > 0);
        int[] byCpu = device.mode().capture(device.vram());
        assertArrayEquals(byEngine, byCpu, "the engine's COPY + FILL give the CPU copies' picture");
        // the last lines are on the screen, the first scrolled away
        int rows = b.console().rows();
        assertEquals("line 79 " + "x".repeat(79 % 30), rowText(b.console(), rows - 2).strip());
        assertTrue(cell(b, 0, rows - 2, 'l', FG, BG));
    }

    @Test
    void fbdevInfoAndMmapBounds() {
        KernelDisplay d = KernelDisplay.start(kernel, deviceTree(), "video=800x600");
        FbDevice fb = new FbDevice(d.driver());
        ByteBuffer v = ByteBuffer.wrap(fb.varScreenInfo()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(160, v.capacity());
        assertEquals(800, v.getInt(0));
        assertEquals(600, v.getInt(4));
        assertEquals(32, v.getInt(24));
        assertEquals(16, v.getInt(32), "red offset");
        assertEquals(8, v.getInt(44), "green offset");
        assertEquals(0, v.getInt(56), "blue offset");
        ByteBuffer f = ByteBuffer.wrap(fb.fixScreenInfo()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(80, f.capacity());
        assertEquals(d.driver().framebuffer(), f.getLong(16));
        assertEquals(16 << 20, f.getInt(24));
        assertEquals(2, f.getInt(36), "TRUECOLOR");
        assertEquals(3200, f.getInt(48), "line_length");

        OpenFile file = fb.node().open(OpenFile.O_RDWR);
        DeviceMappable m = (DeviceMappable) file;
        assertEquals(d.driver().framebuffer(), m.physicalFor(0, 4096));
        assertEquals(d.driver().framebuffer() + 8192, m.physicalFor(8192, 4096));
        assertEquals(-Errno.EINVAL, m.physicalFor(16 << 20, 4096), "past the BAR");
        assertEquals(-Errno.EINVAL, m.physicalFor(0, (16 << 20) + 4096));
        // write(2) lands in video memory
        file.pwrite(4, new byte[] {0x11, 0x22, 0x33, 0}, 0, 4);
        assertEquals(0x332211, pixel(d, 1, 0));
        assertEquals(-Errno.ENOTTY, file.ioctl(0x5401, 0, null));
    }

    @Test
    void videoModeParsing() {
        assertArrayEquals(new int[] {800, 600}, KernelDisplay.videoMode("root=/dev/x video=800x600 quiet"));
        assertArrayEquals(new int[] {1280, 720}, KernelDisplay.videoMode("video=bochs-drm:1280x720-32@60"));
        assertNull(KernelDisplay.videoMode("console=ttyS0"));
        assertNull(KernelDisplay.videoMode("video=big"));
        KernelDisplay d = KernelDisplay.start(kernel, deviceTree(), "video=8000x8000");
        assertEquals(1024, d.driver().width(), "a mode too large for video memory falls back to 1024x768");
    }

    static String text(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) sb.append("\u001b[3").append(i % 8).append("mline ").append(i).append(' ').append("x".repeat(i % 30)).append("\u001b[0m\r\n");
        return sb.toString();
    }

    static String rowText(FramebufferConsole c, int row) {
        StringBuilder sb = new StringBuilder();
        for (int col = 0; col < c.columns(); col++) sb.append(c.charAt(col, row));
        return sb.toString();
    }
}
