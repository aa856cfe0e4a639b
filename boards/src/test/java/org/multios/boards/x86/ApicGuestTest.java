package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interrupt path on the whole board: real-mode guest code halts with interrupts on; the
 * local APIC timer (vector 0x40) wakes it, and while 0x40 is still in service (the handler
 * sends no EOI) the HPET's comparator through IO-APIC pin 20 (vector 0x50, a higher priority
 * class) wakes it again; then the guest powers off through PM1a.
 */
class ApicGuestTest {
    // 16-bit code at F000:0000 (offsets in comments)
    static final byte[] CODE = {
        0x31, (byte) 0xc0,                                  // 00 xor ax,ax
        (byte) 0x8e, (byte) 0xd8,                           // 02 mov ds,ax
        (byte) 0x8e, (byte) 0xd0,                           // 04 mov ss,ax
        (byte) 0xbc, 0x00, 0x7c,                            // 06 mov sp,0x7c00
        (byte) 0xc7, 0x06, 0x00, 0x01, 0x32, 0x00,          // 09 mov word [0x100],0x0032  IVT 0x40: offset
        (byte) 0xc7, 0x06, 0x02, 0x01, 0x00, (byte) 0xf0,   // 15 mov word [0x102],0xf000             segment
        (byte) 0xc7, 0x06, 0x40, 0x01, 0x37, 0x00,          // 21 mov word [0x140],0x0037  IVT 0x50: offset
        (byte) 0xc7, 0x06, 0x42, 0x01, 0x00, (byte) 0xf0,   // 27 mov word [0x142],0xf000             segment
        (byte) 0xfb,                                        // 33 sti
        (byte) 0xf4,                                        // 34 loop: hlt
        (byte) 0x80, 0x3e, 0x01, 0x05, 0x01,                // 35 cmp byte [0x501],1
        0x75, (byte) 0xf8,                                  // 40 jne loop
        (byte) 0xba, 0x04, 0x06,                            // 42 mov dx,0x604
        (byte) 0xb8, 0x00, 0x20,                            // 45 mov ax,0x2000 (SLP_TYP 0 + SLP_EN: S5)
        (byte) 0xef,                                        // 48 out dx,ax
        (byte) 0xf4,                                        // 49 hlt
        (byte) 0xfe, 0x06, 0x00, 0x05,                      // 50 handler 0x40: inc byte [0x500]
        (byte) 0xcf,                                        // 54 iret (no EOI: 0x40 stays in service)
        (byte) 0xfe, 0x06, 0x01, 0x05,                      // 55 handler 0x50: inc byte [0x501]
        (byte) 0xcf,                                        // 59 iret
    };

    @Test
    void lapicTimerAndHpetThroughIoApicWakeTheGuest(@TempDir Path dir) throws Exception {
        try (X86PcBoard b = X86PcMultiosDevicesTest.board(X86PcMultiosDevicesTest.rom(dir, CODE), null)) {
            var bus = b.bus();
            bus.write(LocalApic.BASE + LocalApic.SVR, 4, 0x1ff);          // software enable
            bus.write(LocalApic.BASE + LocalApic.TIMER_DIVIDE, 4, 0xb);   // divide by 1: 1 count = 1 ns
            bus.write(LocalApic.BASE + LocalApic.LVT_TIMER, 4, 0x40);     // one-shot, vector 0x40
            bus.write(LocalApic.BASE + LocalApic.TIMER_INITIAL, 4, 50_000); // 50 us
            bus.write(IoApic.BASE, 4, 0x10 + 2 * 20);                      // pin 20: edge, vector 0x50, APIC 0
            bus.write(IoApic.BASE + 0x10, 4, 0x50);
            bus.write(Hpet.BASE + 0x100 + 0x40, 8, Hpet.INT_ENABLE | 20 << 9); // timer 2 → GSI 20
            bus.write(Hpet.BASE + 0x100 + 0x48, 8, 10_000);                // 100 us at 10 ns per tick
            bus.write(Hpet.BASE + 0x10, 8, 1);                             // counter on

            // a broken interrupt path leaves the guest halted for good: stop at 1 ms of virtual time
            b.clock().schedule(1_000_000, () -> b.stop(2, "no interrupt woke the guest by 1 ms"));
            int status = b.run();
            assertEquals(0, status, b.machine().stopReason());
            assertTrue(b.machine().stopReason().startsWith("power off"), b.machine().stopReason());
            assertEquals(1, bus.read(0x500, 1), "the APIC timer's handler ran once");
            assertEquals(1, bus.read(0x501, 1), "the HPET's handler ran once, nested above 0x40");
            assertEquals(1L, bus.read(LocalApic.BASE + LocalApic.ISR + 0x20, 4) & 1, "0x40 still in service");
            assertEquals(1L << 16, bus.read(LocalApic.BASE + LocalApic.ISR + 0x20, 4) & (1L << 16), "0x50 in service");
            assertTrue(b.clock().nanos() >= 100_000, "woken by the HPET at 100 us, not before: " + b.clock().nanos());
            assertTrue(b.machine().retiredInstructions() < 100, "halted while waiting: " + b.machine().retiredInstructions());
        }
    }

