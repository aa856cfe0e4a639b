package org.multios.devices.tpm;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The Microsoft TPM 2.0 simulator's socket protocol ("mssim", as in the reference
 * implementation's TcpServer and tpm2-tss's tcti-mssim): the command port carries
 * TPM_SEND_COMMAND (locality, size-prefixed command; size-prefixed response then a zero word)
 * and session control; the platform port (command port + 1) carries the power, NV, reset
 * and cancel signals, each acknowledged with a zero word. All integers are big-endian.
 */
public final class MssimServer implements Closeable {
    // TpmTcpProtocol.h
    static final int SIGNAL_POWER_ON = 1, SIGNAL_POWER_OFF = 2, SIGNAL_PHYS_PRES_ON = 3, SIGNAL_PHYS_PRES_OFF = 4,
            SIGNAL_HASH_START = 5, SIGNAL_HASH_DATA = 6, SIGNAL_HASH_END = 7, SEND_COMMAND = 8,
            SIGNAL_CANCEL_ON = 9, SIGNAL_CANCEL_OFF = 10, SIGNAL_NV_ON = 11, SIGNAL_NV_OFF = 12,
            SIGNAL_KEY_CACHE_ON = 13, SIGNAL_KEY_CACHE_OFF = 14, REMOTE_HANDSHAKE = 15, SET_ALTERNATIVE_RESULT = 16,
            SIGNAL_RESET = 17, SIGNAL_RESTART = 18, SESSION_END = 20, STOP = 21, GET_COMMAND_RESPONSE_SIZES = 25,
            ACT_GET_SIGNALED = 26, TEST_FAILURE_MODE = 30;
    static final int SERVER_VERSION = 1;
    /** Handshake flags: platform available, raw mode, physical presence supported. */
    static final int SERVER_FLAGS = 0x2 | 0x8 | 0x10;
    static final int MAX_COMMAND = 1 << 16;

    private final Tpm tpm;
    private final EventLoopGroup group;
    private final Channel command, platform;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean powered = true;

