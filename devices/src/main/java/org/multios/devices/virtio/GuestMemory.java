package org.multios.devices.virtio;

/**
 * Guest memory as a virtio device reaches it: bus-master DMA. Every access either
 * completes entirely or throws {@link org.multios.core.bus.BusErrorException} (no RAM there, bus mastering
 * off), which the device turns into DEVICE_NEEDS_RESET.
 */
public interface GuestMemory {
    void read(long address, byte[] dst, int from, int length);

    /** True if all of [address, address+length) is RAM the device may read (or write). */
    boolean allowed(long address, long length, boolean write);

    void write(long address, byte[] src, int from, int length);

    default int read16(long address) {
        byte[] b = new byte[2];
        read(address, b, 0, 2);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8;
    }

    default long read32(long address) {
        byte[] b = new byte[4];
        read(address, b, 0, 4);
        return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
    }

    default long read64(long address) {
        return read32(address) | read32(address + 4) << 32;
    }

    default void write16(long address, int v) {
        write(address, new byte[] {(byte) v, (byte) (v >>> 8)}, 0, 2);
    }

    default void write32(long address, long v) {
        write(address, new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)}, 0, 4);
    }
}
