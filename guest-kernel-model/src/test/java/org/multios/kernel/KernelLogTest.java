package org.multios.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dmesg ring: Linux's console format, console level, syslog(2) read semantics, bounded size. */
class KernelLogTest {
    @Test
    void consoleFormatAndLevel() {
        long[] now = {1_234_567_891L};
        KernelLog log = new KernelLog(() -> now[0]);
        List<String> console = new ArrayList<>();
        log.setConsole(console::add);
        log.setConsoleLevel(4); // quiet
        log.info("hello");
        log.log(KernelLog.ERR, "bad thing");
        assertEquals(List.of("[    1.234567] bad thing\n"), console, "only levels below the console level reach the console");
        assertEquals("[    1.234567] hello\n[    1.234567] bad thing\n", log.text(), "the ring keeps everything");
        String all = new String(log.readAll(4096), StandardCharsets.UTF_8);
        assertEquals("<6>[    1.234567] hello\n<3>[    1.234567] bad thing\n", all, "syslog records carry <level> as on Linux");
    }

    @Test
    void readUnreadConsumesReadAllDoesNotClearHides() {
        KernelLog log = new KernelLog(() -> 0);
        log.info("one");
        log.info("two");
        assertEquals(2 * "<6>[    0.000000] one\n".length(), log.unreadBytes());
        byte[] first = log.readUnread(4096);
        assertTrue(new String(first, StandardCharsets.UTF_8).contains("two"));
        assertNull(log.readUnread(4096), "nothing unread: READ would block");
        assertEquals(0, log.unreadBytes());
        assertTrue(new String(log.readAll(4096), StandardCharsets.UTF_8).contains("one"), "READ_ALL is not destructive");
        log.clear();
        assertEquals(0, log.readAll(4096).length, "CLEAR hides older records from READ_ALL");
        log.info("three");
        assertEquals("<6>[    0.000000] three\n", new String(log.readAll(4096), StandardCharsets.UTF_8));
        // READ_ALL with a small buffer returns the newest whole records that fit
        log.info("four");
        assertEquals("<6>[    0.000000] four\n", new String(log.readAll(30), StandardCharsets.UTF_8));
    }

    @Test
    void theRingIsBounded() {
        KernelLog log = new KernelLog(() -> 0);
        for (int i = 0; i < 20_000; i++) log.info("line " + i);
        byte[] all = log.readAll(KernelLog.CAPACITY);
        assertTrue(all.length <= KernelLog.CAPACITY);
        String s = new String(all, StandardCharsets.UTF_8);
        assertTrue(s.endsWith("line 19999\n"));
        assertTrue(!s.contains("] line 0\n"), "the oldest records were dropped");
    }

    @Test
    void streamLinesBecomeRecords() {
        KernelLog log = new KernelLog(() -> 0);
        log.stream(KernelLog.WARNING).println("multios: kernel: unknown syscall 999");
        assertEquals("<4>[    0.000000] multios: kernel: unknown syscall 999\n", new String(log.readAll(4096), StandardCharsets.UTF_8));
    }
}
