package org.multios.kernel.drivers.display;

import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.drivers.nvme.PolledWait;
import org.multios.kernel.drivers.pci.PciDevice;
import org.multios.kernel.drivers.pci.PciHost;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * Driver for the PCI display (docs/display.md): QEMU's bochs-display programming model — the
 * framebuffer in BAR 0, the VBE DISPI registers at 0x500 of BAR 2 — plus MultiOS's 2D engine in
 * BAR 4 when present. Sets a 32 bpp (x8r8g8b8) linear mode and gives the console and /dev/fb0 the
 * framebuffer's CPU address and geometry. Every access is MMIO on the bus.
 */
public final class BochsDisplayDriver {
    public static final int VENDOR = 0x1234, DEVICE = 0x1111;
    static final int DISPI = 0x500;
    static final int INDEX_ID = 0, XRES = 1, YRES = 2, BPP = 3, ENABLE = 4, BANK = 5, VIRT_WIDTH = 6, VIRT_HEIGHT = 7,
            X_OFFSET = 8, Y_OFFSET = 9, VIDEO_MEMORY_64K = 10;
    static final int ENABLED = 0x01, LFB = 0x40;
    /** DISPI IDs of bochs VBE versions 0xB0C0-0xB0C5; anything else is not this interface. */
    static final int ID_MIN = 0xb0c0, ID_MAX = 0xb0c5;

    private final PhysicalBus bus;
    private final PciDevice pci;
    private final long fb, fbSize, regs;
    private final Engine2dRing engine;
    private int width, height, stride;

    private BochsDisplayDriver(PhysicalBus bus, PciDevice pci, long fb, long fbSize, long regs, Engine2dRing engine) {
        this.bus = bus;
        this.pci = pci;
        this.fb = fb;
        this.fbSize = fbSize;
        this.regs = regs;
        this.engine = engine;
    }

    /**
     * The first 1234:1111 function behind the hosts, started (BARs placed, decoding and bus
     * mastering on, the 2D engine reset and running when it exists); null when there is none.
     * A function whose BARs or DISPI ID are wrong is an {@link IllegalStateException}.
     */
    public static BochsDisplayDriver probe(List<PciHost> hosts, PhysicalMemory mem, PageFrameAllocator frames, PolledWait wait) {
        for (PciHost h : hosts) {
            for (PciDevice d : h.scan()) {
                if (d.vendorId() != VENDOR || d.deviceId() != DEVICE) continue;
                reserveOthers(h, d);
                PciDevice.Bar fbBar = d.memoryBar(0), regBar = d.memoryBar(2), engineBar = d.memoryBar(4);
                if (fbBar == null || regBar == null) throw new IllegalStateException("display " + d.address() + ": no framebuffer (BAR 0) or register (BAR 2) BAR");
                d.enable(true);
                PhysicalBus bus = h.bus();
                int id = (int) bus.read(regBar.cpuAddress() + DISPI + 2L * INDEX_ID, 2) & 0xffff;
                if (id < ID_MIN || id > ID_MAX) throw new IllegalStateException(String.format("display %s: DISPI ID %#x is not bochs VBE", d.address(), id));
                Engine2dRing ring = engineBar == null ? null : Engine2dRing.start(bus, engineBar.cpuAddress(), mem, frames, wait);
                return new BochsDisplayDriver(bus, d, fbBar.cpuAddress(), fbBar.size(), regBar.cpuAddress(), ring);
            }
        }
        return null;
    }

    /**
     * Each PciHost object places BARs on its own: before the display's BARs may need a place, let
     * this host learn where every other function's BARs already are (sizing a placed BAR reserves
     * it; an unplaced one gets its place now and the storage driver then finds it placed).
     */
    private static void reserveOthers(PciHost h, PciDevice display) {
        for (PciDevice o : h.scan()) {
            if (o.bus == display.bus && o.device == display.device && o.function == display.function) continue;
            for (int i = 0; i < 6; i++) {
                try {
                    PciDevice.Bar b = o.memoryBar(i);
                    if (b != null && b.is64()) i++; // the upper half is not a BAR of its own
                } catch (IllegalStateException e) {
                    // no room for someone else's BAR: their driver will say so
                }
            }
        }
    }

    /** Programs {@code w}x{@code h} at 32 bpp, unpanned; false (mode unchanged, display off) when it does not fit video memory. */
    public boolean setMode(int w, int h) {
        if (w < 64 || h < 64 || w > 4096 || h > 4096 || (long) w * h * 4 > fbSize) return false;
        dispi(ENABLE, 0); // as bochs-drm: off while the geometry changes
        dispi(XRES, w);
        dispi(YRES, h);
        dispi(BPP, 32);
        dispi(BANK, 0);
        dispi(VIRT_WIDTH, w);
        dispi(VIRT_HEIGHT, h);
        dispi(X_OFFSET, 0);
        dispi(Y_OFFSET, 0);
        dispi(ENABLE, ENABLED | LFB);
        if (dispiRead(XRES) != w || dispiRead(YRES) != h || dispiRead(BPP) != 32) return false;
        width = w;
        height = h;
        stride = w * 4;
        return true;
    }

    private void dispi(int index, int v) { bus.write(regs + DISPI + 2L * index, 2, v & 0xffff); }
    private int dispiRead(int index) { return (int) bus.read(regs + DISPI + 2L * index, 2) & 0xffff; }

    public PciDevice pci() { return pci; }
    public PhysicalBus bus() { return bus; }
    /** CPU (physical) address and size of the framebuffer BAR. */
    public long framebuffer() { return fb; }
    public long framebufferSize() { return fbSize; }
    public int width() { return width; }
    public int height() { return height; }
    /** Bytes per line. */
    public int stride() { return stride; }
    /** The 2D engine, or null (the console then scrolls with CPU copies). */
    Engine2dRing engine() { return engine; }

    public void putPixel(int x, int y, int rgb) { bus.write(fb + (long) y * stride + 4L * x, 4, rgb & 0xffffffL); }
    public int getPixel(int x, int y) { return (int) bus.read(fb + (long) y * stride + 4L * x, 4); }
}
