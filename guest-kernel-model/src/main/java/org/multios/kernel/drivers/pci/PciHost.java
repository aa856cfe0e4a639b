package org.multios.kernel.drivers.pci;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.dt.FdtException;
import org.multios.kernel.dt.FdtNode;
import org.multios.kernel.dt.FdtReader;

/**
 * A "generic ECAM" PCI Express host as the device tree describes it ({@code pci-host-ecam-generic}):
 * configuration space through the ECAM window (offset = bus&lt;&lt;20 | dev&lt;&lt;15 | fn&lt;&lt;12 | reg), and the
 * CPU windows of {@code ranges} that BARs are placed into. Every access is an MMIO access on the bus,
 * as a kernel's would be.
 */
public final class PciHost {
    /** Address spaces of a {@code ranges} entry (phys.hi bits 24-25, IEEE 1275 PCI binding). */
    public enum Space { CONFIG, IO, MEM32, MEM64 }

    /** One window: PCI address {@code pciBase} appears at CPU address {@code cpuBase}. */
    public record Window(Space space, boolean prefetchable, long pciBase, long cpuBase, long size) {}

    private final PhysicalBus bus;
    private final long ecamBase;
    private final int firstBus, lastBus;
    private final List<Window> windows;
    private final long[] nextFree;

    public PciHost(PhysicalBus bus, long ecamBase, int firstBus, int lastBus, List<Window> windows) {
        this.bus = bus;
        this.ecamBase = ecamBase;
        this.firstBus = firstBus;
        this.lastBus = lastBus;
        this.windows = List.copyOf(windows);
        this.nextFree = new long[this.windows.size()];
        for (int i = 0; i < nextFree.length; i++) nextFree[i] = this.windows.get(i).pciBase();
    }

    /** The hosts the device tree declares (usually one); an unusable node is an {@link FdtException}. */
    public static List<PciHost> fromDeviceTree(PhysicalBus bus, FdtReader dt) {
        List<PciHost> hosts = new ArrayList<>();
        for (FdtNode n : dt.findCompatible("pci-host-ecam-generic")) {
            if (!n.enabled()) continue;
            List<FdtNode.Reg> reg = n.reg();
            if (reg.isEmpty()) throw new FdtException(n.path() + ": no reg (ECAM window)");
            int[] range = n.cells("bus-range");
            int first = range != null && range.length == 2 ? range[0] : 0;
            int last = range != null && range.length == 2 ? range[1] : (int) Math.min(255, (reg.get(0).size() >>> 20) - 1);
            hosts.add(new PciHost(bus, reg.get(0).address(), first, last, windows(n)));
        }
        return hosts;
    }

    /** Decodes {@code ranges}: 3 PCI address cells, the parent's address cells, 2 size cells. */
    static List<Window> windows(FdtNode n) {
        int[] c = n.cells("ranges");
        List<Window> out = new ArrayList<>();
        if (c == null) return out;
        int pac = n.parent() == null ? 2 : n.parent().addressCells();
        int sc = n.sizeCells();
        int stride = 3 + pac + sc;
        if (c.length % stride != 0) throw new FdtException(n.path() + ": ranges of " + c.length + " cells is not a multiple of " + stride);
        for (int i = 0; i < c.length; i += stride) {
            int hi = c[i];
            Space s = Space.values()[(hi >>> 24) & 3];
            boolean prefetch = (hi & 0x4000_0000) != 0;
            long pci = FdtNode.join(c, i + 1, 2);
            long cpu = FdtNode.join(c, i + 3, pac);
            long size = FdtNode.join(c, i + 3 + pac, sc);
            out.add(new Window(s, prefetch, pci, cpu, size));
        }
        return out;
    }

    public List<Window> windows() { return windows; }
    public long ecamBase() { return ecamBase; }

    long configAddress(int b, int d, int f, int reg) {
        return ecamBase + ((long) (b - firstBus) << 20) + ((long) d << 15) + ((long) f << 12) + reg;
    }

    public int read32(int b, int d, int f, int reg) { return (int) bus.read(configAddress(b, d, f, reg), 4); }
    public int read16(int b, int d, int f, int reg) { return (int) bus.read(configAddress(b, d, f, reg), 2) & 0xffff; }
    public int read8(int b, int d, int f, int reg) { return (int) bus.read(configAddress(b, d, f, reg), 1) & 0xff; }
    public void write32(int b, int d, int f, int reg, int v) { bus.write(configAddress(b, d, f, reg), 4, v & 0xffff_ffffL); }
    public void write16(int b, int d, int f, int reg, int v) { bus.write(configAddress(b, d, f, reg), 2, v & 0xffff); }

    public PhysicalBus bus() { return bus; }

    /**
     * Enumerates the functions of the root bus (MultiOS's hosts have no bridges below them): a vendor
     * ID of FFFFh means "no function"; functions 1-7 are probed only on multi-function devices.
     */
    public List<PciDevice> scan() {
        List<PciDevice> found = new ArrayList<>();
        int b = firstBus;
        for (int d = 0; d < 32; d++) {
            for (int f = 0; f < 8; f++) {
                int id = read32(b, d, f, PciDevice.VENDOR_ID);
                if ((id & 0xffff) == 0xffff) {
                    if (f == 0) break;
                    continue;
                }
                found.add(new PciDevice(this, b, d, f));
                if (f == 0 && (read8(b, d, 0, PciDevice.HEADER_TYPE) & 0x80) == 0) break;
            }
        }
        return found;
    }

    /**
     * A CPU address for a BAR of {@code size} bytes (a power of two, aligned to its size) in a window
     * of the right kind. As Linux does, only prefetchable 64-bit BARs go above 4 GiB (the 64-bit
     * window); everything else, 64-bit register BARs included, takes the 32-bit window first. Returns
     * the PCI address to program, or -1 when no window has room.
     */
    long allocate(Space kind, boolean prefetchable, long size) {
        List<Space> order = kind == Space.MEM64 && prefetchable ? List.of(Space.MEM64, Space.MEM32)
                : kind == Space.MEM64 ? List.of(Space.MEM32, Space.MEM64) : List.of(kind);
        for (Space s : order) {
            for (int i = 0; i < windows.size(); i++) {
                Window w = windows.get(i);
                if (w.space() != s) continue;
                long at = (nextFree[i] + size - 1) & -size;
                if (at + size <= w.pciBase() + w.size()) {
                    nextFree[i] = at + size;
                    return at;
                }
            }
        }
        return -1;
    }

    /** Keeps later assignments clear of a BAR the firmware already placed. */
    void reserve(long pciAddress, long size) {
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (pciAddress >= w.pciBase() && pciAddress < w.pciBase() + w.size() && pciAddress + size > nextFree[i]) nextFree[i] = pciAddress + size;
        }
    }

    /** The CPU address a PCI memory address is seen at (identity on the virt boards). */
    long toCpu(long pciAddress) {
        for (Window w : windows) {
            if (w.space() != Space.IO && pciAddress >= w.pciBase() && pciAddress < w.pciBase() + w.size()) return w.cpuBase() + (pciAddress - w.pciBase());
        }
        return pciAddress;
    }
}
