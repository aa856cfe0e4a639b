package org.multios.kernel.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * An ARP entry past its lifetime keeps carrying traffic while it is re-validated (as Linux's
 * STALE/PROBE neighbour states do); a peer that stops answering is forgotten after the retries,
 * and the next packet resolves afresh.
 */
class ArpRefreshTest {
    final VirtualClock clock = new VirtualClock();
    boolean bToA = true;
    final List<byte[]> toB = new ArrayList<>();

    NetClock netClock() {
        return new NetClock() {
            @Override public long now() { return clock.nanos(); }
            @Override public Object schedule(long at, Runnable r) { return clock.schedule(Math.max(at, clock.nanos()), r); }
            @Override public void cancel(Object h) { if (h != null) clock.cancel((TimerEvent) h); }
        };
    }

    void run(long ns) {
        long end = clock.nanos() + ns;
        while (clock.nextDeadline() <= end) {
            clock.advanceTo(clock.nextDeadline());
            clock.fireDue();
        }
        clock.advanceTo(end);
    }

    static boolean isIp(byte[] f) { return Ip4.get16(f, 12) == EthernetInterface.ETH_IP; }
    static boolean isArp(byte[] f) { return Ip4.get16(f, 12) == EthernetInterface.ETH_ARP; }

    @Test
    void expiredEntryIsUsedWhileRefreshedAndForgottenWhenThePeerIsSilent() {
        NetStack a = new NetStack(netClock()), b = new NetStack(netClock());
        EthernetInterface[] eb = new EthernetInterface[1];
        EthernetInterface ea = a.addEthernet(new byte[] {0x52, 0x54, 0, 0, 0, 1}, 1500, f -> {
            toB.add(f);
            clock.schedule(clock.nanos() + 10_000, () -> eb[0].receiveFrame(f.clone()));
        });
        eb[0] = b.addEthernet(new byte[] {0x52, 0x54, 0, 0, 0, 2}, 1500, f -> {
            if (bToA) clock.schedule(clock.nanos() + 10_000, () -> ea.receiveFrame(f.clone()));
        });
        int ipA = Ip4.parse("10.0.3.1"), ipB = Ip4.parse("10.0.3.2");
        a.configure(ea, ipA, 24, 0);
        b.configure(eb[0], ipB, 24, 0);

        a.udpOutput(0, 5000, ipB, 6000, new byte[] {1});
        run(1_000_000);
        assertEquals(1, toB.stream().filter(ArpRefreshTest::isIp).count(), "resolved, then sent");

        run(EthernetInterface.ARP_TTL); // the entry has expired
        toB.clear();
        a.udpOutput(0, 5000, ipB, 6000, new byte[] {2});
        assertTrue(isIp(toB.get(0)), "sent at once to the known address");
        assertTrue(toB.stream().anyMatch(ArpRefreshTest::isArp), "and a request re-validates the entry");
        run(1_000_000);
        assertTrue(ea.arpTable().containsKey(ipB), "B answered: the entry lives again");

        run(EthernetInterface.ARP_TTL);
        bToA = false; // B goes silent
        toB.clear();
        a.udpOutput(0, 5000, ipB, 6000, new byte[] {3});
        assertTrue(isIp(toB.get(0)));
        run(EthernetInterface.ARP_RETRY * (EthernetInterface.ARP_TRIES + 1));
        assertEquals(EthernetInterface.ARP_TRIES, toB.stream().filter(ArpRefreshTest::isArp).count(), "three requests, no answer");
        toB.clear();
        a.udpOutput(0, 5000, ipB, 6000, new byte[] {4});
        assertTrue(isArp(toB.get(0)), "the entry was forgotten: the next packet waits for resolution");
        assertEquals(0, toB.stream().filter(ArpRefreshTest::isIp).count());
    }
}
