package org.multios.core.bus;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalBusTest {
    @Test
    void ramReadsBackLittleEndianAtEverySize() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x10000);
        bus.write(0x8000_0000L, 8, 0x1122_3344_5566_7788L);
        assertEquals(0x88, bus.read(0x8000_0000L, 1));
        assertEquals(0x7788, bus.read(0x8000_0000L, 2));
        assertEquals(0x5566_7788L, bus.read(0x8000_0000L, 4));
        assertEquals(0x1122_3344_5566_7788L, bus.read(0x8000_0000L, 8));
        bus.write(0x8000_0003L, 4, 0xdead_beefL); // unaligned
        assertEquals(0xdead_beefL, bus.read(0x8000_0003L, 4));
    }

    @Test
    void accessOutsideEveryRegionIsABusError() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x1000, 0x1000);
        BusErrorException e = assertThrows(BusErrorException.class, () -> bus.read(0x3000, 4));
        assertEquals(0x3000, e.address());
        assertFalse(e.isWrite());
        // straddling the end of a region is an error too
        assertThrows(BusErrorException.class, () -> bus.write(0x1ffc, 8, 0));
        assertThrows(BusErrorException.class, () -> bus.read(-8, 8));
    }

    @Test
    void romRejectsCpuWritesButLoadsImages() {
        PhysicalBus bus = new PhysicalBus();
        RamRegion rom = RamRegion.rom("rom", 0x1000, 0x1000);
        bus.add(rom);
        bus.loadImage(0x1000, new byte[] {1, 2, 3, 4}, 0, 4);
        assertEquals(0x04030201L, bus.read(0x1000, 4));
        assertThrows(BusErrorException.class, () -> bus.write(0x1000, 4, 0));
    }

    @Test
    void mmioGetsOffsetsRelativeToItsWindow() {
        PhysicalBus bus = new PhysicalBus();
        List<String> log = new ArrayList<>();
        bus.addMmio("dev", 0x1000_0000L, 0x100, new MmioDevice() {
            public long read(long offset, int size) { log.add("r" + offset + "/" + size); return 0x42; }
            public void write(long offset, int size, long value) { log.add("w" + offset + "/" + size + "=" + value); }
        });
        assertEquals(0x42, bus.read(0x1000_0005L, 1));
        bus.write(0x1000_0010L, 4, 7);
        assertEquals(List.of("r5/1", "w16/4=7"), log);
    }

    @Test
    void overlappingRegionsAreRefused() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("a", 0x1000, 0x2000);
        assertThrows(IllegalArgumentException.class, () -> bus.addRam("b", 0x2000, 0x1000));
        bus.addRam("c", 0x3000, 0x1000); // adjacent is fine
    }

    @Test
    void writesToCodePagesNotifyOnceUntilRemarked() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x10000);
        List<Long> written = new ArrayList<>(), marked = new ArrayList<>();
        bus.onCodeWrite(written::add);
        bus.onCodeMark(marked::add);
        bus.markCode(0x8000_1234L);
        bus.markCode(0x8000_1238L); // same page: no second notification
        assertEquals(List.of(0x8000_1000L), marked);
        bus.write(0x8000_0ff0L, 8, 1); // other page
        assertTrue(written.isEmpty());
        bus.write(0x8000_1ff8L, 8, 1);
        assertEquals(List.of(0x8000_1000L), written);
        bus.write(0x8000_1ff8L, 8, 2); // page no longer code
        assertEquals(1, written.size());
        bus.markCode(0x8000_1000L);
        bus.dmaWrite(0x8000_0ffeL, new byte[4], 0, 4); // DMA straddling into the code page
        assertEquals(List.of(0x8000_1000L, 0x8000_1000L), written);
    }

    @Test
    void dmaOutsideRamIsABusError() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x1000);
        assertThrows(BusErrorException.class, () -> bus.dmaRead(0x8000_0ff0L, new byte[32], 0, 32));
        assertThrows(BusErrorException.class, () -> bus.dmaWrite(0x7000_0000L, new byte[1], 0, 1));
    }
}
