package org.multios.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.kernel.boot.BootInfo.MemoryRange;
import org.multios.kernel.boot.BootInfo.MemoryRange.Kind;
import org.multios.kernel.mm.PhysicalMemory;

class BootInfoTest {
    static final long RAM = 0x8000_0000L, SIZE = 16 << 20, AT = RAM + 0x30_0000;

    static PhysicalMemory mem() {
        PhysicalBus bus = new PhysicalBus();
        RamRegion r = bus.addRam("ram", RAM, SIZE);
        return new PhysicalMemory(bus, r);
    }

    static List<MemoryRange> map() {
        return List.of(new MemoryRange(RAM, 0x20_0000, Kind.FIRMWARE), new MemoryRange(RAM + 0x20_0000, 0x10_0000, Kind.BOOTLOADER),
                new MemoryRange(RAM + 0x30_0000, 0x10_0000, Kind.BOOTLOADER), new MemoryRange(RAM + 0x40_0000, 0x10_0000, Kind.KERNEL),
                new MemoryRange(RAM + 0x50_0000, SIZE - 0x60_0000, Kind.USABLE), new MemoryRange(RAM + SIZE - 0x10_0000, 0x10_0000, Kind.DEVICE_TREE));
    }

    static PhysicalMemory with(byte[] rec) {
        PhysicalMemory m = mem();
        m.write(AT, rec, 0, rec.length);
        return m;
    }

    @Test
    void roundTrip() throws Exception {
        byte[] rec = BootInfo.encode(AT, map(), "console=ttyS0 quiet", 0, 0, RAM + SIZE - 0x10_0000, 0);
        BootInfo b = BootInfo.read(with(rec), AT);
        assertEquals(map(), b.memoryMap());
        assertEquals("console=ttyS0 quiet", b.commandLine());
        assertEquals(RAM + SIZE - 0x10_0000, b.deviceTree());
        assertEquals(SIZE - 0x60_0000, b.usableBytes());
    }

    @Test
    void badRecordsAreRefusedWithAReason() {
        byte[] good = BootInfo.encode(AT, map(), "x", 0, 0, RAM + SIZE - 0x10_0000, 0);
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(magic), AT)).getMessage().contains("magic"));
        byte[] version = good.clone();
        version[8] = 2;
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(version), AT)).getMessage().contains("version"));
        byte[] size = good.clone();
        size[12] = 8;
        size[13] = 0;
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(size), AT)).getMessage().contains("size"));
        List<MemoryRange> overlapping = List.of(new MemoryRange(RAM, 0x20_0000, Kind.FIRMWARE), new MemoryRange(RAM + 0x10_0000, 0x10_0000, Kind.USABLE));
        byte[] ov = BootInfo.encode(AT, overlapping, "", 0, 0, RAM + SIZE - 0x10_0000, 0);
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(ov), AT)).getMessage().contains("overlaps"));
        byte[] initrd = BootInfo.encode(AT, map(), "", RAM + SIZE - 16, 4096, RAM + SIZE - 0x10_0000, 0);
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(initrd), AT)).getMessage().contains("initrd"));
        assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(mem(), RAM + SIZE - 8));
    }
}
