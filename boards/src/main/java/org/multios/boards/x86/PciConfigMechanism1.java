package org.multios.boards.x86;

import org.multios.core.bus.MmioDevice;

/**
 * PCI configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2) at ports 0xCF8-0xCFF:
 * a 32-bit CONFIG_ADDRESS at 0xCF8 (enable, bus, device, function, register) and
 * CONFIG_DATA at 0xCFC-0xCFF, forwarded to the host bridge's ECAM decoder. A byte access
 * to 0xCF9 is the reset control register instead (Intel chipsets), writes of bit 2 with
 * bit 1 reset the system.
 */
public final class PciConfigMechanism1 implements MmioDevice {
    private final MmioDevice ecam;
    private final Runnable systemReset;
    private int address;
    private int resetControl;

    public PciConfigMechanism1(MmioDevice ecam, Runnable systemReset) {
        this.ecam = ecam;
        this.systemReset = systemReset;
    }

    private long ecamOffset(long port) {
        long bus = (address >>> 16) & 0xff, dev = (address >>> 11) & 0x1f, fn = (address >>> 8) & 7;
        return bus << 20 | dev << 15 | fn << 12 | (address & 0xfc) | (port - 4);
    }

    @Override
    public long read(long port, int size) {
        if (port == 0 && size == 4) return address & 0xffffffffL;
        if (port == 1 && size == 1) return resetControl;
        if (port >= 4) {
            if (address >= 0) return size == 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
            return ecam.read(ecamOffset(port), size);
        }
        return (1L << (8 * size)) - 1;
    }

    @Override
    public void write(long port, int size, long value) {
        if (port == 0 && size == 4) {
            address = (int) value & 0x80ff_fffc;
        } else if (port == 1 && size == 1) {
            int v = (int) value & 0xe;
            if ((v & 4) != 0 && (resetControl & 4) == 0 || (v & 6) == 6) systemReset.run();
            resetControl = v & ~4;
        } else if (port >= 4 && address < 0) {
            ecam.write(ecamOffset(port), size, value);
        }
    }

    @Override
    public void reset() {
        address = 0;
        resetControl = 0;
    }
}
