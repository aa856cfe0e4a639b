package org.multios.devices.display;

import org.multios.core.time.VirtualClock;
import org.multios.devices.pci.MsiCapability;
import org.multios.devices.pci.PciBar;
import org.multios.devices.pci.PciExpressCapability;
import org.multios.devices.pci.PciFunction;

/**
 * The MultiOS display: a PCI function register-compatible with QEMU's {@code bochs-display}
 * (vendor 1234h, device 1111h, class 0380h "other display controller", revision 2), so firmware
 * and kernel drivers written for that device work unchanged:
 * <ul>
 *   <li>BAR 0: the linear framebuffer (prefetchable, 16 MiB by default);</li>
 *   <li>BAR 2: 4 KiB of registers — EDID, Bochs VBE DISPI at 0x500, QEMU extensions at 0x600;</li>
 * </ul>
 * plus, as our extension in a BAR bochs-display leaves unused, BAR 4: the {@link Engine2d} 2D
 * engine with its command ring, interrupting through INTA# or MSI.
 */
public final class BochsDisplayFunction extends PciFunction implements Engine2d.Host {
    public static final int VENDOR_QEMU = 0x1234, DEVICE_VGA = 0x1111, CLASS_DISPLAY_OTHER = 0x038000;
    public static final long DEFAULT_VRAM = 16L << 20;
    public static final int MMIO_SIZE = 0x1000, ENGINE_SIZE = 0x1000;

    private final Vram vram;
    private final DispiRegisters dispi;
    private final Engine2d engine;
    private final MsiCapability msi;
    private boolean irqLevel;

    public BochsDisplayFunction(VirtualClock clock, long vramBytes) {
        super(VENDOR_QEMU, DEVICE_VGA, CLASS_DISPLAY_OTHER, 2);
        if (vramBytes < 4L << 20 || vramBytes > 256L << 20) throw new IllegalArgumentException("display memory must be 4..256 MiB: " + vramBytes);
        long size = Long.highestOneBit(vramBytes - 1) << 1; // rounded up to a power of two, as QEMU does
        vram = new Vram(size);
        dispi = new DispiRegisters(size);
        engine = new Engine2d(clock, vram, this);
        setSubsystem(0x1af4, 0x1100);
        setInterruptPin(1);
        addBar(new PciBar(0, PciBar.Kind.MEMORY32, size, true, vram));
        addBar(new PciBar(2, PciBar.Kind.MEMORY32, MMIO_SIZE, false, dispi));
        addBar(new PciBar(4, PciBar.Kind.MEMORY32, ENGINE_SIZE, false, engine));
        msi = addCapability(new MsiCapability(0));
        addCapability(new PciExpressCapability());
    }

    public BochsDisplayFunction(VirtualClock clock) { this(clock, DEFAULT_VRAM); }

    public Vram vram() { return vram; }
    public DispiRegisters registers() { return dispi; }
    public Engine2d engine() { return engine; }

    /** The current picture, or null when the display is off (a blank screen). */
    public DisplayMode mode() { return dispi.mode(); }

    /** The engine's interrupt: an MSI message on each rising edge when MSI is on, else the INTA# level. */
    @Override
    public void interrupt(boolean level) {
        boolean rising = level && !irqLevel;
        irqLevel = level;
        if (msi.isEnabled()) {
            setIntx(false);
            if (rising) msi.notify(0);
        } else {
            setIntx(level);
        }
    }

    @Override
    protected void resetDevice() {
        vram.reset();
        dispi.reset();
        engine.reset();
        irqLevel = false;
    }
}
