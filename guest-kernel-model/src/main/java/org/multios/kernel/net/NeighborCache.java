package org.multios.kernel.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Ethernet interface's IPv6 neighbour cache with the reachability states of RFC 4861 section 7.3
 * (INCOMPLETE, REACHABLE, STALE, DELAY, PROBE), every timer an event in virtual time. Packets
 * wait (up to {@link #HOLD}) while an address is INCOMPLETE; three unanswered solicitations
 * drop them and forget the entry.
 */
public final class NeighborCache {
    public enum State { INCOMPLETE, REACHABLE, STALE, DELAY, PROBE }
    /** RFC 4861 section 10 constants (REACHABLE_TIME is the base; RETRANS_TIMER the default, an RA may change both). */
    static final long DELAY_FIRST_PROBE_TIME = 5_000_000_000L;
    static final int MAX_MULTICAST_SOLICIT = 3, MAX_UNICAST_SOLICIT = 3, HOLD = 16;
    long reachableTime = 30_000_000_000L, retransTimer = 1_000_000_000L;

    public static final class Entry {
        State state;
        byte[] mac;
        boolean router;
        int probes;
        Object timer;
        final List<byte[]> queue = new ArrayList<>();
        public State state() { return state; }
        public byte[] mac() { return mac == null ? null : mac.clone(); }
        public boolean router() { return router; }
    }

    private final EthernetInterface ifc;
    private final Ndp ndp;
    private final NetClock clock;
    private final Map<Ip6, Entry> entries = new LinkedHashMap<>();

    NeighborCache(EthernetInterface ifc, Ndp ndp, NetClock clock) {
        this.ifc = ifc;
        this.ndp = ndp;
        this.clock = clock;
    }

    public Map<Ip6, Entry> entries() { return java.util.Collections.unmodifiableMap(entries); }
    public Entry get(Ip6 a) { return entries.get(a); }

    /** Sends an IPv6 packet to a unicast neighbour, resolving it first (RFC 4861 7.2.2 and 7.3.3). */
    void send(byte[] packet, Ip6 next) {
        Entry e = entries.get(next);
        if (e == null) {
            e = new Entry();
            e.state = State.INCOMPLETE;
            entries.put(next, e);
            e.queue.add(packet);
            solicit(next, e, false);
            return;
        }
        switch (e.state) {
            case INCOMPLETE -> { if (e.queue.size() < HOLD) e.queue.add(packet); else ifc.txDropped++; }
            case STALE -> { // first use of a stale entry: send, and give upper layers DELAY_FIRST_PROBE_TIME to confirm
                ifc.sendFrame6(e.mac, packet);
                enter(next, e, State.DELAY, DELAY_FIRST_PROBE_TIME);
            }
            default -> ifc.sendFrame6(e.mac, packet);
        }
    }

    /** An NS for an INCOMPLETE (multicast, to the solicited-node group) or PROBE (unicast) entry, and its retransmission timer. */
    private void solicit(Ip6 target, Entry e, boolean unicast) {
        e.probes++;
        ndp.sendSolicitation(ifc, target, unicast ? target : target.solicitedNode(), unicast ? e.mac : null);
        arm(target, e, retransTimer);
    }

    private void enter(Ip6 a, Entry e, State s, long after) {
        e.state = s;
        e.probes = 0;
        arm(a, e, after);
    }

    private void arm(Ip6 a, Entry e, long after) {
        if (e.timer != null) clock.cancel(e.timer);
        e.timer = clock.schedule(clock.now() + after, () -> { e.timer = null; expire(a, e); clock.afterEvent(); });
    }

    private void expire(Ip6 a, Entry e) {
        if (entries.get(a) != e) return;
        switch (e.state) {
            case INCOMPLETE -> {
                if (e.probes < MAX_MULTICAST_SOLICIT) { solicit(a, e, false); return; }
                entries.remove(a);
                ifc.txDropped += e.queue.size();
                ndp.ip6.unreachableFrom.put(a, 3); // address unreachable, as Linux reports it to the sender
            }
            case REACHABLE -> e.state = State.STALE; // no timer: STALE waits for traffic
            case DELAY -> { e.state = State.PROBE; e.probes = 0; solicit(a, e, true); }
            case PROBE -> {
                if (e.probes < MAX_UNICAST_SOLICIT) solicit(a, e, true);
                else entries.remove(a);
            }
            case STALE -> {}
        }
    }

    /** A Neighbor Advertisement for target (RFC 4861 7.2.5); an advertisement nobody asked about is ignored. */
    void advertised(Ip6 target, byte[] tlla, boolean solicited, boolean override, boolean router) {
        Entry e = entries.get(target);
        if (e == null) return;
        if (e.state == State.INCOMPLETE) {
            if (tlla == null) return;
            e.mac = tlla;
            e.router = router;
            if (solicited) enter(target, e, State.REACHABLE, reachableTime);
            else { e.state = State.STALE; cancel(e); }
            flush(e);
            return;
        }
        boolean differs = tlla != null && !java.util.Arrays.equals(tlla, e.mac);
        if (!override && differs) {
            if (e.state == State.REACHABLE) { e.state = State.STALE; cancel(e); }
            return;
        }
        if (differs) e.mac = tlla;
        if (solicited) enter(target, e, State.REACHABLE, reachableTime);
        else if (differs) { e.state = State.STALE; cancel(e); }
        if (e.router && !router) ndp.ip6.routers.removeIf(r -> r.ifc() == ifc && r.address().equals(target));
        e.router = router;
    }

    /** A link-layer address learned from an NS, RS or RA's source option (RFC 4861 7.2.3, 6.3.4): STALE unless unchanged. */
    void learned(Ip6 a, byte[] mac, Boolean router) {
        Entry e = entries.get(a);
        if (e == null) {
            e = new Entry();
            e.state = State.STALE;
            e.mac = mac;
            entries.put(a, e);
        } else if (e.state == State.INCOMPLETE) {
            e.mac = mac;
            e.state = State.STALE;
            cancel(e);
            flush(e);
        } else if (!java.util.Arrays.equals(mac, e.mac)) {
            e.mac = mac;
            e.state = State.STALE;
            cancel(e);
        }
        if (router != null) e.router = router;
    }

    private void cancel(Entry e) { if (e.timer != null) { clock.cancel(e.timer); e.timer = null; } }

    private void flush(Entry e) {
        for (byte[] p : e.queue) ifc.sendFrame6(e.mac, p);
        e.queue.clear();
    }
}