    private MssimServer(Tpm tpm, String host, int port) throws IOException {
        this.tpm = tpm;
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("tpm-mssim", true), NioIoHandler.newFactory());
        try {
            command = bind(host, port, false);
            platform = bind(host, port + 1, true);
        } catch (Exception e) { // Netty rethrows the BindException undeclared
            group.shutdownGracefully();
            throw new IOException("cannot listen on " + host + ":" + port + " and " + (port + 1) + ": " + e.getMessage(), e);
        }
    }

    /** Listens on PORT (commands) and PORT+1 (platform signals). */
    public static MssimServer start(Tpm tpm, String host, int port) throws IOException {
        if (port < 1 || port > 65534) throw new IOException("TPM port out of range: " + port + " (the platform port is PORT+1)");
        return new MssimServer(tpm, host, port);
    }

    private Channel bind(String host, int port, boolean isPlatform) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) { ch.pipeline().addLast(new Decoder(isPlatform)); }
                })
                .bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
    }

    public int port() { return ((InetSocketAddress) command.localAddress()).getPort(); }

    /** Blocks until a client sends TPM_STOP or the server is closed. */
    public void awaitStop() throws InterruptedException { stopped.await(); }

    @Override
    public void close() {
        command.close();
        platform.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        stopped.countDown();
    }

    /** Frames one request at a time; waits (keeping the bytes) until a whole request has arrived. */
    private final class Decoder extends ByteToMessageDecoder {
        private final boolean isPlatform;

        Decoder(boolean isPlatform) { this.isPlatform = isPlatform; }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= 4) {
                in.markReaderIndex();
                int cmd = in.readInt();
                ByteBuf reply = isPlatform ? platformCommand(ctx, cmd, in) : tpmCommand(ctx, cmd, in);
                if (reply == null) { // incomplete: wait for more bytes
                    in.resetReaderIndex();
                    return;
                }
                if (reply == CLOSED) return;
                ctx.writeAndFlush(reply);
            }
        }
    }

    /** Returned when the connection has been closed (nothing more to send). */
    private static final ByteBuf CLOSED = Unpooled.unreleasableBuffer(Unpooled.buffer(0));

    private static ByteBuf ack() { return Unpooled.buffer(4).writeInt(0); }

    private ByteBuf tpmCommand(ChannelHandlerContext ctx, int cmd, ByteBuf in) {
        switch (cmd) {
            case SEND_COMMAND -> {
                if (in.readableBytes() < 5) return null;
                int locality = in.readUnsignedByte();
                int size = in.readInt();
                if (size < 0 || size > MAX_COMMAND) {
                    ctx.close(); // a framing error: the stream cannot be resynchronised
                    return CLOSED;
                }
                if (in.readableBytes() < size) return null;
                byte[] command = new byte[size];
                in.readBytes(command);
                byte[] response = powered ? tpm.execute(Math.min(locality, 4), command) : TpmEngine.error(TpmRc.FAILURE);
                return Unpooled.buffer(response.length + 8).writeInt(response.length).writeBytes(response).writeInt(0);
            }
            case REMOTE_HANDSHAKE -> {
                if (in.readableBytes() < 4) return null;
                in.readInt(); // client version
                return Unpooled.buffer(12).writeInt(SERVER_VERSION).writeInt(SERVER_FLAGS).writeInt(0);
            }
            case GET_COMMAND_RESPONSE_SIZES -> {
                return Unpooled.buffer(12).writeInt(TpmEngine.MAX_COMMAND).writeInt(TpmEngine.MAX_COMMAND).writeInt(0);
            }
            case SESSION_END -> {
                ctx.close();
                return CLOSED;
            }
            case STOP -> {
                ctx.writeAndFlush(ack()).addListener(ChannelFutureListener.CLOSE);
                stopped.countDown();
                return CLOSED;
            }
            default -> {
                // Signals may also come on the command port (older clients); treat them alike.
                return platformCommand(ctx, cmd, in);
            }
        }
    }

    private ByteBuf platformCommand(ChannelHandlerContext ctx, int cmd, ByteBuf in) {
        switch (cmd) {
            case SIGNAL_POWER_ON -> {
                // As the reference simulator: power on when already on does nothing.
                if (!powered) {
                    powered = true;
                    tpm.powerOn();
                }
            }
            case SIGNAL_RESET, SIGNAL_RESTART -> { if (powered) tpm.powerOn(); }
            case SIGNAL_POWER_OFF -> { powered = false; tpm.powerOff(); }
            case SIGNAL_HASH_DATA -> {
                if (in.readableBytes() < 4) return null;
                int n = in.readInt();
                if (n < 0 || n > MAX_COMMAND) { ctx.close(); return CLOSED; }
                if (in.readableBytes() < n) return null;
                in.skipBytes(n);
            }
            case ACT_GET_SIGNALED -> {
                if (in.readableBytes() < 4) return null;
                in.readInt();
                return Unpooled.buffer(8).writeInt(0).writeInt(0);
            }
            case SET_ALTERNATIVE_RESULT, TEST_FAILURE_MODE -> {
                if (cmd == SET_ALTERNATIVE_RESULT) {
                    if (in.readableBytes() < 4) return null;
                    in.readInt();
                }
            }
            case SIGNAL_PHYS_PRES_ON, SIGNAL_PHYS_PRES_OFF, SIGNAL_HASH_START, SIGNAL_HASH_END, SIGNAL_CANCEL_ON,
                    SIGNAL_CANCEL_OFF, SIGNAL_NV_ON, SIGNAL_NV_OFF, SIGNAL_KEY_CACHE_ON, SIGNAL_KEY_CACHE_OFF -> { }
            case SESSION_END -> { ctx.close(); return CLOSED; }
            case STOP -> {
                ctx.writeAndFlush(ack()).addListener(ChannelFutureListener.CLOSE);
                stopped.countDown();
                return CLOSED;
            }
            default -> {
                // Unknown request: the reference server answers with a failure word and drops the connection.
                ctx.writeAndFlush(Unpooled.buffer(4).writeInt(1)).addListener(ChannelFutureListener.CLOSE);
                return CLOSED;
            }
        }
        return ack();
    }
}
