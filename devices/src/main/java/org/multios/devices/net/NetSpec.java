package org.multios.devices.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A parsed {@code --net} argument:
 * <pre>
 *   user[,tftp=DIR][,bootfile=NAME][,hostfwd=tcp:[ADDR]:HOSTPORT-:GUESTPORT]...[,mac=52:54:00:..][,pcap=FILE]
 *   socket,listen=[HOST:]PORT | socket,connect=HOST:PORT | socket,mcast=GROUP:PORT  [,mac=..][,pcap=FILE]
 *   pcap=FILE          (no network, frames still captured)
 *   none
 *   any back end also: [,loss=P][,dup=P][,reorder=P][,seed=N]   (FaultyLink: a lossy test wire)
 * </pre>
 * {@code --tftp DIR} on the command line is the same as {@code tftp=DIR}. Errors are
 * {@link NetSpecException}s with a one-line message for the user.
 */
public record NetSpec(Kind kind, String host, int port, Path tftp, String bootFile, Path pcap, byte[] mac, java.util.List<PortForward> forwards,
                      FaultyLink.Faults faults) {
    public enum Kind { NONE, USER, LISTEN, CONNECT, MCAST }

    public static final class NetSpecException extends IllegalArgumentException {
        public NetSpecException(String message) { super(message); }
    }

    public static NetSpec parse(String spec) {
        String[] parts = spec.split(",");
        Kind kind;
        int first = 1;
        switch (parts[0]) {
            case "user" -> kind = Kind.USER;
            case "socket" -> kind = null; // decided by listen/connect/mcast
            case "none" -> kind = Kind.NONE;
            default -> {
                if (parts[0].startsWith("pcap=")) { kind = Kind.NONE; first = 0; }
                else throw new NetSpecException("--net: unknown back end '" + parts[0] + "' (user, socket, pcap=FILE, none)");
            }
        }
        String host = null;
        int port = 0;
        Path tftp = null, pcap = null;
        String bootFile = null;
        byte[] mac = null;
        java.util.List<PortForward> forwards = new java.util.ArrayList<>();
        double loss = 0, dup = 0, reorder = 0;
        long seed = 0;
        for (int i = first; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq < 0) throw new NetSpecException("--net: expected key=value, got '" + p + "'");
            String key = p.substring(0, eq), value = p.substring(eq + 1);
            switch (key) {
                case "listen", "connect", "mcast" -> {
                    if (!parts[0].equals("socket") || kind != null) throw new NetSpecException("--net: " + key + "= belongs to one socket back end");
                    kind = key.equals("listen") ? Kind.LISTEN : key.equals("connect") ? Kind.CONNECT : Kind.MCAST;
                    int colon = value.lastIndexOf(':');
                    if (colon < 0 && kind != Kind.LISTEN) throw new NetSpecException("--net: " + key + "= needs HOST:PORT");
                    host = colon < 0 ? null : value.substring(0, colon);
                    if (host != null && host.isEmpty()) host = null;
                    port = port(value.substring(colon + 1));
                }
                case "tftp" -> tftp = Path.of(value);
                case "bootfile" -> bootFile = value;
                case "pcap" -> pcap = Path.of(value);
                case "mac" -> mac = mac(value);
                case "hostfwd" -> forwards.add(PortForward.parse(value));
                case "loss" -> loss = probability(key, value);
                case "dup" -> dup = probability(key, value);
                case "reorder" -> reorder = probability(key, value);
                case "seed" -> {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new NetSpecException("--net: seed must be an integer, not '" + value + "'");
                    }
                }
                default -> throw new NetSpecException("--net: unknown option '" + key + "'");
            }
        }
        if (kind == null) throw new NetSpecException("--net socket needs listen=PORT, connect=HOST:PORT or mcast=GROUP:PORT");
        if ((tftp != null || bootFile != null || !forwards.isEmpty()) && kind != Kind.USER) {
            throw new NetSpecException("--net: tftp, bootfile and hostfwd need the user back end");
        }
        FaultyLink.Faults faults = new FaultyLink.Faults(loss, dup, reorder, seed);
        if (faults.any() && kind == Kind.NONE) throw new NetSpecException("--net: loss, dup and reorder need a back end (user or socket)");
        return new NetSpec(kind, host, port, tftp, bootFile, pcap, mac, java.util.List.copyOf(forwards), faults);
    }

    /** A probability: 0..1, or a percentage such as 5%. */
    private static double probability(String key, String s) {
        try {
            double p = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100 : Double.parseDouble(s);
            if (p >= 0 && p <= 1) return p;
        } catch (NumberFormatException ignored) {}
        throw new NetSpecException("--net: " + key + " must be a probability between 0 and 1 (or 0%-100%), not '" + s + "'");
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) return p;
        } catch (NumberFormatException ignored) {}
        throw new NetSpecException("--net: bad port '" + s + "'");
    }

    static byte[] mac(String s) {
        String[] b = s.split(":");
        if (b.length != 6) throw new NetSpecException("--net: bad MAC address '" + s + "'");
        byte[] m = new byte[6];
        try {
            for (int i = 0; i < 6; i++) m[i] = (byte) Integer.parseInt(b[i], 16);
        } catch (NumberFormatException e) {
            throw new NetSpecException("--net: bad MAC address '" + s + "'");
        }
        if ((m[0] & 1) != 0) throw new NetSpecException("--net: MAC address '" + s + "' is multicast");
        return m;
    }

    /** The same spec with the command line's {@code --tftp DIR} applied. */
    public NetSpec withTftp(Path dir) {
        if (dir == null) return this;
        if (kind != Kind.USER) throw new NetSpecException("--tftp needs --net user");
        return new NetSpec(kind, host, port, dir, bootFile, pcap, mac, forwards, faults);
    }

    /** The same spec with a DHCP boot file name, unless it names one already ({@code bootfile=}). */
    public NetSpec withDefaultBootFile(String name) {
        if (bootFile != null || kind != Kind.USER) return this;
        return new NetSpec(kind, host, port, tftp, name, pcap, mac, forwards, faults);
    }

    /** Opens the back end (sockets, files); {@code nanos} timestamps pcap records. */
    public NetBackend open(LongSupplier nanos) {
        NetBackend b;
        try {
            if (tftp != null && !Files.isDirectory(tftp)) throw new NetSpecException("--tftp: not a directory: " + tftp);
            b = switch (kind) {
                case NONE -> null;
                case USER -> new UserNetBackend(tftp, bootFile, forwards);
                case LISTEN -> SocketNetBackend.listen(host, port);
                case CONNECT -> SocketNetBackend.connect(host, port);
                case MCAST -> SocketNetBackend.multicast(host, port);
            };
        } catch (IOException e) {
            throw new NetSpecException("--net: " + e.getMessage());
        }
        if (b != null && faults.any()) b = new FaultyLink(b, faults);
        if (pcap == null) return b != null ? b : new UnpluggedNetBackend();
        try {
            return new PcapTap(b, new PcapWriter(pcap), nanos);
        } catch (IOException e) {
            if (b != null) b.close();
            throw new NetSpecException("--net: cannot write " + pcap + ": " + e.getMessage());
        }
    }
}
