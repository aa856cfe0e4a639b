package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.multios.core.time.VirtualClock;

/** The legacy PC devices through their I/O ports: 8259 pair, 8254, CMOS, fw_cfg, PCI mechanism #1. */
class X86PcChipsetTest {
    /** Programs the PICs as a BIOS does: vectors 0x20/0x28, cascade on IRQ 2, 8086 mode. */
    static IoPortBus pics(I8259Pic pic) {
        IoPortBus io = new IoPortBus();
        io.map(0x20, 2, pic.master);
        io.map(0xa0, 2, pic.slave);
        io.out(0x20, 1, 0x11); io.out(0x21, 1, 0x20); io.out(0x21, 1, 0x04); io.out(0x21, 1, 0x01);
        io.out(0xa0, 1, 0x11); io.out(0xa1, 1, 0x28); io.out(0xa1, 1, 0x02); io.out(0xa1, 1, 0x01);
        return io;
    }

    @Test
    void picDeliversByPriorityMasksAndNeedsEoi() {
        I8259Pic pic = new I8259Pic();
        IoPortBus io = pics(pic);
        io.out(0x21, 1, 0xfe); // only IRQ 0
        pic.irq(4).raise();
        assertFalse(pic.pending(), "IRQ 4 is masked");
        io.out(0x21, 1, 0x00);
        io.out(0xa1, 1, 0x00);
        assertTrue(pic.pending());
        pic.irq(0).raise();
        assertEquals(0x20, pic.acknowledge(), "IRQ 0 has the highest priority");
        assertFalse(pic.pending(), "IRQ 4 waits while IRQ 0 is in service");
        io.out(0x20, 1, 0x20); // non-specific EOI
        assertTrue(pic.pending());
        assertEquals(0x24, pic.acknowledge());
        io.out(0x20, 1, 0x20);
        pic.irq(12).raise();
        assertEquals(0x2c, pic.acknowledge(), "slave IRQ 12 through the cascade");
        io.out(0xa0, 1, 0x0b); // OCW3: read ISR
        assertEquals(0x10, io.in(0xa0, 1));
        pic.irq(0).raise();
        assertFalse(pic.pending(), "IRQ 0 line still high: no new edge");
    }

    @Test
    void pitCountsDownInVirtualTimeAndInterrupts() {
        VirtualClock clock = new VirtualClock(10);
        I8259Pic pic = new I8259Pic();
        IoPortBus io = pics(pic);
        io.out(0x21, 1, 0xfe);
        I8254Pit pit = new I8254Pit(clock, pic.irq(0));
        io.map(0x40, 4, pit);
        io.map(0x61, 1, pit.port61);
        io.out(0x43, 1, 0x34);          // channel 0, lobyte/hibyte, mode 2
        io.out(0x40, 1, 0x9c); io.out(0x40, 1, 0x2e); // 11932 ticks = 10 ms
        clock.advanceTo(5_000_000);     // 5 ms
        io.out(0x43, 1, 0x00);          // latch
        int count = (int) io.in(0x40, 1) | (int) io.in(0x40, 1) << 8;
        assertTrue(Math.abs(count - 11932 / 2) < 5, "half way: " + count);
        assertFalse(pic.pending());
        clock.advanceTo(10_100_000);
        clock.fireDue();
        assertTrue(pic.pending(), "terminal count raised IRQ 0");
        assertEquals(0x20, pic.acknowledge());
        // channel 2 output through port 0x61 in mode 0
        io.out(0x61, 1, 0x01);
        io.out(0x43, 1, 0xb0);
        io.out(0x42, 1, 0x10); io.out(0x42, 1, 0x00); // 16 ticks
        assertEquals(0, io.in(0x61, 1) & 0x20);
        clock.advanceTo(clock.nanos() + 20_000);
        assertEquals(0x20, io.in(0x61, 1) & 0x20, "OUT2 high after the count");
    }

