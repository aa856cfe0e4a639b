package org.multios.core.gdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal GDB remote-protocol client over a real socket, strict about framing and acks. */
final class GdbTestClient implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    boolean noAck;

    GdbTestClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static String frame(String payload) {
        int sum = 0;
        for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) sum += b & 0xff;
        return "$" + payload + "#" + String.format("%02x", sum & 0xff);
    }

    void raw(String s) throws IOException { raw(s.getBytes(StandardCharsets.ISO_8859_1)); }

    void raw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Sends a packet and expects the stub's ack (unless in no-ack mode). */
    void send(String payload) throws IOException {
        raw(frame(payload));
        if (!noAck) {
            int c = in.read();
            if (c != '+') throw new AssertionError("expected '+' ack for " + payload + ", got " + c + " ('" + (char) c + "')");
        }
    }

    /** Reads one reply packet (verifying its checksum) and acks it. */
    String reply() throws IOException {
        int c;
        while ((c = in.read()) != '$') {
            if (c < 0) throw new IOException("connection closed");
            if (c != '+') throw new AssertionError("unexpected byte before a packet: " + c);
        }
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int sum = 0;
        while ((c = in.read()) != '#') {
            if (c < 0) throw new IOException("connection closed");
            p.write(c);
            sum += c;
        }
        int cs = Integer.parseInt("" + (char) in.read() + (char) in.read(), 16);
        if (cs != (sum & 0xff)) throw new AssertionError("bad checksum from stub");
        if (!noAck) raw("+");
        return p.toString(StandardCharsets.ISO_8859_1);
    }

    String ask(String payload) throws IOException {
        send(payload);
        return reply();
    }

    /** Reads one raw byte (an ack or nack). */
    int readByte() throws IOException { return in.read(); }

    @Override
    public void close() throws IOException { socket.close(); }
}
