package org.multios.kernel.net;

/**
 * The kernel command line's {@code ip=} option (Linux's nfsroot.rst "ip=" autoconfiguration, in
 * the forms MultiOS understands):
 * <ul>
 * <li>{@code ip=dhcp} (also {@code on}, {@code any}, {@code bootp}, {@code both}): DHCP at boot;</li>
 * <li>{@code ip=ADDR/PREFIX[:GATEWAY]}: a static address, e.g. {@code ip=10.0.3.1/24};</li>
 * <li>Linux's long form {@code ip=CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:DEVICE:AUTOCONF[:DNS0[:DNS1]]}
 *     (an empty CLIENT or AUTOCONF dhcp/on/any means DHCP);</li>
 * <li>{@code ip=off} / {@code ip=none}: leave the interface unconfigured.</li>
 * </ul>
 * Without {@code ip=} the mode is {@link Mode#DEFAULT}: the kernel asks DHCP in the background.
 */
public record IpConfig(Mode mode, int address, int prefix, int gateway, String device, String error, java.util.List<Integer> nameservers) {
    public enum Mode { DEFAULT, OFF, DHCP, STATIC }

    /** The last {@code ip=} word of the command line decides (as on Linux). */
    public static IpConfig parse(String commandLine) {
        String value = null;
        if (commandLine != null) {
            for (String w : commandLine.trim().split("\\s+")) {
                if (w.equals("--")) break;
                if (w.startsWith("ip=")) value = w.substring(3);
            }
        }
        if (value == null) return new IpConfig(Mode.DEFAULT, 0, 0, 0, null, null, java.util.List.of());
        return parseValue(value);
    }

    static IpConfig parseValue(String v) {
        switch (v) {
            case "dhcp", "on", "any", "bootp", "both" -> { return new IpConfig(Mode.DHCP, 0, 0, 0, null, null, java.util.List.of()); }
            case "off", "none" -> { return new IpConfig(Mode.OFF, 0, 0, 0, null, null, java.util.List.of()); }
            default -> {}
        }
        if (v.contains("/")) {
            int colon = v.indexOf(':');
            String cidr = colon < 0 ? v : v.substring(0, colon), gw = colon < 0 ? "" : v.substring(colon + 1);
            int slash = cidr.indexOf('/');
            int addr = address(cidr.substring(0, slash));
            int prefix = -1;
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                // reported below
            }
            int gateway = gw.isEmpty() ? 0 : address(gw);
            if (addr == -1 || prefix < 1 || prefix > 32 || gateway == -1) return bad(v);
            return new IpConfig(Mode.STATIC, addr, prefix, gateway, null, null, java.util.List.of());
        }
        String[] f = v.split(":", -1);
        String client = f[0], gw = f.length > 2 ? f[2] : "", mask = f.length > 3 ? f[3] : "";
        String dev = f.length > 5 && !f[5].isEmpty() ? f[5] : null, auto = f.length > 6 ? f[6] : "";
        if (client.isEmpty() || auto.equals("dhcp") || auto.equals("on") || auto.equals("any") || auto.equals("bootp") || auto.equals("both")) {
            return new IpConfig(Mode.DHCP, 0, 0, 0, dev, null, java.util.List.of());
        }
        int addr = address(client), gateway = gw.isEmpty() ? 0 : address(gw), m = mask.isEmpty() ? 0 : address(mask);
        if (addr == -1 || gateway == -1 || m == -1 && !mask.isEmpty()) return bad(v);
        int prefix = mask.isEmpty() ? NetIoctl.classfulPrefix(addr) : Integer.bitCount(m);
        if (!mask.isEmpty() && Ip4.mask(prefix) != m) return bad(v);
        java.util.List<Integer> dns = new java.util.ArrayList<>();
        for (int k = 7; k <= 8 && k < f.length; k++) {
            if (f[k].isEmpty()) continue;
            int a = address(f[k]);
            if (a == -1) return bad(v);
            dns.add(a);
        }
        return new IpConfig(Mode.STATIC, addr, prefix, gateway, dev, null, java.util.List.copyOf(dns));
    }

    private static IpConfig bad(String v) {
        return new IpConfig(Mode.OFF, 0, 0, 0, null, "ip=" + v + ": not an address/prefix[:gateway], dhcp, off or Linux's client:server:gw:netmask:host:dev:autoconf", java.util.List.of());
    }

    /** A dotted quad as an int, or -1 (255.255.255.255 is never a valid value here). */
    static int address(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) return -1;
        int a = 0;
        for (String x : p) {
            if (x.isEmpty() || x.length() > 3 || !x.chars().allMatch(Character::isDigit)) return -1;
            int n = Integer.parseInt(x);
            if (n > 255) return -1;
            a = a << 8 | n;
        }
        return a == -1 ? -1 : a;
    }
}
