package org.multios.devices.net;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Records every frame in both directions to a pcap file, then passes it on to the
 * wrapped back end (or, without one, drops it: a NIC on an unplugged cable that is
 * still captured). Timestamps come from the given clock, normally virtual time, so
 * captures of a deterministic run are identical.
 */
public final class PcapTap implements NetBackend {
    private final NetBackend inner;
    private final PcapWriter pcap;
    private final LongSupplier nanos;
    private volatile FrameSink toGuest = f -> {};
    private volatile boolean failed;

    public PcapTap(NetBackend inner, PcapWriter pcap, LongSupplier nanos) {
        this.inner = inner;
        this.pcap = pcap;
        this.nanos = nanos;
        if (inner != null) inner.attach(f -> { record(f); toGuest.deliver(f); });
    }

    @Override
    public void attach(FrameSink sink) { toGuest = sink; }

    @Override
    public void transmit(byte[] frame) {
        record(frame);
        if (inner != null) inner.transmit(frame);
    }

    private void record(byte[] f) {
        if (failed) return;
        try {
            pcap.write(nanos.getAsLong(), f);
        } catch (IOException e) {
            failed = true; // disk full or similar: stop capturing, keep the network running
            System.err.println("multios: pcap capture stopped: " + e.getMessage());
        }
    }

    @Override
    public boolean mayDeliver() { return inner != null && inner.mayDeliver(); }

    @Override
    public void close() {
        if (inner != null) inner.close();
        try { pcap.close(); } catch (IOException ignored) {}
    }
}
