package org.multios.kernel.net;

/** A link that carries Ethernet II frames (no FCS): the virtio-net driver, or a wire in a test. */
public interface FrameDevice {
    void transmit(byte[] frame);
}
