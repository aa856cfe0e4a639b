package org.multios.devices.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultyLink}: the lossy/duplicating/reordering test wire is deterministic from its seed,
 * its rates are what was asked for, it never alters or invents frames, reordering is a swap
 * with the successor, the two directions are independent, and {@code --net ...,loss=,dup=,
 * reorder=,seed=} parses (with one-line errors). Also {@link FrameFuzzer}'s determinism and
 * coverage.
 */
class FaultyLinkTest {
    static List<byte[]> frames(int n) {
        List<byte[]> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new byte[] {(byte) (i >> 24), (byte) (i >> 16), (byte) (i >> 8), (byte) i, 0x42});
        return l;
    }

    static int id(byte[] f) { return (f[0] & 0xff) << 24 | (f[1] & 0xff) << 16 | (f[2] & 0xff) << 8 | (f[3] & 0xff); }

    /** The ids that leave, in order, for n frames through a fresh direction. */
    static List<Integer> run(FaultyLink.Faults f, int stream, int n) {
        FaultyLink.Direction d = new FaultyLink.Direction(f, stream);
        List<Integer> out = new ArrayList<>();
        for (byte[] fr : frames(n)) for (byte[] o : d.pass(fr)) out.add(id(o));
        for (byte[] o : d.flush()) out.add(id(o));
        return out;
    }

    @Test
    void theSameSeedGivesTheSameFaults() {
        FaultyLink.Faults f = new FaultyLink.Faults(0.1, 0.05, 0.05, 42);
        assertEquals(run(f, 1, 5000), run(f, 1, 5000));
        assertNotEquals(run(f, 1, 5000), run(new FaultyLink.Faults(0.1, 0.05, 0.05, 43), 1, 5000), "another seed, other faults");
        assertNotEquals(run(f, 1, 5000), run(f, 2, 5000), "the two directions draw from separate streams");
    }

    @Test
    void ratesMatchTheProbabilities() {
        int n = 20_000;
        FaultyLink.Direction d = new FaultyLink.Direction(new FaultyLink.Faults(0.10, 0.05, 0.03, 7), 1);
        for (byte[] fr : frames(n)) d.pass(fr);
        assertEquals(n, d.frames());
        assertTrue(Math.abs(d.dropped() - 0.10 * n) < 0.015 * n, d.toString());
        // duplicates and holds are only drawn for frames that were not lost
        assertTrue(Math.abs(d.duplicated() - 0.05 * 0.9 * n) < 0.01 * n, d.toString());
        assertTrue(d.reordered() > 0.02 * 0.9 * n && d.reordered() < 0.04 * n, d.toString());
    }

    @Test
    void framesAreNeverAlteredOrInventedAndOnlyLossLosesThem() {
        int n = 10_000;
        FaultyLink.Direction d = new FaultyLink.Direction(new FaultyLink.Faults(0.2, 0.2, 0.2, 99), 1);
        List<byte[]> in = frames(n);
        Map<byte[], Integer> seen = new IdentityHashMap<>();
        long out = 0;
        List<byte[]> leaving = new ArrayList<>();
        for (byte[] fr : in) leaving.addAll(d.pass(fr));
        leaving.addAll(d.flush());
        for (byte[] o : leaving) {
            out++;
            assertSame(in.get(id(o)), o, "a frame that leaves is one that came in, untouched");
            assertEquals(0x42, o[4]);
            seen.merge(o, 1, Integer::sum);
        }
        assertEquals(n - d.dropped() + d.duplicated(), out, "conservation: " + d);
        for (int c : seen.values()) assertTrue(c == 1 || c == 2, "a frame leaves once, or twice when duplicated");
        assertEquals(n - d.dropped(), seen.size(), "every frame not lost leaves");
    }

    @Test
    void reorderingSwapsAFrameWithItsSuccessor() {
        List<Integer> out = run(new FaultyLink.Faults(0, 0, 0.25, 5), 1, 2000);
        assertEquals(2000, out.size());
        Set<Integer> ids = new HashSet<>(out);
        assertEquals(2000, ids.size());
        int swaps = 0;
        for (int i = 0; i < out.size(); i++) {
            int displacement = out.get(i) - i;
            assertTrue(Math.abs(displacement) <= 1, "frame " + out.get(i) + " at position " + i + ": moved by more than one");
            if (displacement == 1) swaps++;
        }
        assertTrue(swaps > 300, "about a quarter of the frames (less those released by a held one) are swapped: " + swaps);
    }

    @Test
    void noFaultsIsTheIdentity() {
        List<Integer> out = run(FaultyLink.Faults.NONE, 1, 1000);
        for (int i = 0; i < 1000; i++) assertEquals(i, out.get(i));
    }

    /** An in-memory back end: records what the guest sent, lets the test deliver to the guest. */
    static final class Wire implements NetBackend {
        final List<byte[]> sent = new ArrayList<>();
        FrameSink guest;
        @Override public void attach(FrameSink toGuest) { guest = toGuest; }
        @Override public void transmit(byte[] frame) { sent.add(frame); }
        @Override public void close() {}
    }

    @Test
    void theWrapperAppliesOneDirectionEachWay() {
        FaultyLink.Faults f = new FaultyLink.Faults(0.3, 0.1, 0.1, 11);
        Wire wire = new Wire();
        FaultyLink link = new FaultyLink(wire, f);
        List<byte[]> toGuest = new ArrayList<>();
        link.attach(toGuest::add);
        List<byte[]> frames = frames(3000);
        for (byte[] fr : frames) {
            link.transmit(fr);
            wire.guest.deliver(fr);
        }
        List<Integer> out = new ArrayList<>(), in = new ArrayList<>();
        for (byte[] b : wire.sent) out.add(id(b));
        for (byte[] b : toGuest) in.add(id(b));
        assertEquals(run(f, 1, 3000).subList(0, out.size()), out, "guest to network = direction stream 1");
        assertEquals(run(f, 2, 3000).subList(0, in.size()), in, "network to guest = direction stream 2");
        assertEquals(3000, link.outbound().frames());
        assertEquals(3000, link.inbound().frames());
    }

    @Test
    void specOptionsParse() {
        NetSpec s = NetSpec.parse("user,loss=0.1,dup=5%,reorder=0.02,seed=7");
        assertEquals(new FaultyLink.Faults(0.1, 0.05, 0.02, 7), s.faults());
        assertEquals(FaultyLink.Faults.NONE, NetSpec.parse("socket,listen=5555").faults());
        assertTrue(NetSpec.parse("socket,connect=127.0.0.1:9,loss=1").faults().any());
        assertEquals("--net: loss must be a probability between 0 and 1 (or 0%-100%), not '1.5'",
                assertThrows(NetSpec.NetSpecException.class, () -> NetSpec.parse("user,loss=1.5")).getMessage());
        assertEquals("--net: dup must be a probability between 0 and 1 (or 0%-100%), not 'x'",
                assertThrows(NetSpec.NetSpecException.class, () -> NetSpec.parse("user,dup=x")).getMessage());
        assertEquals("--net: seed must be an integer, not '1.5'",
                assertThrows(NetSpec.NetSpecException.class, () -> NetSpec.parse("user,seed=1.5")).getMessage());
        assertEquals("--net: loss, dup and reorder need a back end (user or socket)",
                assertThrows(NetSpec.NetSpecException.class, () -> NetSpec.parse("none,loss=0.5")).getMessage());
        // open() wraps the back end
        try (NetBackend b = NetSpec.parse("user,loss=0.5,seed=3").open(() -> 0)) {
            assertTrue(b instanceof FaultyLink, b.getClass().getName());
        }
    }

    @Test
    void theFuzzerIsDeterministicAndCoversEveryKind() {
        FrameFuzzer.Target t = new FrameFuzzer.Target(new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x56}, 0x0a00020f,
                new byte[] {0x52, 0x54, 0, 0x12, 0x34, 0x57}, 0x0a000202);
        FrameFuzzer a = new FrameFuzzer(t, 1), b = new FrameFuzzer(t, 1), c = new FrameFuzzer(t, 2);
        Set<String> kinds = new HashSet<>();
        boolean differs = false;
        for (int i = 0; i < 4 * FrameFuzzer.kinds(); i++) {
            byte[] x = a.next(), y = b.next(), z = c.next();
            assertArrayEquals(x, y);
            differs |= !java.util.Arrays.equals(x, z);
            kinds.add(a.lastKind());
            assertTrue(x.length >= 14 && x.length <= 1514, a.lastKind() + ": " + x.length + " bytes");
        }
        assertTrue(differs, "another seed, other frames");
        assertEquals(FrameFuzzer.kinds(), kinds.size());
        byte[] ping = FrameFuzzer.echoRequest(t, 7, 1, new byte[32]);
        assertEquals(0, FrameFuzzer.checksum(ping, 14, 20, 0), "a valid IPv4 header checksum");
        assertEquals(0, FrameFuzzer.checksum(ping, 34, ping.length - 34, 0), "a valid ICMP checksum");
    }
}