    // 16-bit: arm the TSC-deadline timer 50 us ahead with WRMSR 0x6E0, halt until vector 0x40, power off
    static final byte[] DEADLINE_CODE = {
        0x31, (byte) 0xc0, (byte) 0x8e, (byte) 0xd8, (byte) 0x8e, (byte) 0xd0, (byte) 0xbc, 0x00, 0x7c, // 00 ds = ss = 0, sp
        (byte) 0xc7, 0x06, 0x00, 0x01, 0x3a, 0x00,          // 09 mov word [0x100],0x003a  IVT 0x40
        (byte) 0xc7, 0x06, 0x02, 0x01, 0x00, (byte) 0xf0,   // 15 mov word [0x102],0xf000
        0x0f, 0x31,                                         // 21 rdtsc
        0x66, 0x05, 0x50, (byte) 0xc3, 0x00, 0x00,          // 23 add eax,50000
        0x66, (byte) 0x83, (byte) 0xd2, 0x00,               // 29 adc edx,0
        0x66, (byte) 0xb9, (byte) 0xe0, 0x06, 0x00, 0x00,   // 33 mov ecx,0x6e0
        0x0f, 0x30,                                         // 39 wrmsr
        (byte) 0xfb,                                        // 41 sti
        (byte) 0xf4,                                        // 42 loop: hlt
        (byte) 0x80, 0x3e, 0x00, 0x05, 0x01,                // 43 cmp byte [0x500],1
        0x75, (byte) 0xf8,                                  // 48 jne loop
        (byte) 0xba, 0x04, 0x06, (byte) 0xb8, 0x00, 0x20, (byte) 0xef, (byte) 0xf4, // 50 S5 via PM1a; hlt
        (byte) 0xfe, 0x06, 0x00, 0x05,                      // 58 handler: inc byte [0x500]
        (byte) 0xcf,                                        // 62 iret
    };

    @Test
    void tscDeadlineTimerArmedByWrmsr(@TempDir Path dir) throws Exception {
        try (X86PcBoard b = X86PcMultiosDevicesTest.board(X86PcMultiosDevicesTest.rom(dir, DEADLINE_CODE), null)) {
            assertEquals(1 << 24, b.cpu().cpuid.query(1, 0)[2] & (1 << 24), "CPUID.1:ECX.TSC_DEADLINE");
            b.bus().write(LocalApic.BASE + LocalApic.SVR, 4, 0x1ff);
            b.bus().write(LocalApic.BASE + LocalApic.LVT_TIMER, 4, 0x40040); // TSC-deadline mode, vector 0x40
            b.clock().schedule(1_000_000, () -> b.stop(2, "the deadline did not wake the guest by 1 ms"));
            int status = b.run();
            assertEquals(0, status, b.machine().stopReason());
            assertEquals(1, b.bus().read(0x500, 1));
            assertTrue(b.clock().nanos() >= 50_000, "not before the deadline: " + b.clock().nanos());
            assertEquals(0, b.lapic().deadlineNanos(), "IA32_TSC_DEADLINE reads 0 after firing");
        }
    }
}
