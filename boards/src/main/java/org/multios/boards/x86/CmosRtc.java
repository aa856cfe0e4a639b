package org.multios.boards.x86;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.multios.core.bus.MmioDevice;
import org.multios.core.time.VirtualClock;

/**
 * The MC146818 real-time clock and CMOS RAM at ports 0x70 (index; bit 7 masks NMI) and 0x71
 * (data). Time registers follow virtual time from a start epoch, in BCD unless register B
 * selects binary; the memory-size bytes are filled as QEMU's PC does, which firmware reads
 * to size RAM (0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5B-0x5D).
 */
public final class CmosRtc implements MmioDevice {
    private final VirtualClock clock;
    private final byte[] ram = new byte[128];
    private final long epochNanos;
    private int index;

    public CmosRtc(VirtualClock clock, long epochNanos, long lowRamBytes, long highRamBytes) {
        this.clock = clock;
        this.epochNanos = epochNanos;
        ram[0x0a] = 0x26;
        ram[0x0b] = 0x02; // 24-hour, BCD
        ram[0x0d] = (byte) 0x80; // valid RAM and time
        ram[0x15] = (byte) 0x80; // 640 KiB base memory
        ram[0x16] = 0x02;
        long ext = Math.min((lowRamBytes - (1 << 20)) >> 10, 0xffff);
        ram[0x17] = ram[0x30] = (byte) ext;
        ram[0x18] = ram[0x31] = (byte) (ext >> 8);
        long above16 = lowRamBytes > (16 << 20) ? Math.min((lowRamBytes - (16L << 20)) >> 16, 0xffff) : 0;
        ram[0x34] = (byte) above16;
        ram[0x35] = (byte) (above16 >> 8);
        long high = highRamBytes >> 16;
        ram[0x5b] = (byte) high;
        ram[0x5c] = (byte) (high >> 8);
        ram[0x5d] = (byte) (high >> 16);
        ram[0x32] = 0x20; // century (BCD)
    }

    @Override
    public long read(long offset, int size) {
        if (offset == 0) return 0xff;
        int i = index;
        if (i < 10 || i == 0x32) return timeRegister(i);
        if (i == 0x0a) return ram[0x0a] & 0x7f; // never "update in progress"
        if (i == 0x0c) return 0;
        return ram[i] & 0xff;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == 0) {
            index = (int) value & 0x7f;
            return;
        }
        if (index < 10 || index == 0x0c || index == 0x0d) return; // time set and status are not kept
        ram[index] = (byte) value;
    }

    private int timeRegister(int i) {
        long nanos = epochNanos + clock.preciseNanos();
        ZonedDateTime t = Instant.ofEpochSecond(nanos / 1_000_000_000L).atZone(ZoneOffset.UTC);
        int v = switch (i) {
            case 0 -> t.getSecond();
            case 2 -> t.getMinute();
            case 4 -> t.getHour();
            case 6 -> t.getDayOfWeek().getValue() % 7 + 1;
            case 7 -> t.getDayOfMonth();
            case 8 -> t.getMonthValue();
            case 9 -> t.getYear() % 100;
            case 0x32 -> t.getYear() / 100;
            default -> 0; // alarms
        };
        boolean binary = (ram[0x0b] & 4) != 0;
        return binary ? v : (v / 10) << 4 | (v % 10);
    }
}
