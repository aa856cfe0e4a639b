package org.multios.core.gdb;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.core.gdb.FakeCpu.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugTarget;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;

/** The stub over a real socket against {@link FakeCpu}s running in a real {@link Machine}. */
@Timeout(60)
class GdbServerTest {
    /** The loop every fake CPU runs: r0 += 1; store r0 at DATA; load DATA+8; nop; jump back. */
    static final int[] PROGRAM = {insn(ADDI, 1), insn(STORE, 0), insn(LOAD, 8), insn(NOP, 0), insn(JMP, 0)};

    PhysicalBus bus;
    Machine machine;
    List<FakeCpu> cpus = new ArrayList<>();
    Thread machineThread;
    GdbServer server;
    boolean traceOn;
    int resets;

    void boot(int ncpu, boolean waitForDebugger) throws IOException {
        bus = new PhysicalBus();
        bus.addRam("ram", CODE, 0x10000);
        bus.add(RamRegion.rom("rom", 0x1000, 0x1000));
        byte[] code = new byte[PROGRAM.length * 4];
        ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(PROGRAM);
        bus.loadImage(CODE, code, 0, code.length);
        machine = new Machine(bus, new VirtualClock());
        for (int i = 0; i < ncpu; i++) {
            FakeCpu c = new FakeCpu(i, bus, machine);
            cpus.add(c);
            machine.addCpu(c);
        }
        DebugTarget target = new DebugTarget() {
            @Override public Machine machine() { return machine; }
            @Override public List<DebugCpu> cpus() { return List.copyOf(cpus); }
            @Override public boolean setTrace(boolean on) { traceOn = on; return true; }
            @Override public void reset() { resets++; machine.reset(); }
        };
        if (waitForDebugger) machine.pause();
        machineThread = Thread.ofPlatform().daemon().name("machine").start(machine::run);
        server = GdbServer.start(target, "127.0.0.1:0");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (machine != null) machine.stop(0, "test over");
        if (machineThread != null) machineThread.join(5000);
        if (server != null) server.close();
    }

    GdbTestClient connect() throws IOException { return new GdbTestClient(server.port()); }

