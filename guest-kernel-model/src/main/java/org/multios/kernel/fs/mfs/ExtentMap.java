package org.multios.kernel.fs.mfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A file's logical-to-physical map: non-overlapping extents ordered by logical start. */
final class ExtentMap {
    private final TreeMap<Long, Extent> map = new TreeMap<>();

    int size() { return map.size(); }
    List<Extent> all() { return new ArrayList<>(map.values()); }

    /** The extent containing logical block {@code l}, or null (a hole). */
    Extent find(long l) {
        Map.Entry<Long, Extent> e = map.floorEntry(l);
        return e != null && e.getValue().lend() > l ? e.getValue() : null;
    }

    /** Adds without checks (decode path; overlap is checked by {@link #overlaps}). */
    boolean addChecked(Extent x) {
        Map.Entry<Long, Extent> lo = map.floorEntry(x.lend() - 1);
        if (lo != null && lo.getValue().lend() > x.lstart()) return false;
        map.put(x.lstart(), x);
        return true;
    }

    /**
     * Unmaps logical blocks [from, to), splitting raw extents at the edges; returns the physical
     * runs no longer referenced, as {start, count} pairs. Compressed extents must lie wholly inside
     * or outside the range (callers punch whole clusters).
     */
    List<long[]> punch(long from, long to) {
        List<long[]> freed = new ArrayList<>();
        Map.Entry<Long, Extent> first = map.floorEntry(from);
        Long key = first != null && first.getValue().lend() > from ? first.getKey() : map.ceilingKey(from);
        while (key != null && key < to) {
            Extent x = map.remove(key);
            if (x.compressed()) {
                freed.add(new long[] {x.pstart(), x.plen()});
            } else {
                long a = Math.max(from, x.lstart()), b = Math.min(to, x.lend());
                if (x.lstart() < a) map.put(x.lstart(), new Extent(x.lstart(), x.pstart(), (int) (a - x.lstart()), (int) (a - x.lstart()), 0, 0));
                if (b < x.lend()) {
                    long off = b - x.lstart();
                    map.put(b, new Extent(b, x.pstart() + off, (int) (x.lend() - b), (int) (x.lend() - b), 0, 0));
                }
                freed.add(new long[] {x.pstart() + (a - x.lstart()), b - a});
            }
            key = map.ceilingKey(key + 1);
        }
        return freed;
    }

    /** Inserts an extent into a hole, merging with a raw neighbour that continues it physically. */
    void insert(Extent x) {
        if (!x.compressed()) {
            Map.Entry<Long, Extent> lo = map.lowerEntry(x.lstart());
            if (lo != null) {
                Extent p = lo.getValue();
                if (!p.compressed() && p.lend() == x.lstart() && p.pstart() + p.plen() == x.pstart() && (long) p.llen() + x.llen() < Integer.MAX_VALUE) {
                    map.remove(p.lstart());
                    x = new Extent(p.lstart(), p.pstart(), p.llen() + x.llen(), p.llen() + x.llen(), 0, 0);
                }
            }
            Extent n = map.get(x.lend());
            if (n != null && !n.compressed() && x.pstart() + x.plen() == n.pstart() && (long) n.llen() + x.llen() < Integer.MAX_VALUE) {
                map.remove(n.lstart());
                x = new Extent(x.lstart(), x.pstart(), x.llen() + n.llen(), x.llen() + n.llen(), 0, 0);
            }
        }
        map.put(x.lstart(), x);
    }

    void clear() { map.clear(); }
}
