package org.multios.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.VirtualClock;

/**
 * The idle rule (docs/architecture.md, "Time"): without live host input idle time is skipped
 * to the next deadline at once; with it, idle time passes no faster than host time and host
 * input lands at the virtual time it arrives.
 */
class MachineIdleTest {
    /** A CPU that sleeps in WFI for the whole run. */
    static final class SleepingCpu implements Cpu {
        @Override public int index() { return 0; }
        @Override public void reset() {}
        @Override public long run(long maxInstructions) { return 0; }
        @Override public boolean isWaiting() { return true; }
        @Override public long pc() { return 0; }
        @Override public void requestExit() {}
    }

    static Machine machine() {
        Machine m = new Machine(new PhysicalBus(), new VirtualClock());
        m.addCpu(new SleepingCpu());
        return m;
    }

    @Test
    @Timeout(30)
    void withoutHostInputIdleTimeIsSkippedAtOnce() {
        Machine m = machine();
        m.clock().schedule(3_600_000_000_000L, () -> m.stop(0, "an hour later"));
        long t0 = System.nanoTime();
        m.run();
        assertEquals("an hour later", m.stopReason());
        assertEquals(1, m.idleSkips());
        assertEquals(0, m.idleWaits());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "an idle virtual hour takes no wall time");
    }

    @Test
    @Timeout(30)
    void withALiveSourceIdleTimeFollowsHostTime() {
        Machine m = machine();
        m.clock().hostInput().addSource(() -> true);
        long deadline = 300_000_000; // 300 ms
        m.clock().schedule(deadline, () -> m.stop(0, "deadline"));
        long t0 = System.nanoTime();
        m.run();
        long wall = System.nanoTime() - t0;
        assertEquals("deadline", m.stopReason());
        assertEquals(0, m.idleSkips());
        assertTrue(m.idleWaits() >= 1);
        assertTrue(wall >= deadline, "virtual idle time never runs ahead of host time: " + wall + " ns wall");
    }

    @Test
    @Timeout(30)
    void hostInputLandsAtTheVirtualTimeItArrives() throws Exception {
        Machine m = machine();
        AtomicBoolean live = new AtomicBoolean(true);
        m.clock().hostInput().addSource(live::get);
        long deadline = 60_000_000_000L; // a minute: the post must come first
        m.clock().schedule(deadline, () -> m.stop(1, "deadline reached"));
        AtomicLong at = new AtomicLong(-1);
        Thread host = Thread.ofPlatform().start(() -> {
            try { Thread.sleep(200); } catch (InterruptedException e) { return; }
            m.clock().hostInput().post(() -> {
                at.set(m.clock().nanos());
                m.stop(0, "input");
            });
        });
        long t0 = System.nanoTime();
        m.run();
        long wall = System.nanoTime() - t0;
        host.join();
        assertEquals("input", m.stopReason());
        assertTrue(at.get() > 0 && at.get() <= wall, "virtual " + at.get() + " within the wall time " + wall);
        assertEquals(1, m.clock().hostInput().posts());
    }

    @Test
    @Timeout(30)
    void stopEndsAnIdleWait() throws Exception {
        Machine m = machine();
        m.clock().hostInput().addSource(() -> true);
        Thread host = Thread.ofPlatform().start(() -> {
            try { Thread.sleep(100); } catch (InterruptedException e) { return; }
            m.stop(3, "host stop");
        });
        m.run(); // nothing scheduled at all: only the stop ends it
        host.join();
        assertEquals(3, m.exitStatus());
    }
}
