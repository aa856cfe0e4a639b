package org.multios.devices.pci;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.MmioDevice;

/**
 * The inside of one BAR split into register blocks (e.g. NVMe registers, then the MSI-X
 * table, then the pending bit array). Offsets nothing claims read as zero and ignore
 * writes, as reserved BAR space does.
 */
public final class PciBarRegions implements MmioDevice {
    private record Block(long offset, long length, MmioDevice device) {}

    private final List<Block> blocks = new ArrayList<>();

    public PciBarRegions add(long offset, long length, MmioDevice device) {
        for (Block b : blocks) {
            if (offset < b.offset + b.length && b.offset < offset + length) {
                throw new IllegalArgumentException("BAR blocks overlap at 0x" + Long.toHexString(offset));
            }
        }
        blocks.add(new Block(offset, length, device));
        return this;
    }

    private Block find(long offset, int size) {
        for (Block b : blocks) {
            if (offset >= b.offset && offset + size <= b.offset + b.length) return b;
        }
        return null;
    }

    @Override
    public long read(long offset, int size) {
        Block b = find(offset, size);
        return b == null ? 0 : b.device.read(offset - b.offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        Block b = find(offset, size);
        if (b != null) b.device.write(offset - b.offset, size, value);
    }
}