    @Test
    void cmosReportsMemoryAndBcdTime() {
        VirtualClock clock = new VirtualClock(10);
        CmosRtc rtc = new CmosRtc(clock, X86PcConfig.DEFAULT_RTC_EPOCH_NANOS + 3_723_000_000_000L, 128L << 20, 0);
        IoPortBus io = new IoPortBus();
        io.map(0x70, 2, rtc);
        io.out(0x70, 1, 0x34);
        int lo = (int) io.in(0x71, 1);
        io.out(0x70, 1, 0x35);
        int hi = (int) io.in(0x71, 1);
        assertEquals((128 - 16) * 16, lo | hi << 8, "64 KiB units above 16 MiB");
        io.out(0x70, 1, 0x04);
        assertEquals(0x01, io.in(0x71, 1), "hour 1 in BCD");
        io.out(0x70, 1, 0x02);
        assertEquals(0x02, io.in(0x71, 1), "minute 2 in BCD");
        io.out(0x70, 1, 0x09);
        assertEquals(0x25, io.in(0x71, 1), "year 2025 in BCD");
    }

    @Test
    void fwCfgSignatureIdAndFileDirectory() {
        FwCfg fw = new FwCfg(1, 128L << 20);
        fw.addFile("etc/test", "hello".getBytes(StandardCharsets.US_ASCII));
        IoPortBus io = new IoPortBus();
        io.map(0x510, 2, fw);
        io.out(0x510, 2, FwCfg.SIGNATURE);
        StringBuilder sig = new StringBuilder();
        for (int i = 0; i < 4; i++) sig.append((char) io.in(0x511, 1));
        assertEquals("QEMU", sig.toString());
        io.out(0x510, 2, FwCfg.FILE_DIR);
        int count = 0;
        for (int i = 0; i < 4; i++) count = count << 8 | (int) io.in(0x511, 1);
        assertEquals(1, count);
        int size = 0;
        for (int i = 0; i < 4; i++) size = size << 8 | (int) io.in(0x511, 1);
        assertEquals(5, size);
        int select = (int) io.in(0x511, 1) << 8 | (int) io.in(0x511, 1);
        io.out(0x510, 2, select);
        assertEquals('h', io.in(0x511, 1));
    }

    @Test
    void pciMechanismOneReachesTheFunctions() {
        org.multios.core.bus.PhysicalBus bus = new org.multios.core.bus.PhysicalBus();
        org.multios.core.irq.InterruptLine[] intx = new org.multios.core.irq.InterruptLine[4];
        java.util.Arrays.fill(intx, org.multios.core.irq.InterruptLine.NONE);
        org.multios.devices.pci.PciHostBridge pci = new org.multios.devices.pci.PciHostBridge(bus, intx, org.multios.devices.pci.MsiSink.NONE);
        pci.plug(1, 0, new Piix3IsaBridge());
        boolean[] reset = {false};
        IoPortBus io = new IoPortBus();
        io.map(0xcf8, 8, new PciConfigMechanism1(pci.ecam(), () -> reset[0] = true));
        io.out(0xcf8, 4, 0x8000_0800L);  // 00:01.0 register 0
        assertEquals(0x7000_8086L, io.in(0xcfc, 4));
        assertEquals(0x7000, io.in(0xcfe, 2));
        io.out(0xcf8, 4, 0x8000_0860L);  // PIRQ routes
        io.out(0xcfd, 1, 0x0b);
        assertEquals(0x80, io.in(0xcfc, 1));
        assertEquals(0x0b, io.in(0xcfd, 1));
        io.out(0xcf8, 4, 0x0000_0800L);  // enable bit clear: no access
        assertEquals(0xffff_ffffL, io.in(0xcfc, 4));
        io.out(0xcf8, 4, 0x8000_1800L);  // empty slot 3
        assertEquals(0xffff_ffffL, io.in(0xcfc, 4));
        assertFalse(reset[0]);
        io.out(0xcf9, 1, 0x06);
        assertTrue(reset[0], "reset control 0x06 resets the system");
    }
}
