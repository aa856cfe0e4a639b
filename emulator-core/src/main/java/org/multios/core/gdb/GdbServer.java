package org.multios.core.gdb;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.multios.core.debug.DebugTarget;

/**
 * The GDB remote-protocol server ({@code --gdb [HOST:]PORT}): listens (on loopback unless a
 * host is given) and serves one debugger at a time; a second connection is refused while
 * one is active. When a client attaches the guest stops; when it detaches or disconnects
 * every breakpoint is removed and the guest runs on.
 * <p>
 * With {@code --gdb-wait}, call {@code machine.pause()} before {@code machine.run()}: the
 * machine then halts before its first instruction and the debugger finds it there.
 */
public final class GdbServer implements Closeable {
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final AtomicReference<GdbSession> active = new AtomicReference<>();

    private GdbServer(DebugTarget target, InetSocketAddress address) throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gdb-stub", true), NioIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) { accept(target, ch); }
                    });
            serverChannel = b.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the BindException undeclared
            group.shutdownGracefully();
            throw new IOException("cannot listen for GDB on " + address.getHostString() + ":" + address.getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Starts listening on {@code [HOST:]PORT} (port 0 picks a free one; see {@link #port()}). */
    public static GdbServer start(DebugTarget target, String hostPort) throws IOException {
        return new GdbServer(target, parseAddress(hostPort));
    }

    /** Parses {@code [HOST:]PORT}; HOST defaults to 127.0.0.1. Throws IllegalArgumentException with a one-line message. */
    public static InetSocketAddress parseAddress(String hostPort) {
        String s = hostPort == null ? "" : hostPort.trim();
        if (s.startsWith("tcp:")) s = s.substring(4); // QEMU's spelling
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : s.substring(0, colon);
        String port = colon < 0 ? s : s.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) host = "127.0.0.1";
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--gdb expects [HOST:]PORT, got '" + hostPort + "'");
        }
        if (p < 0 || p > 65535) throw new IllegalArgumentException("--gdb port out of range: " + p);
        return new InetSocketAddress(host, p);
    }

    /** The port actually bound. */
    public int port() { return ((InetSocketAddress) serverChannel.localAddress()).getPort(); }

    /** True while a debugger is connected. */
    public boolean isClientAttached() { return active.get() != null; }

    private void accept(DebugTarget target, SocketChannel ch) {
        GdbSession session = new GdbSession(target, ch, () -> { });
        if (!active.compareAndSet(null, session)) {
            System.err.println("multios: gdb: refusing a second debugger from " + ch.remoteAddress());
            ch.close();
            return;
        }
        ch.pipeline().addLast(session.framer());
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                session.closed();
                active.compareAndSet(session, null);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // a reset connection or a bug in a handler: drop the client, keep the machine
            }
        });
        session.start();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
