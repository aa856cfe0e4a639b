package org.multios.devices.net;

/**
 * Where a NIC's Ethernet frames go on the host side. The NIC calls {@link #transmit}
 * from the emulator thread with each frame the guest sent (destination MAC first, no
 * FCS); the back end hands frames for the guest to the {@link FrameSink} given to
 * {@link #attach}, from whatever thread it likes: the NIC queues them and delivers them
 * into guest memory at its next virtual-time event.
 */
public interface NetBackend extends AutoCloseable {
    /** Receives frames addressed to the guest. */
    @FunctionalInterface
    interface FrameSink {
        void deliver(byte[] frame);
    }

    void attach(FrameSink toGuest);

    void transmit(byte[] frame);

    /** Releases host sockets and files; idempotent. */
    @Override
    void close();
}