    static String hex64(long v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) sb.append(String.format("%02x", (v >>> (8 * i)) & 0xff));
        return sb.toString();
    }

    static long fromHex64(String s) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return v;
    }

    long pcOf(GdbTestClient c) throws IOException { return fromHex64(c.ask("p4")); }

    static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { throw new AssertionError(e); }
    }

    // ---- handshake and queries ----

    @Test
    void handshakeAdvertisesEveryFeatureAndNoAckModeStopsAcks() throws IOException {
        boot(1, false);
        try (GdbTestClient c = connect()) {
            String sup = c.ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
            for (String f : List.of("PacketSize=4000", "qXfer:features:read+", "qXfer:threads:read+",
                    "qXfer:memory-map:read+", "vContSupported+", "QStartNoAckMode+", "swbreak+", "hwbreak+")) {
                assertTrue(sup.contains(f), f + " missing from " + sup);
            }
            assertEquals("OK", c.ask("QStartNoAckMode"));
            c.noAck = true;
            c.raw(GdbTestClient.frame("?"));
            // The very next byte must be the reply packet, not an ack.
            assertEquals('$', c.readByte());
            assertEquals("T05thread:1;", readRest(c));
            assertEquals("", c.ask("vMustReplyEmpty"));
            assertEquals("", c.ask("qNoSuchPacket"));
            assertEquals("", c.ask("Jfoo"));
        }
    }

    private static String readRest(GdbTestClient c) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = c.readByte()) != '#') sb.append((char) b);
        c.readByte();
        c.readByte();
        return sb.toString();
    }

    @Test
    void attachStopsTheGuestAndStopReplyNamesTheThread() throws IOException {
        boot(1, false);
        sleep(50);
        try (GdbTestClient c = connect()) {
            assertEquals("T05thread:1;", c.ask("?"));
            assertEquals(Machine.State.PAUSED, machine.state());
            long retired = cpus.get(0).retired;
            sleep(50);
            assertEquals(retired, cpus.get(0).retired, "guest must not run while stopped");
            assertTrue(retired > 0);
        }
    }

    @Test
    void gdbWaitHaltsBeforeTheFirstInstruction() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("T05thread:1;", c.ask("?"));
            assertEquals(0, cpus.get(0).retired);
            assertEquals(CODE, pcOf(c));
        }
    }

    @Test
    void targetDescriptionIsServedInChunksWithIncludes() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            String whole = c.ask("qXfer:features:read:target.xml:0,3fff");
            assertTrue(whole.startsWith("l<?xml"), whole);
            assertTrue(whole.contains("<architecture>fake:64</architecture>"));
            assertTrue(whole.contains("<xi:include href=\"fake-core.xml\"/>"));
            StringBuilder pieces = new StringBuilder();
            for (int off = 0; ; off += 10) {
                String r = c.ask("qXfer:features:read:target.xml:" + Integer.toHexString(off) + ",a");
                pieces.append(r.substring(1));
                if (r.startsWith("l")) break;
                assertTrue(r.startsWith("m"));
            }
            assertEquals(whole.substring(1), pieces.toString());
            String core = c.ask("qXfer:features:read:fake-core.xml:0,3fff");
            assertTrue(core.contains("<feature name=\"org.multios.fake.core\">"));
            assertTrue(core.contains("<reg name=\"pc\" bitsize=\"64\" regnum=\"4\" type=\"code_ptr\""));
            assertEquals("E00", c.ask("qXfer:features:read:nonexistent.xml:0,100"));
            assertEquals("l", c.ask("qXfer:features:read:target.xml:ffff,100"));
        }
    }

    @Test
    void threadQueriesDescribeOneThreadPerCpu() throws IOException {
        boot(2, true);
        try (GdbTestClient c = connect()) {
            assertEquals("QC1", c.ask("qC"));
            assertEquals("m1,2", c.ask("qfThreadInfo"));
            assertEquals("l", c.ask("qsThreadInfo"));
            assertEquals(GdbHex.encode("fake cpu 1"), c.ask("qThreadExtraInfo,2"));
            assertEquals("1", c.ask("qAttached"));
            assertEquals("1", c.ask("qAttached:1"));
            assertEquals("Text=0;Data=0;Bss=0", c.ask("qOffsets"));
            assertEquals("OK", c.ask("T2"));
            assertEquals("E01", c.ask("T3"));
            String threads = c.ask("qXfer:threads:read::0,fff");
            assertTrue(threads.startsWith("l<?xml"));
            assertTrue(threads.contains("<thread id=\"1\" core=\"0\" name=\"cpu0\">fake cpu 0</thread>"));
            assertTrue(threads.contains("<thread id=\"2\" core=\"1\" name=\"cpu1\">fake cpu 1</thread>"));
            // Hg selects the CPU whose registers we read.
            cpus.get(1).r[2] = 0x1122334455667788L;
            assertEquals("OK", c.ask("Hg2"));
            assertEquals("QC2", c.ask("qC"));
            assertEquals(hex64(0x1122334455667788L), c.ask("p2"));
            assertEquals("OK", c.ask("Hg1"));
            assertEquals(hex64(0), c.ask("p2"));
            assertEquals("OK", c.ask("Hc-1"));
            assertEquals("OK", c.ask("Hg0"));
            assertEquals("E16", c.ask("Hg9"));
            assertEquals("E16", c.ask("Hx1"));
        }
    }

    @Test
    void memoryMapListsRamAndRomOrTheWholeSpaceWhenTranslating() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            String map = c.ask("qXfer:memory-map:read::0,fff");
            assertTrue(map.contains("<memory type=\"ram\" start=\"0x80000000\" length=\"0x10000\"/>"), map);
            assertTrue(map.contains("<memory type=\"rom\" start=\"0x1000\" length=\"0x1000\"/>"), map);
            cpus.get(0).paging = true;
            cpus.get(0).pc = CODE + VOFF;
            map = c.ask("qXfer:memory-map:read::0,fff");
            assertTrue(map.contains("start=\"0x0\" length=\"0xffffffffffffffff\""), map);
        }
    }

    // ---- registers ----

    @Test
    void registersReadAndWriteByPacketAndSingly() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            FakeCpu cpu = cpus.get(0);
            cpu.r[0] = 0x0102030405060708L;
            cpu.r[3] = -1;
            String g = c.ask("g");
            assertEquals(5 * 16, g.length(), "g holds r0-r3 and pc only");
            assertEquals(hex64(0x0102030405060708L) + hex64(0) + hex64(0) + hex64(-1) + hex64(CODE), g);
            assertEquals("34120000", c.ask("p5"), "registers outside g are read with p");
            assertEquals("E45", c.ask("p6"));
            assertEquals("OK", c.ask("P1=" + hex64(0xdeadbeefL)));
            assertEquals(0xdeadbeefL, cpu.r[1]);
            assertEquals("OK", c.ask("P5=78563412"));
            assertEquals(0x12345678, cpu.status);
            assertEquals("E16", c.ask("P5=7856"), "wrong width");
            assertEquals("E45", c.ask("P9=00"));
            String newG = hex64(1) + hex64(2) + hex64(3) + hex64(4) + hex64(CODE + 8);
            assertEquals("OK", c.ask("G" + newG));
            assertEquals(3, cpu.r[2]);
            assertEquals(CODE + 8, cpu.pc);
            assertEquals("E16", c.ask("G0011"));
            assertEquals("E16", c.ask("Gzz"));
            assertEquals("E16", c.ask("P1"));
            assertEquals("E16", c.ask("pxyz"));
        }
    }

    // ---- memory ----

    @Test
    void memoryReadWriteAndBinaryWrite() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("01010000020000000308", c.ask("m80000000,a"));
            assertEquals("OK", c.ask("M80008000,4:aabbccdd"));
            assertEquals(0xddccbbaaL, bus.read(DATA, 4));
            // X: binary with escapes for '#', '$', '}' and '*'.
            byte[] payload = {'X'};
            String head = "X80008010,5:";
            byte[] body = {0x23 ^ 0x20, 0x24 ^ 0x20, 0x7d ^ 0x20, 0x2a ^ 0x20, 0x41};
            ByteBuffer bb = ByteBuffer.allocate(head.length() + 9);
            bb.put(head.getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 4; i++) bb.put((byte) '}').put(body[i]);
            bb.put(body[4]);
            assertEquals("OK", c.ask(new String(bb.array(), StandardCharsets.ISO_8859_1)));
            assertEquals("23247d2a41", c.ask("m80008010,5"));
            assertNotNull(payload);
            assertEquals("OK", c.ask("X80008000,0:"), "GDB's probe for X support");
            // Writes to ROM work for the debugger (the guest cannot write it).
            assertEquals("OK", c.ask("M1000,2:5aa5"));
            assertEquals("5aa5", c.ask("m1000,2"));
            // Nothing mapped, or a device: error. A read that runs off the end is short.
            assertEquals("E14", c.ask("m0,4"));
            assertEquals("E14", c.ask("M0,1:00"));
            assertEquals("0000", c.ask("m8000fffe,4"));
            assertEquals("E16", c.ask("M80008000,4:aabb"));
            assertEquals("E16", c.ask("m80008000"));
            assertEquals("E16", c.ask("mzz,4"));
            assertEquals("E16", c.ask("m1,99999999999"));
            assertEquals("", c.ask("m80000000,0"));
            // Large reads are capped below the packet size; GDB asks again for the rest.
            String big = c.ask("m80000000,10000");
            assertEquals(2 * (GdbSession.PACKET_SIZE / 2 - 8), big.length());
        }
    }

    @Test
    void monitorPhysSwitchesBetweenVirtualAndPhysicalAddresses() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            cpus.get(0).paging = true;
            cpus.get(0).pc = CODE + VOFF;
            assertEquals("E14", c.ask("m80000000,4"));
            assertEquals("01010000", c.ask("m" + Long.toHexString(CODE + VOFF) + ",4"));
            assertEquals("OK", monitor(c, "phys on", "physical"));
            assertEquals("01010000", c.ask("m80000000,4"));
            assertEquals("OK", monitor(c, "phys off", "virtual"));
            assertEquals("E14", c.ask("m80000000,4"));
        }
    }

    /** Sends a monitor command; checks its output contains {@code expect}; returns the final reply. */
    static String monitor(GdbTestClient c, String cmd, String expect) throws IOException {
        c.send("qRcmd," + GdbHex.encode(cmd));
        StringBuilder out = new StringBuilder();
        String r;
        while ((r = c.reply()).startsWith("O") && !r.equals("OK")) {
            out.append(new String(GdbHex.decode(r.substring(1)), StandardCharsets.UTF_8));
        }
        assertTrue(out.toString().contains(expect), "monitor " + cmd + " said: " + out);
        return r;
    }

    @Test
    void monitorCommands() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            cpus.get(0).r[0] = 0xabcdef;
            assertEquals("OK", monitor(c, "help", "info tlb"));
            assertEquals("OK", monitor(c, "info registers", "r0 0000000000abcdef"));
            assertEquals("OK", monitor(c, "info tlb", "tlb of fake cpu 0"));
            assertEquals("OK", monitor(c, "info mem", "no memory-mapping information"));
            assertEquals("OK", monitor(c, "trace on", "trace on"));
            assertTrue(traceOn);
            assertEquals("OK", monitor(c, "trace   OFF", "trace off"));
            assertFalse(traceOn);
            assertEquals("OK", monitor(c, "reset", "machine reset"));
            assertEquals(1, resets);
            assertEquals(0, cpus.get(0).r[0]);
            assertEquals("OK", monitor(c, "frobnicate", "unknown monitor command"));
            assertEquals("E16", c.ask("qRcmd,zz"));
        }
    }

    // ---- execution ----

    @Test
    void softwareBreakpointStopsWithoutTouchingMemory() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            c.ask("qSupported:swbreak+;hwbreak+");
            String before = c.ask("m80000008,4");
            assertEquals("OK", c.ask("Z0,80000008,4"));
            assertEquals(before, c.ask("m80000008,4"), "software breakpoints never modify guest memory");
            assertEquals("T05thread:1;swbreak:;", c.ask("c"));
            assertEquals(CODE + 8, pcOf(c));
            long r0 = cpus.get(0).r[0];
            // Continuing from the breakpoint executes it and stops there on the next loop.
            assertEquals("T05thread:1;swbreak:;", c.ask("vCont;c"));
            assertEquals(CODE + 8, pcOf(c));
            assertEquals(r0 + 1, cpus.get(0).r[0]);
            assertEquals("OK", c.ask("z0,80000008,4"));
            assertEquals("OK", c.ask("Z1,80000010,4"));
            assertEquals("T05thread:1;hwbreak:;", c.ask("c"));
            assertEquals(CODE + 0x10, pcOf(c));
            assertEquals("OK", c.ask("z1,80000010,4"));
            assertEquals("OK", c.ask("z1,80000010,4"), "removing twice is harmless");
            assertEquals("", c.ask("Z5,80000010,4"), "unknown kinds are unsupported, not errors");
            assertEquals("E16", c.ask("Z0,80000010"));
        }
    }

    @Test
    void stopReasonsAreLeftOutForClientsThatDidNotAskForThem() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("OK", c.ask("Z0,80000004,4"));
            assertEquals("T05thread:1;", c.ask("c"));
        }
    }

    @Test
    void watchpointsReportTheDataAddressAfterTheAccess() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            int flushes = cpus.get(0).tlbFlushes;
            assertEquals("OK", c.ask("Z2,80008000,8"));
            assertEquals("T05thread:1;watch:80008000;", c.ask("c"));
            assertTrue(cpus.get(0).tlbFlushes > flushes, "setting a watchpoint flushes the TLB");
            assertEquals(CODE + 8, pcOf(c), "stops after the storing instruction");
            assertEquals("OK", c.ask("z2,80008000,8"));
            assertEquals("OK", c.ask("Z3,80008008,4"));
            assertEquals("T05thread:1;rwatch:80008008;", c.ask("c"));
            assertEquals(CODE + 12, pcOf(c));
            assertEquals("OK", c.ask("z3,80008008,4"));
            assertEquals("OK", c.ask("Z4,80008004,8"));
            String r = c.ask("c");
            assertTrue(r.matches("T05thread:1;awatch:8000800[48];"), r);
            assertEquals("OK", c.ask("z4,80008004,8"));
            assertEquals("E16", c.ask("Z2,80008000,0"));
        }
    }

    @Test
    void singleStepAndRangeStep() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("vCont;c;C;s;S;t;r", c.ask("vCont?"));
            assertEquals("T05thread:1;", c.ask("s"));
            assertEquals(CODE + 4, pcOf(c));
            assertEquals(1, cpus.get(0).retired);
            assertEquals("T05thread:1;", c.ask("vCont;s:1;c"));
            assertEquals(CODE + 8, pcOf(c));
            assertEquals("T05thread:1;", c.ask("S05"));
            assertEquals(CODE + 12, pcOf(c));
            // Range stepping runs until the pc leaves [start, end).
            assertEquals("OK", c.ask("P4=" + hex64(CODE)));
            assertEquals("T05thread:1;", c.ask("vCont;r80000000,80000010:1;c"));
            assertEquals(CODE + 0x10, pcOf(c));
            assertEquals(3 + 4, cpus.get(0).retired);
            // Stepping from a breakpoint executes it.
            assertEquals("OK", c.ask("Z0,80000000,4"));
            assertEquals("T05thread:1;", c.ask("s"));
            assertEquals(CODE, pcOf(c));
            assertEquals("T05thread:1;", c.ask("s"));
            assertEquals(CODE + 4, pcOf(c));
            // s ADDR moves the pc first.
            assertEquals("T05thread:1;", c.ask("s80000008"));
            assertEquals(CODE + 12, pcOf(c));
            assertEquals("OK", c.ask("vCont;t"));
            assertEquals("E16", c.ask("vCont;x"));
            assertEquals("E16", c.ask("vCont;r1:1"));
        }
    }

    @Test
    void ctrlCInterruptsASpinningGuest() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            c.send("c");
            sleep(100);
            long r = cpus.get(0).retired;
            assertTrue(r > 0, "guest runs after c");
            c.raw(new byte[] {3});
            assertEquals("T02thread:1;", c.reply());
            assertEquals(Machine.State.PAUSED, machine.state());
        }
    }

    @Test
    void guestExitIsReportedAsExitStatus() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("OK", c.ask("M8000000c,4:" + String.format("%08x", Integer.reverseBytes(insn(HALT, 0)))));
            assertEquals("OK", c.ask("P0=" + hex64(0x29)));
            assertEquals("W2a", c.ask("c"));
            assertEquals("W2a", c.ask("?"));
        }
    }

    @Test
    void detachLeavesTheGuestRunningWithoutBreakpoints() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("OK", c.ask("Z0,80000008,4"));
            assertEquals("OK", c.ask("Z2,80008000,8"));
            assertEquals("OK", c.ask("D"));
        }
        sleep(200);
        assertEquals(Machine.State.RUNNING, machine.state());
        long r = cpus.get(0).retired;
        sleep(100);
        assertTrue(cpus.get(0).retired > r, "guest keeps running after detach");
        assertNull(cpus.get(0).hooks, "no debug hooks left after detach");
    }

    @Test
    void killStopsTheMachine() throws Exception {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            c.send("k");
            machineThread.join(5000);
            assertEquals(Machine.State.STOPPED, machine.state());
            assertEquals("killed by the debugger", machine.stopReason());
        }
    }

    @Test
    void noDebugHooksWhileRunningWithoutBreakpoints() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            c.send("c");
            sleep(50);
            assertNull(cpus.get(0).hooks, "an attached debugger with nothing to check costs the CPU nothing");
            c.raw(new byte[] {3});
            assertEquals("T02thread:1;", c.reply());
        }
    }

    @Test
    void twoCpusBothStopAtABreakpointHitByEither() throws IOException {
        boot(2, true);
        try (GdbTestClient c = connect()) {
            c.ask("qSupported:swbreak+");
            assertEquals("OK", c.ask("Z0,8000000c,4"));
            String r = c.ask("c");
            assertTrue(r.matches("T05thread:[12];swbreak:;"), r);
            assertEquals("QC" + r.charAt(10), c.ask("qC"), "the stopped thread becomes current");
            long a = cpus.get(0).retired, b = cpus.get(1).retired;
            sleep(50);
            assertEquals(a, cpus.get(0).retired);
            assertEquals(b, cpus.get(1).retired);
        }
    }

    // ---- robustness ----

    @Test
    void badChecksumsAreRefusedAndTheNextPacketWorks() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            c.raw("$qC#00");
            assertEquals('-', c.readByte());
            c.raw("$qC#zz");
            assertEquals('-', c.readByte());
            assertEquals("QC1", c.ask("qC"));
        }
    }

    @Test
    void nackMakesTheStubResendItsReply() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            c.send("qC");
            c.noAck = true; // do not ack the first copy
            assertEquals("QC1", c.reply());
            c.raw("-");
            assertEquals("QC1", c.reply());
            c.raw("+");
            c.noAck = false;
            assertEquals("OK", c.ask("T1"));
        }
    }

    @Test
    void malformedPacketsGetErrorsNotCrashes() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            for (String p : List.of("m", "M", "X", "Z", "z0", "p", "P", "H", "G1", "qXfer:features:read:target.xml",
                    "qXfer:features:read:target.xml:zz,1", "qThreadExtraInfo,zz", "c zz", "sxyz", "vCont;",
                    "m-1,1", "mffffffffffffffffff,1", "Z0,1,1;X", "T")) {
                String r = c.ask(p);
                assertTrue(r.isEmpty() || r.startsWith("E") || r.equals("OK"), p + " -> " + r);
            }
            assertEquals("", c.ask(""), "an empty packet gets an empty reply");
            assertEquals("QC1", c.ask("qC"));
        }
    }

    @Test
    void oversizedPacketIsDroppedWithoutBuffering() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            StringBuilder huge = new StringBuilder("$M80008000,1:");
            huge.append("a".repeat(GdbPacketFramer.MAX_PAYLOAD * 4)).append("#00");
            c.raw(huge.toString());
            assertEquals('-', c.readByte());
            assertEquals("QC1", c.ask("qC"));
            assertEquals("00", c.ask("m80008000,1"), "the oversized write did not happen");
        }
    }

    @Test
    void garbageAtHighRateAndDisconnectMidPacketLeaveTheStubWorking() throws IOException {
        boot(1, false);
        Random rnd = new Random(42);
        try (GdbTestClient c = connect()) {
            byte[] junk = new byte[1 << 20];
            rnd.nextBytes(junk);
            for (int i = 0; i < junk.length; i++) if (junk[i] == 3) junk[i] = 4; // keep Ctrl-C out
            Thread drain = Thread.ofVirtual().start(() -> {
                try { while (c.in.read() >= 0) { } } catch (IOException e) { }
            });
            c.raw(junk);
            c.raw("$qSupported:swbr");
            c.close();
            drain.join(5000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        // The client is gone: the guest runs on, and a new client gets a working stub.
        long deadline = System.currentTimeMillis() + 5000;
        while (server.isClientAttached() && System.currentTimeMillis() < deadline) sleep(10);
        sleep(100);
        assertEquals(Machine.State.RUNNING, machine.state());
        try (GdbTestClient c = connect()) {
            assertEquals("QC1", c.ask("qC"));
            assertEquals("T05thread:1;", c.ask("?"));
        }
    }

    @Test
    void aFloodOfValidPacketsWhileTheGuestRunsIsBounded() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect()) {
            assertEquals("OK", c.ask("QStartNoAckMode"));
            c.noAck = true;
            c.send("c");
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 500; i++) flood.append(GdbTestClient.frame("qC"));
            c.raw(flood.toString());
            sleep(100);
            c.raw(new byte[] {3});
            assertEquals("T02thread:1;", c.reply(), "the stop reply comes first");
            int answered = 0;
            c.socket.setSoTimeout(500);
            try {
                while (c.reply().equals("QC1")) answered++;
            } catch (java.net.SocketTimeoutException e) {
                // drained
            }
            c.socket.setSoTimeout(10_000);
            assertTrue(answered > 0 && answered <= 64, "queued packets answered: " + answered);
            assertEquals("QC1", c.ask("qC"));
            assertTrue(cpus.get(0).retired > 0);
        }
    }

    @Test
    void aSecondClientIsRefusedWhileOneIsAttached() throws IOException {
        boot(1, true);
        try (GdbTestClient c = connect(); GdbTestClient d = connect()) {
            assertEquals("QC1", c.ask("qC"));
            assertEquals(-1, d.readByte(), "second connection is closed");
            assertEquals("QC1", c.ask("qC"));
        }
    }

    @Test
    void addressParsing() {
        assertEquals(new InetSocketAddress("127.0.0.1", 1234), GdbServer.parseAddress("1234"));
        assertEquals(new InetSocketAddress("127.0.0.1", 1234), GdbServer.parseAddress(":1234"));
        assertEquals(new InetSocketAddress("127.0.0.1", 1234), GdbServer.parseAddress("tcp::1234"));
        assertEquals(new InetSocketAddress("0.0.0.0", 9), GdbServer.parseAddress("0.0.0.0:9"));
        assertEquals(new InetSocketAddress("::1", 9), GdbServer.parseAddress("[::1]:9"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GdbServer.parseAddress("host:port"));
        assertEquals("--gdb expects [HOST:]PORT, got 'host:port'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GdbServer.parseAddress("70000"));
        assertThrows(IllegalArgumentException.class, () -> GdbServer.parseAddress(""));
    }

    @Test
    void portInUseIsAClearError() throws IOException {
        boot(1, true);
        IOException e = assertThrows(IOException.class, () -> GdbServer.start(
                DebugTarget.of(machine, cpus), "127.0.0.1:" + server.port()));
        assertTrue(e.getMessage().startsWith("cannot listen for GDB on 127.0.0.1:" + server.port()), e.getMessage());
    }
}
