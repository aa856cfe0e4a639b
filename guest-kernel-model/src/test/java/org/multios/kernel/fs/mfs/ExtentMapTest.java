package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentMapTest {
    @Test
    void insertMergesPhysicallyContiguousNeighbours() {
        ExtentMap m = new ExtentMap();
        m.insert(new Extent(0, 100, 4, 4, 0, 0));
        m.insert(new Extent(4, 104, 2, 2, 0, 0));
        m.insert(new Extent(8, 200, 1, 1, 0, 0));
        assertEquals(List.of(new Extent(0, 100, 6, 6, 0, 0), new Extent(8, 200, 1, 1, 0, 0)), m.all());
    }

    @Test
    void punchSplitsAndReturnsFreedRuns() {
        ExtentMap m = new ExtentMap();
        m.insert(new Extent(0, 100, 10, 10, 0, 0));
        List<long[]> freed = m.punch(3, 5);
        assertEquals(1, freed.size());
        assertEquals(103, freed.get(0)[0]);
        assertEquals(2, freed.get(0)[1]);
        assertEquals(List.of(new Extent(0, 100, 3, 3, 0, 0), new Extent(5, 105, 5, 5, 0, 0)), m.all());
        assertNull(m.find(4));
        assertEquals(107, m.find(7).pstart() + (7 - m.find(7).lstart()));
    }

    @Test
    void compressedExtentsFreeWhole() {
        ExtentMap m = new ExtentMap();
        m.insert(new Extent(0, 50, 16, 3, 9000, 1));
        List<long[]> freed = m.punch(0, 16);
        assertEquals(3, freed.get(0)[1]);
        assertEquals(0, m.size());
    }
}
