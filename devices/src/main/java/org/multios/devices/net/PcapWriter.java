package org.multios.devices.net;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A classic libpcap capture file (magic 0xa1b2c3d4, version 2.4, microsecond
 * timestamps, LINKTYPE_ETHERNET), written little-endian as on the hosts we run on;
 * readers detect the byte order from the magic number.
 */
public final class PcapWriter implements AutoCloseable {
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int SNAPLEN = 65535;

    private final OutputStream out;

    public PcapWriter(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file));
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        out.write(h.array());
    }

    /** Appends one frame seen at {@code nanos} (virtual time since boot). */
    public synchronized void write(long nanos, byte[] frame) throws IOException {
        int incl = Math.min(frame.length, SNAPLEN);
        ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt((int) (nanos / 1_000_000_000L)).putInt((int) (nanos / 1000 % 1_000_000)).putInt(incl).putInt(frame.length);
        out.write(r.array());
        out.write(frame, 0, incl);
    }

    public synchronized void flush() throws IOException { out.flush(); }

    @Override
    public synchronized void close() throws IOException { out.close(); }
}
