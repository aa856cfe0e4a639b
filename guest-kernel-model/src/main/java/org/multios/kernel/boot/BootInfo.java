package org.multios.kernel.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * What the stage-2 bootloader hands the kernel (docs/boot.md, "BootInfo record"): the kernel
 * entry stub executes native call 2 with a0 = the physical address of this little-endian
 * record; {@link #read} decodes and checks it. {@code run} builds the kernel without one.
 */
public record BootInfo(List<MemoryRange> memoryMap, String commandLine, long initrdStart, long initrdSize,
                       long deviceTree, Framebuffer framebuffer, int bootHart, long firmwareTicks,
                       long bootPartitionGuidLow, long bootPartitionGuidHigh, EventLog eventLog) {
    /** The record as the first round wrote it (without the measured-boot extension). */
    public BootInfo(List<MemoryRange> memoryMap, String commandLine, long initrdStart, long initrdSize,
                    long deviceTree, Framebuffer framebuffer, int bootHart, long firmwareTicks,
                    long bootPartitionGuidLow, long bootPartitionGuidHigh) {
        this(memoryMap, commandLine, initrdStart, initrdSize, deviceTree, framebuffer, bootHart, firmwareTicks,
                bootPartitionGuidLow, bootPartitionGuidHigh, null);
    }

    /** "MOSBEXT1" at offset 112: the measured-boot extension (offsets 112..135) follows. */
    public static final long EXT_MAGIC = 0x3154584542534F4DL;
    /** Header size with the extension. */
    public static final int EXT_HEADER = 136;
    public static final int FLAG_MEASURED = 1, FLAG_VERIFIED = 2;
    static final int MAX_EVENT_LOG = 1 << 20;

    /** The TCG event log the boot stages kept (physical range, in the FIRMWARE range) and the boot flags. */
    public record EventLog(long address, int size, int flags) {
        public boolean verified() { return (flags & FLAG_VERIFIED) != 0; }
    }

    public static final long MAGIC = 0x31544F4F42534F4DL; // "MOSBOOT1"
    public static final int VERSION = 1;
    /** Size of the fixed header (offsets 0..111). */
    public static final int HEADER = 112;
    public static final int ENTRY = 24;
    static final int MAX_ENTRIES = 1024, MAX_CMDLINE = 4096;

    /** A physical range and what it holds. */
    public record MemoryRange(long base, long size, Kind kind) {
        /** The map's kinds, in the order of their numbers 1..7. */
        public enum Kind { USABLE, RESERVED, FIRMWARE, KERNEL, INITRD, DEVICE_TREE, BOOTLOADER }

        public long end() { return base + size; }
    }

    /** A linear framebuffer, when the firmware set one up. */
    public record Framebuffer(long base, int width, int height, int stride, int bitsPerPixel) {}

    /** The record is unusable; the message says why (one line, for the panic). */
    public static final class BadBootInfo extends Exception {
        public BadBootInfo(String m) { super(m); }
    }

    public long usableBytes() {
        long n = 0;
        for (MemoryRange r : memoryMap) if (r.kind() == MemoryRange.Kind.USABLE) n += r.size();
        return n;
    }

    private static boolean inRam(PhysicalMemory mem, long pa, long len) {
        return len >= 0 && pa >= mem.base() && pa - mem.base() <= mem.size() && len <= mem.size() - (pa - mem.base());
    }

    /** Decodes and checks the record at pa: magic, version, size, pointers inside RAM, a sorted non-overlapping map. */
    public static BootInfo read(PhysicalMemory mem, long pa) throws BadBootInfo {
        if ((pa & 7) != 0) throw new BadBootInfo(String.format("BootInfo at %#x is not 8-byte aligned", pa));
        if (!inRam(mem, pa, HEADER)) throw new BadBootInfo(String.format("BootInfo at %#x is outside RAM", pa));
        byte[] raw = new byte[HEADER];
        mem.read(pa, raw, 0, HEADER);
        ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getLong(0) != MAGIC) throw new BadBootInfo(String.format("bad BootInfo magic %#018x at %#x (expected \"MOSBOOT1\")", h.getLong(0), pa));
        int version = h.getInt(8);
        if (version != VERSION) throw new BadBootInfo("BootInfo version " + version + " is not supported (expected " + VERSION + ")");
        long size = h.getInt(12) & 0xffff_ffffL;
        if (size < HEADER || !inRam(mem, pa, size)) throw new BadBootInfo("BootInfo size " + size + " is impossible (header is " + HEADER + " bytes)");
        long cmdPa = h.getLong(16), initrd = h.getLong(24), initrdSize = h.getLong(32), dt = h.getLong(40), mapPa = h.getLong(48);
        long count = h.getInt(56) & 0xffff_ffffL;
        int hart = h.getInt(60);
        String cmdline = "";
        if (cmdPa != 0) cmdline = string(mem, cmdPa);
        if (initrd != 0 && (initrdSize <= 0 || !inRam(mem, initrd, initrdSize)))
            throw new BadBootInfo(String.format("initrd %#x+%d is outside RAM", initrd, initrdSize));
        if (dt == 0 || !inRam(mem, dt, 40)) throw new BadBootInfo(String.format("device tree pointer %#x is outside RAM", dt));
        if (count == 0 || count > MAX_ENTRIES) throw new BadBootInfo("memory map has " + count + " entries (1.." + MAX_ENTRIES + " allowed)");
        if ((mapPa & 7) != 0 || !inRam(mem, mapPa, count * ENTRY)) throw new BadBootInfo(String.format("memory map at %#x is outside RAM", mapPa));
        byte[] m = new byte[(int) count * ENTRY];
        mem.read(mapPa, m, 0, m.length);
        ByteBuffer mb = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        List<MemoryRange> map = new ArrayList<>();
        long prevEnd = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            long base = mb.getLong(i * ENTRY), len = mb.getLong(i * ENTRY + 8);
            int kind = mb.getInt(i * ENTRY + 16);
            if (kind < 1 || kind > MemoryRange.Kind.values().length) throw new BadBootInfo("memory map entry " + i + " has unknown kind " + kind);
            if (len <= 0 || base + len < base) throw new BadBootInfo(String.format("memory map entry %d (%#x+%#x) is empty or wraps", i, base, len));
            if (i > 0 && base < prevEnd)
                throw new BadBootInfo(String.format("memory map entry %d (%#x) overlaps or is out of order after one ending at %#x", i, base, prevEnd));
            prevEnd = base + len;
            map.add(new MemoryRange(base, len, MemoryRange.Kind.values()[kind - 1]));
        }
        Framebuffer fb = h.getLong(64) == 0 ? null : new Framebuffer(h.getLong(64), h.getInt(72), h.getInt(76), h.getInt(80), h.getInt(84));
        EventLog log = extension(mem, pa, size, cmdPa, mapPa);
        return new BootInfo(List.copyOf(map), cmdline, initrd, initrd == 0 ? 0 : initrdSize, dt, fb, hart, h.getLong(88), h.getLong(96), h.getLong(104), log);
    }

    /**
     * The extension after offset 112, when the record has one: both sizes are accepted. A
     * 112-byte header puts its command line or memory map at offset 112, so the extension counts
     * only when its magic is there, the record is large enough, and neither pointer falls inside it.
     */
    private static EventLog extension(PhysicalMemory mem, long pa, long size, long cmdPa, long mapPa) throws BadBootInfo {
        if (size < EXT_HEADER || !inRam(mem, pa, EXT_HEADER)) return null;
        if (cmdPa >= pa + HEADER && cmdPa < pa + EXT_HEADER || mapPa >= pa + HEADER && mapPa < pa + EXT_HEADER) return null;
        byte[] raw = new byte[EXT_HEADER - HEADER];
        mem.read(pa + HEADER, raw, 0, raw.length);
        ByteBuffer e = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (e.getLong(0) != EXT_MAGIC) return null;
        long logPa = e.getLong(8);
        long logSize = e.getInt(16) & 0xffff_ffffL;
        int flags = e.getInt(20);
        if (logPa == 0) return null;
        if (logSize == 0 || logSize > MAX_EVENT_LOG || !inRam(mem, logPa, logSize))
            throw new BadBootInfo(String.format("TCG event log %#x+%d is outside RAM or larger than %d bytes", logPa, logSize, MAX_EVENT_LOG));
        return new EventLog(logPa, (int) logSize, flags);
    }

    private static String string(PhysicalMemory mem, long pa) throws BadBootInfo {
        if (!inRam(mem, pa, 1)) throw new BadBootInfo(String.format("command line pointer %#x is outside RAM", pa));
        long room = Math.min(MAX_CMDLINE, mem.size() - (pa - mem.base()));
        byte[] b = new byte[(int) room];
        mem.read(pa, b, 0, b.length);
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return new String(b, 0, i, StandardCharsets.UTF_8);
        throw new BadBootInfo("command line is not NUL-terminated within " + MAX_CMDLINE + " bytes");
    }

    /** Encodes a record (tests and host-side tools write what stage 2 writes): header at pa, then the map, then the command line. */
    public static byte[] encode(long pa, List<MemoryRange> map, String cmdline, long initrd, long initrdSize, long dt, int hart) {
        byte[] cmd = (cmdline + "\0").getBytes(StandardCharsets.UTF_8);
        int size = HEADER + map.size() * ENTRY + ((cmd.length + 7) & ~7);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, MAGIC).putInt(8, VERSION).putInt(12, size);
        b.putLong(16, pa + HEADER + (long) map.size() * ENTRY);
        b.putLong(24, initrd).putLong(32, initrdSize).putLong(40, dt).putLong(48, pa + HEADER).putInt(56, map.size()).putInt(60, hart);
        for (int i = 0; i < map.size(); i++) {
            MemoryRange r = map.get(i);
            b.putLong(HEADER + i * ENTRY, r.base()).putLong(HEADER + i * ENTRY + 8, r.size()).putInt(HEADER + i * ENTRY + 16, r.kind().ordinal() + 1);
        }
        b.put(HEADER + map.size() * ENTRY, cmd);
        return b.array();
    }
}
