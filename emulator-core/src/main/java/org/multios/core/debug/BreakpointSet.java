package org.multios.core.debug;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Breakpoints and watchpoints set by the debugger, by virtual address. Software breakpoints
 * are not written into guest memory: the CPU asks {@link DebugHooks#beforeInstruction}, which
 * looks them up here, so breakpoints survive self-modifying code and never show in memory
 * reads. Lookups use sorted arrays (rebuilt on change, which happens only while paused).
 */
public final class BreakpointSet {
    /** Kinds of {@code Z}/{@code z} packets: 0 software, 1 hardware, 2 write, 3 read, 4 access watchpoint. */
    public static final int SOFTWARE = 0, HARDWARE = 1, WRITE_WATCH = 2, READ_WATCH = 3, ACCESS_WATCH = 4;

    /** A watched range [address, address + length). */
    public record Watchpoint(int type, long address, long length) {
        public boolean matches(long addr, int size, boolean write) {
            boolean kind = switch (type) {
                case WRITE_WATCH -> write;
                case READ_WATCH -> !write;
                default -> true;
            };
            return kind && Long.compareUnsigned(addr, address + length) < 0
                    && Long.compareUnsigned(address, addr + size) < 0;
        }
    }

    /** Most watched pages a single watchpoint may span (keeps a huge {@code Z2} length from flooding the set). */
    public static final long MAX_WATCH_LENGTH = 1 << 20;

    private long[] software = new long[0];
    private long[] hardware = new long[0];
    private final List<Watchpoint> watchpoints = new ArrayList<>();
    private long[] watchedPages = new long[0];

    /** Adds a breakpoint or watchpoint; false if the type is unknown or the length is unreasonable. */
    public synchronized boolean insert(int type, long address, long length) {
        switch (type) {
            case SOFTWARE -> software = add(software, address);
            case HARDWARE -> hardware = add(hardware, address);
            case WRITE_WATCH, READ_WATCH, ACCESS_WATCH -> {
                if (length <= 0 || length > MAX_WATCH_LENGTH) return false;
                Watchpoint w = new Watchpoint(type, address, length);
                if (!watchpoints.contains(w)) watchpoints.add(w);
                rebuildPages();
            }
            default -> { return false; }
        }
        return true;
    }

    /** Removes one; true if it was there (removing what is absent is not an error for GDB). */
    public synchronized boolean remove(int type, long address, long length) {
        switch (type) {
            case SOFTWARE -> {
                long[] n = without(software, address);
                boolean had = n != software;
                software = n;
                return had;
            }
            case HARDWARE -> {
                long[] n = without(hardware, address);
                boolean had = n != hardware;
                hardware = n;
                return had;
            }
            case WRITE_WATCH, READ_WATCH, ACCESS_WATCH -> {
                boolean had = watchpoints.remove(new Watchpoint(type, address, length));
                rebuildPages();
                return had;
            }
            default -> { return false; }
        }
    }

    public synchronized void clear() {
        software = new long[0];
        hardware = new long[0];
        watchpoints.clear();
        watchedPages = new long[0];
    }

    public boolean hasSoftware(long pc) { return software.length != 0 && Arrays.binarySearch(software, pc) >= 0; }

    public boolean hasHardware(long pc) { return hardware.length != 0 && Arrays.binarySearch(hardware, pc) >= 0; }

    public boolean hasWatchpoints() { return watchedPages.length != 0; }

    public boolean isEmpty() { return software.length == 0 && hardware.length == 0 && watchpoints.isEmpty(); }

    /** True if some watchpoint covers bytes of the 4 KiB virtual page holding {@code vaddr}. */
    public boolean watchesPage(long vaddr) {
        return watchedPages.length != 0 && Arrays.binarySearch(watchedPages, vaddr >>> 12) >= 0;
    }

    /** The first watchpoint an access hits, or null. */
    public synchronized Watchpoint watchHit(long vaddr, int size, boolean write) {
        for (Watchpoint w : watchpoints) if (w.matches(vaddr, size, write)) return w;
        return null;
    }

    public synchronized List<Watchpoint> watchpoints() { return List.copyOf(watchpoints); }

    private void rebuildPages() {
        long[] pages = new long[0];
        for (Watchpoint w : watchpoints) {
            for (long p = w.address() >>> 12, last = (w.address() + w.length() - 1) >>> 12; ; p++) {
                pages = add(pages, p);
                if (p == last) break;
            }
        }
        watchedPages = pages;
    }

    private static long[] add(long[] set, long v) {
        int i = Arrays.binarySearch(set, v);
        if (i >= 0) return set;
        int at = -i - 1;
        long[] n = new long[set.length + 1];
        System.arraycopy(set, 0, n, 0, at);
        n[at] = v;
        System.arraycopy(set, at, n, at + 1, set.length - at);
        return n;
    }

    private static long[] without(long[] set, long v) {
        int i = Arrays.binarySearch(set, v);
        if (i < 0) return set;
        long[] n = new long[set.length - 1];
        System.arraycopy(set, 0, n, 0, i);
        System.arraycopy(set, i + 1, n, i, set.length - i - 1);
        return n;
    }
}
