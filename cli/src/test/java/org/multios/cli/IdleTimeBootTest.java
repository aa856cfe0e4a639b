package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.core.machine.Machine;

/**
 * The idle-time rule (docs/architecture.md, "Time") on the real default image:
 * <ul>
 * <li>an idle {@code boot --net user} guest without host connections skips idle time at once:
 *     the NIC needs no periodic receive poll, so {@code sleep 5} costs a few thousand idle
 *     skips (the UART's 1 ms poll and the kernel's timers) instead of 100 000 NIC polls, no
 *     paced waits and no host input;</li>
 * <li>a run without asynchronous input is exactly reproducible: two boots stopped at the same
 *     virtual time print the same console output and retire the same number of instructions.</li>
 * </ul>
 */
class IdleTimeBootTest {
    static final String PROMPT = BootConsoleTest.PROMPT;

    @Test
    @Timeout(240)
    void anIdleGuestOnTheUserNetworkSkipsIdleTimeWithoutANicPoll() throws Exception {
        try (BootHarness m = new BootHarness("--rtc", "fixed", "--net", "user")) {
            int at = m.waitFor(PROMPT);
            BootConsoleTest.Console c = new BootConsoleTest.Console(m.screen, m.keys, m.machine, at + PROMPT.length());
            c.type("while ! ifconfig eth0 | grep -q 10.0.2.15; do sleep 1; done");
            Machine mach = m.board.get().machine();
            long skips = mach.idleSkips(), waits = mach.idleWaits(), posts = mach.clock().hostInput().posts();
            long virt = mach.clock().nanos();
            long t0 = System.nanoTime();
            c.type("sleep 5");
            double wall = (System.nanoTime() - t0) / 1e9;
            long dSkips = mach.idleSkips() - skips;
            double dVirt = (mach.clock().nanos() - virt) / 1e9;
            System.out.printf("IdleTimeBootTest: sleep 5 with --net user: %.2f s wall, %d idle skips, %d paced waits, %d host posts, %.2f s virtual%n",
                    wall, dSkips, mach.idleWaits() - waits, mach.clock().hostInput().posts() - posts, dVirt);
            assertTrue(dVirt >= 5, "the guest slept 5 s of virtual time: " + dVirt);
            assertEquals(0, mach.idleWaits() - waits, "no host connection is open: idle time is skipped, not paced");
            assertEquals(0, mach.clock().hostInput().posts() - posts, "nothing arrived from host threads");
            // A 50 µs receive poll alone would cost 100 000 skips in 5 s.
            assertTrue(dSkips < 20_000, "idle skips during sleep 5: " + dSkips);
            m.stop();
        }
    }

    @Test
    @Timeout(240)
    void twoRunsWithoutAsynchronousInputAreIdentical() throws Exception {
        String[] first = bootUntil(STOP_AT), second = bootUntil(STOP_AT);
        assertTrue(first[0].contains(PROMPT), first[0]);
        assertEquals(first[0], second[0], "console output");
        assertEquals(first[1], second[1], "retired instructions and virtual time");
    }

    /** Virtual time at which both runs stop: well after the shell prompt. */
    static final long STOP_AT = 8_000_000_000L;

    /** Boots with no input at all and stops at {@code stopAt} of virtual time: console text, then counters. */
    private static String[] bootUntil(long stopAt) throws Exception {
        AtomicReference<Machine> machine = new AtomicReference<>();
        try (BootHarness m = new BootHarness(b -> {
            machine.set(b.machine());
            b.machine().clock().schedule(stopAt, () -> b.machine().stop(0, "virtual time limit"));
        }, "--rtc", "fixed")) {
            m.awaitEnd(200_000);
            Machine mach = machine.get();
            assertEquals("virtual time limit", mach.stopReason(), m.screen.text());
            return new String[] {m.screen.text(), mach.retiredInstructions() + " instructions, " + mach.clock().nanos() + " ns"};
        }
    }
}
