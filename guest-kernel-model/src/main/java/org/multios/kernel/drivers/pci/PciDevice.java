package org.multios.kernel.drivers.pci;

/**
 * One PCI function as the kernel sees it through configuration space: identity, class, and its
 * memory BARs (sized by the all-ones probe of the PCI Local Bus spec, 6.2.5.1), placed where the
 * firmware put them or, when unassigned, into a host window.
 */
public final class PciDevice {
    public static final int VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06, CLASS_REV = 0x08,
            HEADER_TYPE = 0x0e, BAR0 = 0x10, INTERRUPT_PIN = 0x3d;
    public static final int CMD_IO = 1, CMD_MEMORY = 2, CMD_BUS_MASTER = 4, CMD_INTX_DISABLE = 0x400;

    /** A decoded memory BAR: CPU address and size. */
    public record Bar(int index, long cpuAddress, long size, boolean is64, boolean prefetchable) {}

    private final PciHost host;
    public final int bus, device, function;

    PciDevice(PciHost host, int bus, int device, int function) {
        this.host = host;
        this.bus = bus;
        this.device = device;
        this.function = function;
    }

    public int vendorId() { return host.read16(bus, device, function, VENDOR_ID); }
    public int deviceId() { return host.read16(bus, device, function, DEVICE_ID); }
    /** Base class, sub-class and programming interface (bits 23-0 of register 08h >> 8). */
    public int classCode() { return host.read32(bus, device, function, CLASS_REV) >>> 8; }
    public int command() { return host.read16(bus, device, function, COMMAND); }
    public void setCommand(int v) { host.write16(bus, device, function, COMMAND, v); }

    /** Configuration-space reads at any offset (capability lists, vendor capabilities). */
    public int config8(int reg) { return host.read8(bus, device, function, reg); }
    public int config16(int reg) { return host.read16(bus, device, function, reg); }
    public int config32(int reg) { return host.read32(bus, device, function, reg); }
    /** The host bridge this function sits behind. */
    public PciHost host() { return host; }

    public String address() { return String.format("%02x:%02x.%x", bus, device, function); }

    /**
     * BAR {@code index} (memory BARs only): sized with memory decoding off, kept where the firmware
     * placed it, assigned from a host window when its address is zero. Null when the BAR is absent
     * or an I/O BAR.
     */
    public Bar memoryBar(int index) {
        int reg = BAR0 + 4 * index;
        int lo = host.read32(bus, device, function, reg);
        if ((lo & 1) != 0) return null; // I/O space
        boolean is64 = ((lo >>> 1) & 3) == 2, prefetch = (lo & 8) != 0;
        int cmd = command();
        setCommand(cmd & ~(CMD_MEMORY | CMD_IO)); // no decoding while the BAR reads back as a mask
        try {
            host.write32(bus, device, function, reg, -1);
            long mask = host.read32(bus, device, function, reg) & 0xffff_fff0L;
            long hi = 0;
            if (is64) {
                hi = host.read32(bus, device, function, reg + 4) & 0xffff_ffffL;
                host.write32(bus, device, function, reg + 4, -1);
                mask |= (host.read32(bus, device, function, reg + 4) & 0xffff_ffffL) << 32;
                host.write32(bus, device, function, reg + 4, (int) hi);
            } else {
                mask |= 0xffff_ffff_0000_0000L;
            }
            host.write32(bus, device, function, reg, lo);
            if ((mask & 0xffff_ffffL) == 0 && !is64) return null;
            long size = -mask;
            if (size <= 0 || Long.bitCount(size) != 1) return null;
            long address = (lo & 0xffff_fff0L) | (hi << 32);
            if (address == 0) {
                address = host.allocate(is64 ? PciHost.Space.MEM64 : PciHost.Space.MEM32, prefetch, size);
                if (address < 0) throw new IllegalStateException("PCI " + address() + ": no window has room for BAR " + index + " (" + size + " bytes)");
                host.write32(bus, device, function, reg, (int) address | (lo & 0xf));
                if (is64) host.write32(bus, device, function, reg + 4, (int) (address >>> 32));
            } else {
                host.reserve(address, size);
            }
            return new Bar(index, host.toCpu(address), size, is64, prefetch);
        } finally {
            setCommand(cmd);
        }
    }

    /** Memory decoding and bus mastering on (the device may then DMA), legacy INTx off when {@code polled}. */
    public void enable(boolean polled) {
        int cmd = command() | CMD_MEMORY | CMD_BUS_MASTER;
        if (polled) cmd |= CMD_INTX_DISABLE;
        setCommand(cmd);
    }

    @Override
    public String toString() { return String.format("%s [%04x:%04x] class %06x", address(), vendorId(), deviceId(), classCode()); }
}
