package org.multios.kernel.net;

/**
 * One IPv6 address on an interface (Linux's inet6_ifaddr): tentative until duplicate address
 * detection passes (RFC 4862 5.4), and for SLAAC addresses valid/preferred lifetimes in virtual
 * time (deprecated after the preferred lifetime, gone after the valid one). Long.MAX_VALUE = forever.
 */
public final class Ip6Address {
    /** Linux's IFA_F_* bits as /proc/net/if_inet6 prints them. */
    public static final int IFA_F_DADFAILED = 0x08, IFA_F_DEPRECATED = 0x20, IFA_F_TENTATIVE = 0x40, IFA_F_PERMANENT = 0x80;
    public final Ip6 address;
    public final int prefixLen;
    /** Configured by hand or derived from the link (link-local, ::1), not learned from a router. */
    public final boolean permanent;
    boolean tentative, dadFailed;
    long validUntil = Long.MAX_VALUE, preferredUntil = Long.MAX_VALUE;

    Ip6Address(Ip6 address, int prefixLen, boolean permanent, boolean tentative) {
        this.address = address;
        this.prefixLen = prefixLen;
        this.permanent = permanent;
        this.tentative = tentative;
    }

    public boolean tentative() { return tentative; }
    public boolean dadFailed() { return dadFailed; }
    /** Usable as a source and to receive: DAD passed, not expired. */
    public boolean usable(long now) { return !tentative && !dadFailed && now < validUntil; }
    public boolean preferred(long now) { return usable(now) && now < preferredUntil; }
    public long validUntil() { return validUntil; }
    public long preferredUntil() { return preferredUntil; }

    /** Linux's scope value: 0x10 host (loopback), 0x20 link, 0 global. */
    public int scope() { return address.isLoopback() ? 0x10 : address.isLinkLocal() ? 0x20 : 0; }

    public int flags(long now) {
        int f = permanent ? IFA_F_PERMANENT : 0;
        if (tentative) f |= IFA_F_TENTATIVE;
        if (dadFailed) f |= IFA_F_DADFAILED;
        if (now >= preferredUntil) f |= IFA_F_DEPRECATED;
        return f;
    }

    @Override public String toString() { return address + "/" + prefixLen; }
}
