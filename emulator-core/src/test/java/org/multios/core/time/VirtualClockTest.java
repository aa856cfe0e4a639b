package org.multios.core.time;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
    @Test
    void eventsFireInDeadlineThenSchedulingOrder() {
        VirtualClock clock = new VirtualClock(10);
        List<String> fired = new ArrayList<>();
        clock.schedule(200, () -> fired.add("b"));
        clock.schedule(100, () -> fired.add("a"));
        clock.schedule(200, () -> fired.add("c"));
        assertEquals(10, clock.instructionsUntilDeadline());
        clock.retire(10);
        clock.fireDue();
        assertEquals(List.of("a"), fired);
        clock.retire(10);
        clock.fireDue();
        assertEquals(List.of("a", "b", "c"), fired);
        assertEquals(Long.MAX_VALUE, clock.nextDeadline());
    }

    @Test
    void inFlightProgressCountsForPreciseTimeAndResetsOnRetire() {
        VirtualClock clock = new VirtualClock(10);
        clock.setInFlight(7);
        assertEquals(70, clock.preciseNanos());
        assertEquals(0, clock.nanos());
        clock.retire(7);
        assertEquals(70, clock.preciseNanos());
    }

    @Test
    void earlierDeadlineNotifiesTheMachine() {
        VirtualClock clock = new VirtualClock(1);
        int[] calls = {0};
        clock.onEarlierDeadline(() -> calls[0]++);
        clock.schedule(100, () -> {});
        clock.schedule(200, () -> {});
        clock.schedule(50, () -> {});
        assertEquals(2, calls[0]);
    }

    @Test
    void cancelledEventsDoNotFire() {
        VirtualClock clock = new VirtualClock(1);
        boolean[] fired = {false};
        TimerEvent e = clock.schedule(5, () -> fired[0] = true);
        clock.cancel(e);
        clock.advanceTo(10);
        clock.fireDue();
        assertFalse(fired[0]);
    }
}
