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

    /** A first-round record with the measured-boot extension spliced in at 112 (pointers and size moved). */
    static byte[] extended(byte[] old, long log, int logSize, int flags) {
        java.nio.ByteBuffer o = java.nio.ByteBuffer.wrap(old).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int grow = BootInfo.EXT_HEADER - BootInfo.HEADER;
        byte[] rec = new byte[old.length + grow];
        System.arraycopy(old, 0, rec, 0, BootInfo.HEADER);
        System.arraycopy(old, BootInfo.HEADER, rec, BootInfo.EXT_HEADER, old.length - BootInfo.HEADER);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(rec).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(12, rec.length).putLong(16, o.getLong(16) + grow).putLong(48, o.getLong(48) + grow);
        b.putLong(112, BootInfo.EXT_MAGIC).putLong(120, log).putInt(128, logSize).putInt(132, flags);
        return rec;
    }

    @Test
    void bothHeaderSizesAreAccepted() throws Exception {
        byte[] old = BootInfo.encode(AT, map(), "console=ttyS0", 0, 0, RAM + SIZE - 0x10_0000, 0);
        BootInfo a = BootInfo.read(with(old), AT);
        assertEquals(null, a.eventLog(), "a 112-byte header has no extension");
        byte[] rec = extended(old, RAM + 0x1F_0000, 972, BootInfo.FLAG_MEASURED | BootInfo.FLAG_VERIFIED);
        BootInfo b = BootInfo.read(with(rec), AT);
        assertEquals(map(), b.memoryMap());
        assertEquals("console=ttyS0", b.commandLine());
        assertEquals(new BootInfo.EventLog(RAM + 0x1F_0000, 972, 3), b.eventLog());
        assertTrue(b.eventLog().verified());
        // A 112-byte record whose memory map starts with bytes that look like the magic is still the old layout.
        byte[] fake = old.clone();
        java.nio.ByteBuffer.wrap(fake).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(112, BootInfo.EXT_MAGIC);
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(fake), AT)).getMessage().contains("memory map entry"));
        // An extension pointing outside RAM is refused with a reason.
        byte[] bad = extended(old, RAM + SIZE - 8, 972, 1);
        assertTrue(assertThrows(BootInfo.BadBootInfo.class, () -> BootInfo.read(with(bad), AT)).getMessage().contains("event log"));
    }
}
