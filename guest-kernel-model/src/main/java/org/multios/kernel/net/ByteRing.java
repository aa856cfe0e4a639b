package org.multios.kernel.net;

/** A fixed-capacity byte FIFO (socket send and receive buffers) that can be read at an offset without consuming. */
final class ByteRing {
    private final byte[] buf;
    private int head, count;

    ByteRing(int capacity) { buf = new byte[capacity]; }

    int size() { return count; }
    int free() { return buf.length - count; }
    int capacity() { return buf.length; }

    int add(byte[] b, int off, int len) {
        int n = Math.min(len, free());
        for (int i = 0; i < n; i++) buf[(head + count + i) % buf.length] = b[off + i];
        count += n;
        return n;
    }

    /** Copies n bytes starting at offset from the head, without consuming them. */
    void peek(int offset, byte[] dst, int off, int n) {
        for (int i = 0; i < n; i++) dst[off + i] = buf[(head + offset + i) % buf.length];
    }

    int take(byte[] dst, int off, int len) {
        int n = Math.min(len, count);
        peek(0, dst, off, n);
        drop(n);
        return n;
    }

    void drop(int n) {
        n = Math.min(n, count);
        head = (head + n) % buf.length;
        count -= n;
    }
}
