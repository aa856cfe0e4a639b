package org.multios.core.gdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.multios.core.gdb.FakeCpu.CODE;
import static org.multios.core.gdb.FakeCpu.DATA;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.debug.DebugTarget;
import org.multios.core.debug.OsAwareness;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;

/**
 * {@code monitor os on} against a fake OS on one {@link FakeCpu}: two threads (ids 10 and 20)
 * that take turns on the CPU instruction by instruction, each with its own r0 and its own
 * "address space" (thread 20's addresses are 0x100 further into RAM).
 */
@Timeout(60)
class GdbOsAwarenessTest {
    Machine machine;
    FakeCpu cpu;
    Thread machineThread;
    GdbServer server;

    /** Thread 10 holds the CPU after an even number of instructions, thread 20 after an odd one. */
    long onCpu() { return cpu.retired % 2 == 0 ? 10 : 20; }

    final class FakeThread implements OsAwareness.OsThread {
        final long id;
        final String name;

        FakeThread(long id, String name) {
            this.id = id;
            this.name = name;
        }

        @Override public long id() { return id; }
        @Override public String name() { return name; }
        @Override public Cpu cpu() { return cpu; }
        @Override public TargetDescription description() { return cpu.description(); }
        @Override public long pc() { return cpu.pc(); }
        @Override public void setPc(long pc) { cpu.setPc(pc); }
        @Override public byte[] readRegister(int n) { return n == 0 ? FakeCpu.le(id * 0x101, 8) : cpu.readRegister(n); }
        @Override public boolean writeRegister(int n, byte[] v) { return false; }
        @Override public long translate(long va, boolean write) { return id == 20 ? va + 0x100 : va; }
        @Override public boolean translating() { return true; }
        @Override public void setDebugHooks(DebugHooks hooks) { cpu.setDebugHooks(hooks); }
        @Override public void flushTlb() { cpu.flushTlb(); }
        @Override public String threadInfo() { return "fake thread " + id; }
        @Override public String infoRegisters() { return "thread " + id + "\n"; }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (machine != null) machine.stop(0, "test over");
        if (machineThread != null) machineThread.join(5000);
        if (server != null) server.close();
    }

    @Test
    void osThreadsReplaceTheCpusWithTheirOwnRegistersMemoryAndSteps() throws IOException {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", CODE, 0x10000);
        int[] program = GdbServerTest.PROGRAM;
        byte[] code = new byte[program.length * 4];
        ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(program);
        bus.loadImage(CODE, code, 0, code.length);
        bus.loadImage(DATA + 0x40, new byte[] {0x11}, 0, 1);
        bus.loadImage(DATA + 0x140, new byte[] {0x22}, 0, 1);
        machine = new Machine(bus, new VirtualClock());
        cpu = new FakeCpu(0, bus, machine);
        machine.addCpu(cpu);
        OsAwareness os = new OsAwareness() {
            @Override public List<OsThread> threads() { return List.of(new FakeThread(10, "init --foo"), new FakeThread(20, "worker <1>")); }
            @Override public long threadOnCpu(int c) { return onCpu(); }
        };
        DebugTarget target = DebugTarget.withOs(DebugTarget.of(machine, List.<DebugCpu>of(cpu)), os);
        machine.pause();
        machineThread = Thread.ofPlatform().daemon().name("machine").start(machine::run);
        server = GdbServer.start(target, "127.0.0.1:0");
        try (GdbTestClient c = new GdbTestClient(server.port())) {
            assertEquals("m1", c.ask("qfThreadInfo"), "the vCPUs until os on");
            assertEquals("OK", monitor(c, "os on"));
            assertEquals("ma,14", c.ask("qfThreadInfo"));
            String xml = c.ask("qXfer:threads:read::0,fff");
            assertTrue(xml.contains("id=\"a\"") && xml.contains("name=\"init --foo\""), xml);
            assertTrue(xml.contains("id=\"14\"") && xml.contains("name=\"worker &lt;1&gt;\"") && xml.contains(">fake thread 20<"), xml);
            // Registers and memory follow the selected thread.
            assertEquals("OK", c.ask("Hga"));
            assertEquals("QCa", c.ask("qC"));
            assertEquals(GdbServerTest.hex64(0xa0a), c.ask("p0"));
            assertEquals("11", c.ask("m" + Long.toHexString(DATA + 0x40) + ",1"));
            assertEquals("OK", c.ask("Hg14"));
            assertEquals(GdbServerTest.hex64(0x1414), c.ask("p0"));
            assertEquals("22", c.ask("m" + Long.toHexString(DATA + 0x40) + ",1"), "thread 20's address space");
            assertEquals("OK", c.ask("T14"));
            assertTrue(c.ask("T15").startsWith("E"));
            assertTrue(c.ask("Hg15").startsWith("E"));
            // A step of thread 20 counts only its instructions, and the stop names it.
            for (int i = 0; i < 3; i++) {
                assertEquals("T05thread:14;", c.ask("vCont;s:14"));
                assertEquals(20, onCpu());
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("T05thread:a;", c.ask("vCont;s:a"));
                assertEquals(10, onCpu());
            }
            assertEquals("OK", monitor(c, "os off"));
            assertEquals("m1", c.ask("qfThreadInfo"));
        }
    }

    /** Runs a monitor command; returns the final reply (after the console-output packets). */
    static String monitor(GdbTestClient c, String cmd) throws IOException {
        StringBuilder hex = new StringBuilder();
        for (byte b : cmd.getBytes(StandardCharsets.UTF_8)) hex.append(String.format("%02x", b));
        c.send("qRcmd," + hex);
        String r;
        while ((r = c.reply()).startsWith("O") && !r.equals("OK")) { }
        return r;
    }
}
