package org.multios.devices.virtio;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.devices.virtio.VirtioNetRig.*;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multios.devices.net.Packets;
import org.multios.devices.pci.PciRegister;

class VirtioNetPciFunctionTest {
    static final int F_NEEDS_RESET = VirtioPciFunction.STATUS_NEEDS_RESET;
    static final long STEP_NS = 50_000;

    static byte[] frame(int n) {
        byte[] f = new byte[n];
        System.arraycopy(Packets.BROADCAST, 0, f, 0, 6);
        System.arraycopy(VirtioNetPciFunction.defaultMac(), 0, f, 6, 6);
        f[12] = 0x08;
        for (int i = 14; i < n; i++) f[i] = (byte) (i * 7);
        return f;
    }

    @Test
    void identityAndVirtioCapabilities() {
        try (VirtioNetRig r = new VirtioNetRig(new RecordingBackend())) {
            assertEquals(0x1af4, r.cfgRead(0, 2));
            assertEquals(0x1041, r.cfgRead(2, 2));
            assertEquals(1, r.cfgRead(8, 1), "non-transitional devices have revision >= 1");
            assertEquals(0x020000, r.cfgRead(8, 4) >>> 8);
            Map<Integer, Integer> vendorCaps = new HashMap<>();
            boolean msix = false;
            int notifyMultiplier = -1;
            for (int at = (int) r.cfgRead(0x34, 1), n = 0; at != 0 && n < 48; at = (int) r.cfgRead(at + 1, 1), n++) {
                int id = (int) r.cfgRead(at, 1);
                if (id == 0x11) msix = true;
                if (id == 0x09) {
                    int type = (int) r.cfgRead(at + 3, 1);
                    assertEquals(4, r.cfgRead(at + 4, 1), "structures live in BAR 4");
                    vendorCaps.put(type, (int) r.cfgRead(at + 8, 4));
                    if (type == 2) notifyMultiplier = (int) r.cfgRead(at + 16, 4);
                }
            }
            assertTrue(msix);
            assertEquals(Map.of(1, 0, 2, 0x3000, 3, 0x1000, 4, 0x2000), vendorCaps);
            assertEquals(4, notifyMultiplier);
        }
    }

    @Test
    void featureNegotiationAndDeviceConfig() {
        try (VirtioNetRig r = new VirtioNetRig(new RecordingBackend())) {
            r.configure();
            long offered = r.offered();
            for (int f : new int[] {0, 1, 3, 5, 16, 28, 32}) assertTrue((offered & 1L << f) != 0, "feature " + f);
            assertEquals(0, offered & 1L << 15, "no mergeable rx buffers offered");
            assertEquals(0x3, r.negotiate(1L << 5) & 0xb, "without VERSION_1 FEATURES_OK is refused");
            assertEquals(0x3, r.negotiate(1L << 32 | 1L << 22) & 0xb, "unoffered feature refused");
            assertEquals(0xb, r.negotiate(1L << 32 | 1L << 5));
            byte[] mac = VirtioNetPciFunction.defaultMac();
            for (int i = 0; i < 6; i++) assertEquals(mac[i] & 0xff, r.bus.read(DEVCFG + i, 1));
            assertEquals(1, r.bus.read(DEVCFG + 6, 2), "link up");
            assertEquals(1500, r.bus.read(DEVCFG + 10, 2));
            assertEquals(2, r.common(VirtioPciFunction.NUM_QUEUES, 2));
        }
    }

