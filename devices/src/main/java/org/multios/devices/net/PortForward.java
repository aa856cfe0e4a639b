package org.multios.devices.net;

/**
 * A {@code hostfwd=tcp:[ADDR]:HOSTPORT-[:]GUESTPORT} rule: connections to ADDR:HOSTPORT on
 * the host (loopback unless ADDR is given) are carried into the guest's GUESTPORT.
 */
public record PortForward(String bindAddress, int hostPort, int guestPort) {
    public static PortForward parse(String s) {
        String bad = "--net: hostfwd must look like tcp:[ADDR]:HOSTPORT-[:]GUESTPORT, not '" + s + "'";
        if (!s.startsWith("tcp:")) throw new NetSpec.NetSpecException(bad);
        String rest = s.substring(4);
        int dash = rest.indexOf('-');
        if (dash < 0) throw new NetSpec.NetSpecException(bad);
        String host = rest.substring(0, dash), guest = rest.substring(dash + 1);
        int colon = host.lastIndexOf(':');
        if (colon < 0) throw new NetSpec.NetSpecException(bad);
        String addr = host.substring(0, colon);
        int gColon = guest.lastIndexOf(':');
        if (gColon >= 0 && !guest.substring(0, gColon).isEmpty() && !guest.substring(0, gColon).equals("10.0.2.15")) {
            throw new NetSpec.NetSpecException("--net: hostfwd can only reach the guest, 10.0.2.15");
        }
        try {
            int hp = Integer.parseInt(host.substring(colon + 1)), gp = Integer.parseInt(guest.substring(gColon + 1));
            if (hp < 1 || hp > 65535 || gp < 1 || gp > 65535) throw new NumberFormatException();
            return new PortForward(addr.isEmpty() ? null : addr, hp, gp);
        } catch (NumberFormatException e) {
            throw new NetSpec.NetSpecException(bad);
        }
    }
}
