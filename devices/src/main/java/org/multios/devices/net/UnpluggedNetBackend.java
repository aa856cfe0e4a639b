package org.multios.devices.net;

/** {@code --net none}: a NIC with no cable. Transmitted frames vanish; nothing arrives. */
public final class UnpluggedNetBackend implements NetBackend {
    @Override public void attach(FrameSink toGuest) {}

    @Override public void transmit(byte[] frame) {}

    @Override public void close() {}
}
