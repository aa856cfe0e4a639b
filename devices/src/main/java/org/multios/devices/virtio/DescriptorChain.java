package org.multios.devices.virtio;

import java.util.ArrayList;
import java.util.List;

/**
 * One available buffer: the head index the driver posted and the guest-physical segments
 * of its descriptor chain (indirect tables already flattened), device-readable ones
 * first, then device-writable ones, as virtio 1.2 §2.7.4.2 requires.
 */
public final class DescriptorChain {
    /** One descriptor's buffer. */
    public record Segment(long address, long length, boolean writable) {}

    private final int head;
    private final List<Segment> segments = new ArrayList<>();
    private long readable, writable;

    DescriptorChain(int head) { this.head = head; }

    void add(Segment s) {
        segments.add(s);
        if (s.writable()) writable += s.length(); else readable += s.length();
    }

    public int head() { return head; }

    public List<Segment> segments() { return segments; }

    /** Total bytes the device may read. */
    public long readableBytes() { return readable; }

    /** Total bytes the device may write. */
    public long writableBytes() { return writable; }

    /** Gathers up to {@code max} readable bytes (starting at the first readable segment). */
    public byte[] gather(GuestMemory mem, int max) {
        int n = (int) Math.min(readable, max);
        byte[] out = new byte[n];
        int at = 0;
        for (Segment s : segments) {
            if (s.writable() || at >= n) continue;
            int len = (int) Math.min(s.length(), n - at);
            mem.read(s.address(), out, at, len);
            at += len;
        }
        return out;
    }

    /** Scatters {@code data} over the writable segments; returns the bytes written. */
    public int scatter(GuestMemory mem, byte[] data) {
        int at = 0;
        for (Segment s : segments) {
            if (!s.writable() || at >= data.length) continue;
            int len = (int) Math.min(s.length(), data.length - at);
            mem.write(s.address(), data, at, len);
            at += len;
        }
        return at;
    }
}
