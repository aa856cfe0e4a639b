package org.multios.core.debug;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BreakpointSetTest {
    @Test
    void softwareAndHardwareBreakpointsAreSeparateSets() {
        BreakpointSet b = new BreakpointSet();
        assertTrue(b.isEmpty());
        assertTrue(b.insert(BreakpointSet.SOFTWARE, 0x8000_0010L, 4));
        assertTrue(b.insert(BreakpointSet.HARDWARE, 0xffff_ffff_8000_0000L, 2));
        assertTrue(b.hasSoftware(0x8000_0010L));
        assertFalse(b.hasHardware(0x8000_0010L));
        assertTrue(b.hasHardware(0xffff_ffff_8000_0000L), "upper-half addresses (negative as longs) work");
        assertFalse(b.hasSoftware(0x8000_0012L));
        assertTrue(b.insert(BreakpointSet.SOFTWARE, 0x8000_0010L, 4), "inserting twice is fine");
        assertTrue(b.remove(BreakpointSet.SOFTWARE, 0x8000_0010L, 4));
        assertFalse(b.hasSoftware(0x8000_0010L));
        assertFalse(b.remove(BreakpointSet.SOFTWARE, 0x8000_0010L, 4));
        assertFalse(b.isEmpty());
        b.clear();
        assertTrue(b.isEmpty());
        assertFalse(b.insert(7, 0, 1));
    }

    @Test
    void watchpointsCoverEveryPageTheyTouchAndMatchByKind() {
        BreakpointSet b = new BreakpointSet();
        assertTrue(b.insert(BreakpointSet.WRITE_WATCH, 0x1ffc, 8)); // straddles pages 1 and 2
        assertTrue(b.watchesPage(0x1000));
        assertTrue(b.watchesPage(0x2abc));
        assertFalse(b.watchesPage(0x3000));
        assertFalse(b.watchesPage(0x0fff));
        assertNotNull(b.watchHit(0x2000, 1, true));
        assertNull(b.watchHit(0x2000, 1, false), "a write watchpoint ignores reads");
        assertNull(b.watchHit(0x2004, 4, true), "just past the end");
        assertNotNull(b.watchHit(0x1ff8, 8, true), "overlapping from below");
        assertTrue(b.insert(BreakpointSet.READ_WATCH, 0x5000, 4));
        assertNotNull(b.watchHit(0x5002, 2, false));
        assertNull(b.watchHit(0x5002, 2, true));
        assertTrue(b.insert(BreakpointSet.ACCESS_WATCH, 0x6000, 4));
        assertNotNull(b.watchHit(0x6000, 4, true));
        assertNotNull(b.watchHit(0x6000, 4, false));
        assertTrue(b.remove(BreakpointSet.WRITE_WATCH, 0x1ffc, 8));
        assertFalse(b.watchesPage(0x1000));
        assertTrue(b.watchesPage(0x5000));
        assertFalse(b.insert(BreakpointSet.WRITE_WATCH, 0, 0), "empty range");
        assertFalse(b.insert(BreakpointSet.WRITE_WATCH, 0, BreakpointSet.MAX_WATCH_LENGTH + 1), "unreasonably long range");
    }
}
