package org.multios.devices.pci;

import java.util.List;
import org.multios.core.bus.MmioDevice;

/**
 * A window of the CPU's address space through which the host bridge forwards accesses
 * to PCI memory (or I/O) space. The board maps it once; whenever software enables
 * decoding and programs a BAR inside the window, that BAR's register interface
 * becomes reachable here. Addresses no BAR claims end in a master abort: reads return
 * all-ones and writes are dropped.
 */
public final class PciBarWindow implements MmioDevice {
    private record Route(long start, long end, MmioDevice handler) {}

    private final PciHostBridge bridge;
    private final boolean io;
    private final long busBase;
    private final long size;
    private volatile Route[] routes = new Route[0];
    private Route last;

    PciBarWindow(PciHostBridge bridge, boolean io, long busBase, long size) {
        this.bridge = bridge;
        this.io = io;
        this.busBase = busBase;
        this.size = size;
    }

    /** PCI bus address at offset 0 of the window. */
    public long busBase() { return busBase; }

    public long size() { return size; }

    void remap() {
        List<PciHostBridge.Mapping> ms = bridge.mappings(io);
        java.util.ArrayList<Route> rs = new java.util.ArrayList<>();
        for (PciHostBridge.Mapping m : ms) {
            long start = m.address() - busBase;
            long len = m.bar().size();
            // Only a BAR wholly inside this window decodes here.
            if (Long.compareUnsigned(start, size) >= 0 || Long.compareUnsigned(start + len, size) > 0 || start + len < start) continue;
            boolean overlaps = false;
            for (Route r : rs) if (start < r.end && r.start < start + len) overlaps = true;
            if (!overlaps) rs.add(new Route(start, start + len, m.handler())); // first claimant wins, as in QEMU
        }
        routes = rs.toArray(new Route[0]);
        last = null;
    }

    private Route find(long offset, int n) {
        Route l = last;
        if (l != null && offset >= l.start && offset + n <= l.end) return l;
        for (Route r : routes) {
            if (offset >= r.start && offset + n <= r.end) {
                last = r;
                return r;
            }
        }
        return null;
    }

    @Override
    public long read(long offset, int n) {
        Route r = find(offset, n);
        if (r == null) return n >= 8 ? -1L : (1L << (8 * n)) - 1;
        return r.handler.read(offset - r.start, n);
    }

    @Override
    public void write(long offset, int n, long value) {
        Route r = find(offset, n);
        if (r != null) r.handler.write(offset - r.start, n, value);
    }
}