    @Test
    void transmitAndReceiveWithIntxAndIsr() {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            byte[] f = frame(100);
            r.send(0, f);
            assertTrue(be.sent.isEmpty(), "nothing moves before the device event");
            r.run(10_000);
            assertEquals(1, be.sent.size());
            assertArrayEquals(f, be.sent.get(0));
            assertEquals(1, r.usedIdx(1));
            assertTrue(r.wires[0] || r.wires[1] || r.wires[2] || r.wires[3], "INTx asserted");
            assertEquals(1, r.bus.read(ISR, 1));
            assertEquals(0, r.bus.read(ISR, 1), "ISR read clears");
            assertFalse(r.wires[0] || r.wires[1] || r.wires[2] || r.wires[3], "INTx dropped");

            byte[] in = frame(60);
            be.sink.deliver(in);
            r.run(STEP_NS * 2);
            var got = r.received();
            assertEquals(1, got.size());
            assertArrayEquals(in, got.get(0));
            assertTrue(r.net.isDriverOk());
        }
    }

    @Test
    void hostThreadFramesArePostedWithoutAnyPeriodicPoll() throws Exception {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            r.run(1_000_000);
            assertEquals(Long.MAX_VALUE, r.clock.nextDeadline(), "an idle NIC schedules nothing (no receive poll)");
            assertFalse(r.clock.hostInput().live(), "a back end that never delivers on its own is no host input source");
            assertEquals(0, r.clock.hostInput().posts());
            Thread host = new Thread(() -> { be.sink.deliver(frame(70)); be.sink.deliver(frame(71)); });
            host.start();
            host.join();
            assertTrue(r.clock.hostInput().hasPending(), "a frame from a host thread wakes the machine");
            assertEquals(1, r.clock.hostInput().posts(), "one post per burst: the inbox is drained whole");
            long t = r.clock.nanos();
            r.run(0);
            var got = r.received();
            assertEquals(2, got.size());
            assertEquals(70, got.get(0).length);
            assertEquals(t, r.clock.nanos(), "moved in at the virtual time it arrived");
            r.run(STEP_NS); // the re-posted buffers' doorbell
            assertEquals(Long.MAX_VALUE, r.clock.nextDeadline());
        }
    }

    @Test
    void synchronousAnswersStayOnTheVirtualTimeline() {
        RecordingBackend be = new RecordingBackend();
        be.echo = true;
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            r.send(0, frame(90));
            r.run(STEP_NS);
            assertEquals(0, r.clock.hostInput().posts(), "an answer inside transmit is not host input");
            var got = r.received();
            assertEquals(1, got.size());
            assertEquals(90, got.get(0).length);
        }
    }

    @Test
    void receivedFramesWaitForBuffers() {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.configure();
            r.negotiate(1L << 32);
            r.setupQueue(0);
            r.setupQueue(1);
            r.common(VirtioPciFunction.DEVICE_STATUS, 1, 0xf);
            for (int i = 0; i < 3; i++) be.sink.deliver(frame(64 + i));
            r.run(STEP_NS * 3);
            assertEquals(0, r.usedIdx(0));
            r.postRx(0);
            r.postRx(1);
            r.run(STEP_NS * 2);
            var got = r.received(); // re-posts the two buffers
            r.run(STEP_NS * 2);
            got.addAll(r.received());
            assertEquals(3, got.size());
            for (int i = 0; i < 3; i++) assertEquals(64 + i, got.get(i).length);
        }
    }

    @Test
    void partialChecksumIsCompleted() {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            int src = Packets.ip(10, 0, 2, 15), dst = Packets.ip(10, 0, 2, 2);
            byte[] udp = Packets.udp(src, dst, 1000, 2000, "checksum me".getBytes());
            int good = Packets.u16(udp, 6);
            // What a driver with CSUM does: pseudo-header sum in the field, device adds the rest.
            Packets.put16(udp, 6, Packets.sum(new byte[0], 0, 0, Packets.pseudoSum(src, dst, 17, udp.length)));
            byte[] f = Packets.ethernet(Packets.BROADCAST, VirtioNetPciFunction.defaultMac(), 0x800, Packets.ipv4(src, dst, 17, 1, udp));
            byte[] hdr = new byte[12];
            hdr[0] = VirtioNetPciFunction.HDR_F_NEEDS_CSUM;
            Packets.put16(hdr, 6, 0); // little-endian fields: csum_start = 34, csum_offset = 6
            hdr[6] = 34;
            hdr[8] = 6;
            r.send(0, hdr, f);
            r.run(10_000);
            byte[] out = be.sent.get(0);
            assertEquals(good, Packets.u16(out, 34 + 6));
        }
    }

    @Test
    void indirectDescriptorsCarryAFrame() {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            assertTrue(r.net.negotiated(VirtioPciFunction.F_VERSION_1));
            byte[] f = frame(200);
            long hdr = RAM + 0x300000, data = RAM + 0x301000, table = RAM + 0x302000;
            r.bus.loadImage(hdr, new byte[12], 0, 12);
            r.bus.loadImage(data, f, 0, f.length);
            r.bus.write(table, 8, hdr); r.bus.write(table + 8, 4, 12); r.bus.write(table + 12, 2, 1); r.bus.write(table + 14, 2, 1);
            r.bus.write(table + 16, 8, data); r.bus.write(table + 24, 4, f.length); r.bus.write(table + 28, 2, 0); r.bus.write(table + 30, 2, 0);
            r.desc(1, 5, table, 32, SplitVirtqueue.DESC_F_INDIRECT, 0);
            r.publish(1, 5);
            r.notify(1);
            r.run(10_000);
            assertEquals(0, r.net.status() & F_NEEDS_RESET, String.valueOf(r.net.lastError()));
            assertArrayEquals(f, be.sent.get(0));
        }
    }

    @Test
    void msixVectorWritesItsMessage() {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            int cap = 0;
            for (int at = (int) r.cfgRead(0x34, 1); at != 0; at = (int) r.cfgRead(at + 1, 1)) if (r.cfgRead(at, 1) == 0x11) cap = at;
            r.cfgWrite(cap + 2, 2, 1 << 15); // MSI-X enable
            long target = RAM + 0x400000;
            r.bus.write(BAR1 + 16, 4, target);        // entry 1: address
            r.bus.write(BAR1 + 16 + 4, 4, 0);
            r.bus.write(BAR1 + 16 + 8, 4, 0x4321);    // data
            r.bus.write(BAR1 + 16 + 12, 4, 0);        // unmask
            r.common(VirtioPciFunction.QUEUE_SELECT, 2, 1);
            r.common(VirtioPciFunction.QUEUE_MSIX_VECTOR, 2, 1);
            assertEquals(1, r.common(VirtioPciFunction.QUEUE_MSIX_VECTOR, 2));
            r.common(VirtioPciFunction.QUEUE_MSIX_VECTOR, 2, 77);
            assertEquals(0xffff, r.common(VirtioPciFunction.QUEUE_MSIX_VECTOR, 2), "unusable vector reads back NO_VECTOR");
            r.common(VirtioPciFunction.QUEUE_MSIX_VECTOR, 2, 1);
            r.send(0, frame(80));
            r.run(10_000);
            assertEquals(0x4321, r.bus.read(target, 4));
            assertEquals(0, r.bus.read(ISR, 1), "MSI-X does not use the ISR");
        }
    }

    // ---- hostile drivers: each ends in DEVICE_NEEDS_RESET, never a host exception or hang

    private static void assertNeedsReset(VirtioNetRig r, RecordingBackend be, String what) {
        assertDoesNotThrow(() -> r.run(1_000_000), what);
        assertEquals(F_NEEDS_RESET, r.net.status() & F_NEEDS_RESET, what + ": status " + r.net.status());
        assertNotNull(r.net.lastError());
        assertTrue(be.sent.isEmpty(), what + ": nothing transmitted");
        // The driver recovers by resetting the device.
        r.start();
        assertEquals(0, r.net.status() & F_NEEDS_RESET);
        byte[] f = frame(70);
        r.send(0, f);
        r.run(10_000);
        assertArrayEquals(f, be.sent.getLast(), what + ": works after reset");
    }

    interface Sabotage { void apply(VirtioNetRig r); }

    private static void hostile(String what, Sabotage s) {
        RecordingBackend be = new RecordingBackend();
        try (VirtioNetRig r = new VirtioNetRig(be)) {
            r.start();
            s.apply(r);
            assertNeedsReset(r, be, what);
        }
    }

    @Test
    void descriptorLoop() {
        hostile("loop", r -> {
            r.desc(1, 0, RAM + 0x300000, 20, SplitVirtqueue.DESC_F_NEXT, 1);
            r.desc(1, 1, RAM + 0x300100, 20, SplitVirtqueue.DESC_F_NEXT, 0);
            r.publish(1, 0);
            r.notify(1);
        });
    }

    @Test
    void bufferOutsideRam() {
        hostile("outside RAM", r -> {
            r.desc(1, 0, 0x1000, 100, 0, 0);
            r.publish(1, 0);
            r.notify(1);
        });
    }

    @Test
    void hugeLength() {
        hostile("huge length", r -> {
            r.desc(1, 0, RAM + 0x1000, 0xffff_fff0L, 0, 0);
            r.publish(1, 0);
            r.notify(1);
        });
    }

    @Test
    void bufferWrappingAroundTheAddressSpace() {
        hostile("wrap", r -> {
            r.desc(1, 0, -64L, 128, 0, 0);
            r.publish(1, 0);
            r.notify(1);
        });
    }

    @Test
    void availIndexRunsAhead() {
        hostile("avail idx", r -> {
            r.bus.write(AVAIL[1] + 2, 2, 1000);
            r.notify(1);
        });
    }

    @Test
    void headOutsideTheTable() {
        hostile("head index", r -> {
            r.publish(1, 40);
            r.notify(1);
        });
    }

    @Test
    void nestedIndirectTable() {
        hostile("nested indirect", r -> {
            long table = RAM + 0x302000;
            r.bus.write(table, 8, table); r.bus.write(table + 8, 4, 16); r.bus.write(table + 12, 2, SplitVirtqueue.DESC_F_INDIRECT);
            r.desc(1, 0, table, 16, SplitVirtqueue.DESC_F_INDIRECT, 0);
            r.publish(1, 0);
            r.notify(1);
        });
    }

    @Test
    void indirectLoop() {
        hostile("indirect loop", r -> {
            long table = RAM + 0x302000;
            for (int i = 0; i < 2; i++) {
                r.bus.write(table + 16 * i, 8, RAM + 0x300000); r.bus.write(table + 16 * i + 8, 4, 20);
                r.bus.write(table + 16 * i + 12, 2, SplitVirtqueue.DESC_F_NEXT); r.bus.write(table + 16 * i + 14, 2, 1 - i);
            }
            r.desc(1, 0, table, 32, SplitVirtqueue.DESC_F_INDIRECT, 0);
            r.publish(1, 0);
            r.notify(1);
        });
    }

    @Test
    void ringsOutsideRam() {
        hostile("rings outside RAM", r -> {
            r.common(VirtioPciFunction.DEVICE_STATUS, 1, 0);
            r.negotiate(1L << 32);
            r.common(VirtioPciFunction.QUEUE_SELECT, 2, 1);
            r.common(VirtioPciFunction.QUEUE_DESC, 8, 0x2000_0000L);
            r.common(VirtioPciFunction.QUEUE_ENABLE, 2, 1);
            r.common(VirtioPciFunction.DEVICE_STATUS, 1, 0xf);
            r.notify(1);
        });
    }

    @Test
    void busMasteringOff() {
        hostile("bus master off", r -> {
            r.send(0, frame(90));
            r.cfgWrite(PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE);
        });
    }

    @Test
    void randomRingGarbageNeverThrows() {
        java.util.Random rnd = new java.util.Random(8);
        for (int round = 0; round < 25; round++) {
            RecordingBackend be = new RecordingBackend();
            try (VirtioNetRig r = new VirtioNetRig(be)) {
                r.start();
                for (int q = 0; q < 2; q++) {
                    for (int i = 0; i < 16 * 16; i += 8) r.bus.write(DESC[q] + i, 8, rnd.nextInt(4) == 0 ? RAM + rnd.nextInt(1 << 20) : rnd.nextLong());
                    r.bus.write(AVAIL[q] + 2, 2, rnd.nextInt(20));
                    for (int i = 0; i < 16; i++) r.bus.write(AVAIL[q] + 4 + 2 * i, 2, rnd.nextInt(20));
                    r.notify(q);
                }
                be.sink.deliver(frame(64));
                assertDoesNotThrow(() -> r.run(1_000_000));
            }
        }
    }
}
