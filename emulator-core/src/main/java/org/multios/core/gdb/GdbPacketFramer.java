package org.multios.core.gdb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits the byte stream from GDB into packets ({@code $payload#cc}), acknowledges them
 * ({@code +}/{@code -}) unless no-ack mode is on, and passes on Ctrl-C ({@code 0x03}) as an
 * interrupt. Anything else between packets is ignored, and a payload longer than
 * {@link #MAX_PAYLOAD} is dropped (and refused with {@code -}) without being buffered, so a
 * client sending garbage costs bounded memory.
 */
final class GdbPacketFramer extends ChannelInboundHandlerAdapter {
    /** Largest payload accepted: twice the advertised PacketSize, to allow for escapes. */
    static final int MAX_PAYLOAD = 2 * GdbSession.PACKET_SIZE;

    /** Receives framed packets and out-of-band events (called on the channel's event loop). */
    interface Listener {
        void packet(byte[] payload);

        void interrupt();

        /** The client refused our last reply ({@code -}): send it again. */
        void retransmit();
    }

    private enum State { IDLE, PAYLOAD, CHECKSUM1, CHECKSUM2, SKIP, SKIP_CHECKSUM1, SKIP_CHECKSUM2 }

    private final Listener listener;
    private final ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
    private State state = State.IDLE;
    private int sum, received;
    private volatile boolean noAck;

    GdbPacketFramer(Listener listener) { this.listener = listener; }

    /** After {@code QStartNoAckMode}: neither side sends {@code +} any more. */
    void setNoAck(boolean on) { noAck = on; }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            while (buf.isReadable()) consume(ctx, buf.readByte() & 0xff);
        } finally {
            buf.release();
        }
    }

    private void consume(ChannelHandlerContext ctx, int b) {
        switch (state) {
            case IDLE -> {
                switch (b) {
                    case '$' -> startPayload();
                    case 0x03 -> listener.interrupt();
                    case '-' -> { if (!noAck) listener.retransmit(); }
                    default -> { } // '+' acks and stray bytes
                }
            }
            case PAYLOAD -> {
                if (b == '#') {
                    state = State.CHECKSUM1;
                } else if (b == '$') {
                    startPayload(); // a lost '#': resynchronise on the new packet
                } else if (payload.size() >= MAX_PAYLOAD) {
                    payload.reset();
                    state = State.SKIP;
                } else {
                    payload.write(b);
                    sum += b;
                }
            }
            case CHECKSUM1 -> {
                int d = GdbHex.digit(b);
                received = d;
                state = d < 0 ? finishBad(ctx) : State.CHECKSUM2;
            }
            case CHECKSUM2 -> {
                int d = GdbHex.digit(b);
                if (d < 0) {
                    state = finishBad(ctx);
                } else if (!noAck && ((received << 4 | d) != (sum & 0xff))) {
                    state = finishBad(ctx);
                } else {
                    // In no-ack mode the checksum is not checked, as the protocol allows (the transport is reliable).
                    if (!noAck) ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'+'}));
                    byte[] p = payload.toByteArray();
                    payload.reset();
                    state = State.IDLE;
                    listener.packet(p);
                }
            }
            case SKIP -> {
                if (b == '#') state = State.SKIP_CHECKSUM1;
                else if (b == '$') startPayload();
            }
            case SKIP_CHECKSUM1 -> state = State.SKIP_CHECKSUM2;
            case SKIP_CHECKSUM2 -> state = finishBad(ctx);
        }
    }

    private void startPayload() {
        payload.reset();
        sum = 0;
        state = State.PAYLOAD;
    }

    private State finishBad(ChannelHandlerContext ctx) {
        payload.reset();
        if (!noAck) ctx.writeAndFlush(Unpooled.copiedBuffer("-", StandardCharsets.US_ASCII));
        return State.IDLE;
    }
}
