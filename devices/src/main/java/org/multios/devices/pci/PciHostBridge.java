package org.multios.devices.pci;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.MmioDevice;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.irq.InterruptLine;

/**
 * A PCI Express root complex of the "generic ECAM host" kind (QEMU's gpex): one root
 * bus (bus 0) of functions, configuration space through {@link PciEcam}, BARs decoded
 * in the windows of {@link PciBarWindow}, the four INTx wires swizzled onto the board's
 * interrupt inputs, and MSI messages handed to an {@link MsiSink}.
 * <p>
 * Function 00:00.0 is the host bridge itself ({@link PciHostBridgeFunction}).
 * Board-neutral: the board chooses addresses ({@link PciHostLayout}), interrupt inputs
 * and the MSI sink, then calls {@link #attachTo} and {@link PciDeviceTree#write}.
 */
public final class PciHostBridge {
    public static final int DEVICES = 32, FUNCTIONS = 8;

    private final PhysicalBus bus;
    private final InterruptLine[] intx;
    private final MsiSink msi;
    private final PciFunction[] functions = new PciFunction[DEVICES * FUNCTIONS];
    private final int[] intxCount = new int[4];
    private final List<PciBarWindow> windows = new ArrayList<>();
    private final PciEcam ecam = new PciEcam(this);

    /**
     * @param bus  the system bus that functions reach by DMA
     * @param intx the board's inputs for the swizzled INTA..INTD wires (4 entries)
     * @param msi  where MSI/MSI-X messages go ({@link MsiSink#NONE} if the board has no MSI controller)
     */
    public PciHostBridge(PhysicalBus bus, InterruptLine[] intx, MsiSink msi) {
        if (intx.length != 4) throw new IllegalArgumentException("a PCI host bridge has 4 INTx inputs");
        this.bus = bus;
        this.intx = intx.clone();
        this.msi = msi;
        plug(0, 0, new PciHostBridgeFunction());
    }

    PhysicalBus systemBus() { return bus; }

    MsiSink msiSink() { return msi; }

    /** Puts {@code f} at slot {@code device}, function {@code function} of bus 0. */
    public void plug(int device, int function, PciFunction f) {
        if (device < 0 || device >= DEVICES || function < 0 || function >= FUNCTIONS) {
            throw new IllegalArgumentException("no PCI slot " + device + "." + function);
        }
        int i = device * FUNCTIONS + function;
        if (functions[i] != null) throw new IllegalArgumentException(String.format("PCI slot 00:%02x.%x is taken", device, function));
        functions[i] = f;
        f.plugIn(this, device, function);
        // A multi-function device says so in function 0's header type.
        int multi = 0;
        for (int fn = 1; fn < FUNCTIONS; fn++) if (functions[device * FUNCTIONS + fn] != null) multi = 0x80;
        PciFunction f0 = functions[device * FUNCTIONS];
        if (f0 != null) {
            f0.config.set8(PciRegister.HEADER_TYPE, multi);
            f0.config.sealResetState();
        }
        remapBars();
    }

    /** Plugs {@code f} as function 0 of the first free slot; returns the slot number. */
    public int plug(PciFunction f) {
        for (int d = 1; d < DEVICES; d++) {
            if (functions[d * FUNCTIONS] == null) {
                plug(d, 0, f);
                return d;
            }
        }
        throw new IllegalStateException("no free PCI slot");
    }

    /** The function at bus 0, or null (absent, reads as all-ones). Function 1-7 need function 0. */
    public PciFunction function(int busNumber, int device, int function) {
        if (busNumber != 0 || device < 0 || device >= DEVICES || function < 0 || function >= FUNCTIONS) return null;
        if (functions[device * FUNCTIONS] == null) return null;
        return functions[device * FUNCTIONS + function];
    }

    public List<PciFunction> functions() {
        List<PciFunction> l = new ArrayList<>();
        for (PciFunction f : functions) if (f != null) l.add(f);
        return l;
    }

    /** The ECAM configuration window device (map it at the layout's ECAM base). */
    public PciEcam ecam() { return ecam; }

    /** Creates a window that decodes BARs of the given space; {@code busBase} is the PCI address at offset 0. */
    public PciBarWindow window(boolean io, long busBase, long size) {
        PciBarWindow w = new PciBarWindow(this, io, busBase, size);
        windows.add(w);
        w.remap();
        return w;
    }

    /** Maps ECAM and the I/O, 32-bit and 64-bit memory windows of {@code layout} on {@code target}. */
    public void attachTo(PhysicalBus target, PciHostLayout layout) {
        target.addMmio("pci-ecam", layout.ecamBase(), layout.ecamSize(), ecam);
        if (layout.ioSize() > 0) target.addMmio("pci-io", layout.ioBase(), layout.ioSize(), window(true, 0, layout.ioSize()));
        target.addMmio("pci-mmio", layout.mmioBase(), layout.mmioSize(), window(false, layout.mmioBase(), layout.mmioSize()));
        if (layout.mmioHighSize() > 0) {
            target.addMmio("pci-mmio-high", layout.mmioHighBase(), layout.mmioHighSize(),
                    window(false, layout.mmioHighBase(), layout.mmioHighSize()));
        }
    }

    /** Recomputes which BARs decode where (after command or BAR writes). */
    void remapBars() {
        for (PciBarWindow w : windows) w.remap();
    }

    /** INTx swizzle on the root bus, as QEMU's virt boards wire it: wire = (pin - 1 + device) mod 4. */
    public static int intxWire(int device, int pin) { return (pin - 1 + device) & 3; }

    void intxChanged(PciFunction f, boolean asserted) {
        int wire = intxWire(f.deviceNumber(), f.interruptPin());
        boolean before = intxCount[wire] > 0;
        intxCount[wire] += asserted ? 1 : -1;
        boolean after = intxCount[wire] > 0;
        if (before != after) intx[wire].set(after);
    }

    /** Conventional reset of the hierarchy: every function returns to power-on state. */
    public void reset() {
        for (PciFunction f : functions) if (f != null) f.reset();
    }

    /** Mapped BARs, for windows: function, BAR index, bus address, size. */
    record Mapping(PciFunction function, PciBar bar, long address) {
        MmioDevice handler() { return bar.handler(); }
    }

    List<Mapping> mappings(boolean io) {
        List<Mapping> l = new ArrayList<>();
        for (PciFunction f : functions) {
            if (f == null) continue;
            for (int i = 0; i < 6; i++) {
                PciBar b = f.bar(i);
                if (b == null || (b.kind() == PciBar.Kind.IO) != io || !f.barEnabled(i)) continue;
                l.add(new Mapping(f, b, f.barAddress(i)));
            }
        }
        return l;
    }
}
