package org.multios.devices.net;

/**
 * Where a NIC's Ethernet frames go on the host side. The NIC calls {@link #transmit}
 * from the emulator thread with each frame the guest sent (destination MAC first, no
 * FCS); the back end hands frames for the guest to the {@link FrameSink} given to
 * {@link #attach}, from whatever thread it likes. Frames handed over inside
 * {@link #transmit} (a synchronous answer) enter guest memory at a deterministic virtual
 * time; frames from other threads wake the machine and enter at the time they arrive.
 */
public interface NetBackend extends AutoCloseable {
    /** Receives frames addressed to the guest. */
    @FunctionalInterface
    interface FrameSink {
        void deliver(byte[] frame);
    }

    void attach(FrameSink toGuest);

    void transmit(byte[] frame);

    /**
     * True while frames may arrive from a host thread at any moment (a socket peer, open NAT
     * connections, port-forward listeners). The machine then lets idle virtual time pass no
     * faster than host time; false keeps the instant idle skip and bit-exact replay.
     */
    default boolean mayDeliver() { return false; }

    /** Releases host sockets and files; idempotent. */
    @Override
    void close();
}
