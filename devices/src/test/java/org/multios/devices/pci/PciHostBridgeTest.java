package org.multios.devices.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.irq.InterruptLine;

class PciHostBridgeTest {
    static final PciHostLayout L = PciHostLayout.riscvVirt();
    PhysicalBus bus;
    RamRegion ram;
    boolean[] wires;
    PciHostBridge bridge;
    TestFunction fn;

    @BeforeEach
    void setUp() {
        bus = new PhysicalBus();
        ram = bus.addRam("ram", 0x8000_0000L, 0x10_0000);
        wires = new boolean[4];
        InterruptLine[] lines = new InterruptLine[4];
        for (int i = 0; i < 4; i++) { int w = i; lines[i] = level -> wires[w] = level; }
        bridge = new PciHostBridge(bus, lines, MsiSink.memoryWrite(bus));
        bridge.attachTo(bus, L);
        fn = new TestFunction();
        bridge.plug(2, 0, fn);
    }

    static long cfg(int dev, int fn, int reg) { return L.ecamBase() + ((long) dev << 15 | (long) fn << 12 | reg); }

    long r(int dev, int reg, int size) { return bus.read(cfg(dev, 0, reg), size); }

    void w(int dev, int reg, int size, long v) { bus.write(cfg(dev, 0, reg), size, v); }

    @Test
    void ecamDecodesBusDeviceFunctionAndAbsentFunctionsReadAllOnes() {
        assertEquals(0x0008_1b36L, r(0, 0, 4));
        assertEquals(0x1b36, r(0, 0, 2));
        assertEquals(0x36, r(0, 0, 1));
        assertEquals(0x08, r(0, 2, 1));
        assertEquals(0x00, r(0, 3, 1));
        assertEquals(0x06, r(0, PciRegister.CLASS_PROG + 2, 1), "host bridge base class");
        assertEquals(0x5678_1234L, r(2, 0, 4));
        assertEquals(0x0108_0202L, r(2, PciRegister.REVISION_ID, 4), "class 01/08/02, revision 2");
        assertEquals(0xffff_ffffL, r(1, 0, 4), "empty slot");
        assertEquals(0xffff, bus.read(cfg(2, 1, 0), 2), "absent function of a present device");
        assertEquals(0xffff_ffffL, bus.read(L.ecamBase() + (1L << 20) + cfg(2, 0, 0) - L.ecamBase(), 4), "bus 1 has nothing");
        assertEquals(1, r(2, PciRegister.INTERRUPT_PIN, 1), "interrupt pin INTA");
        w(1, 0, 4, 0); // ignored, no exception
    }

    @Test
    void commandRegisterKeepsOnlyWritableBitsAndStatusIsWriteOneToClear() {
        w(2, PciRegister.COMMAND, 2, 0xffff);
        assertEquals(0x0547, r(2, PciRegister.COMMAND, 2));
        fn.configSpace().set16(PciRegister.STATUS, fn.configSpace().get16(PciRegister.STATUS) | PciRegister.STS_RECEIVED_MASTER_ABORT);
        int status = (int) r(2, PciRegister.STATUS, 2);
        assertNotEquals(0, status & PciRegister.STS_RECEIVED_MASTER_ABORT);
        assertNotEquals(0, status & PciRegister.STS_CAPABILITIES_LIST);
        w(2, PciRegister.STATUS, 2, PciRegister.STS_RECEIVED_MASTER_ABORT | PciRegister.STS_CAPABILITIES_LIST);
        status = (int) r(2, PciRegister.STATUS, 2);
        assertEquals(0, status & PciRegister.STS_RECEIVED_MASTER_ABORT);
        assertNotEquals(0, status & PciRegister.STS_CAPABILITIES_LIST, "read-only bit survives a write of 1");
        w(2, 0, 4, 0);
        assertEquals(0x5678_1234L, r(2, 0, 4), "IDs are read-only");
    }

    @Test
    void barSizingByWritingAllOnes() {
        w(2, 0x10, 4, 0xffff_ffffL);
        assertEquals(0xffff_f000L, r(2, 0x10, 4), "4 KiB 32-bit memory BAR");
        w(2, 0x14, 4, 0xffff_ffffL);
        assertEquals(0, r(2, 0x14, 4), "unimplemented BAR");
        w(2, 0x18, 4, 0xffff_ffffL);
        w(2, 0x1c, 4, 0xffff_ffffL);
        assertEquals(0xffff_c004L, r(2, 0x18, 4), "16 KiB 64-bit memory BAR, type 10b");
        assertEquals(0xffff_ffffL, r(2, 0x1c, 4));
        w(2, 0x20, 4, 0xffff_ffffL);
        assertEquals(0xffff_ff01L, r(2, 0x20, 4), "256-byte I/O BAR");
        w(2, 0x30, 4, 0xffff_ffffL);
        assertEquals(0, r(2, 0x30, 4), "no expansion ROM");
    }

    @Test
    void programmedBarsDecodeInTheWindowsOnlyWhenEnabled() {
        w(2, 0x10, 4, 0x4010_0000L);
        w(2, 0x20, 4, 0x1000);
        assertEquals(0xffff_ffffL, bus.read(0x4010_0010L, 4), "memory decoding off: master abort");
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE);
        assertEquals(0xA000_0010L, bus.read(0x4010_0010L, 4));
        bus.write(0x4010_0ff8L, 8, 0x1122_3344_5566_7788L);
        assertArrayEquals(new long[] {0xff8, 8, 0x1122_3344_5566_7788L}, fn.lastWrite);
        assertEquals(0xffff_ffffL, bus.read(L.ioBase() + 0x1004, 4), "I/O decoding off");
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE | PciRegister.CMD_IO_SPACE);
        assertEquals(0xB000_0004L, bus.read(L.ioBase() + 0x1004, 4));
        // Move the BAR: the old address no longer decodes.
        w(2, 0x10, 4, 0x4020_0000L);
        assertEquals(0xffff_ffffL, bus.read(0x4010_0010L, 4));
        assertEquals(0xA000_0020L, bus.read(0x4020_0020L, 4));
        // A 64-bit BAR above 4 GiB lands in the high window.
        w(2, 0x18, 4, 0);
        w(2, 0x1c, 4, 0x4);
        assertEquals(0x4_0000_0000L, fn.barAddress(2));
        assertEquals(0, bus.read(0x4_0000_0800L, 8), "PBA decodes in the high window (all clear)");
        assertEquals(0xffff_ffff_ffff_ffffL, bus.read(0x4_0000_4000L, 8), "past the BAR: master abort");
    }

    @Test
    void capabilityChainListsMsixMsiAndPciExpress() {
        List<Integer> ids = new ArrayList<>();
        int p = (int) r(2, PciRegister.CAPABILITIES_POINTER, 1);
        int guard = 0;
        while (p != 0 && guard++ < 48) {
            assertEquals(0, p & 3, "capabilities are dword aligned");
            assertTrue(p >= 0x40 && p < 0x100);
            ids.add((int) r(2, p, 1));
            p = (int) r(2, p + 1, 1);
        }
        assertEquals(List.of(0x11, 0x05, 0x10), ids);
        int msix = fn.msix.offset();
        assertEquals(3, r(2, msix + 2, 2) & 0x7ff, "table size 4, encoded N-1");
        assertEquals(0x0000_0002L, r(2, msix + 4, 4), "table at offset 0 of BAR 2");
        assertEquals(0x0000_0802L, r(2, msix + 8, 4), "PBA at 0x800 of BAR 2");
        assertEquals(0, r(0, PciRegister.STATUS, 2) & PciRegister.STS_CAPABILITIES_LIST, "host bridge has none");
    }

    @Test
    void intxIsSwizzledAndRespectsInterruptDisable() {
        fn.setIntx(true);
        assertArrayEquals(new boolean[] {false, false, true, false}, wires, "device 2 INTA -> wire 2");
        assertNotEquals(0, r(2, PciRegister.STATUS, 2) & PciRegister.STS_INTERRUPT);
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_INTX_DISABLE);
        assertFalse(wires[2]);
        assertNotEquals(0, r(2, PciRegister.STATUS, 2) & PciRegister.STS_INTERRUPT, "status still shows the request");
        w(2, PciRegister.COMMAND, 2, 0);
        assertTrue(wires[2]);
        // A second function on another slot sharing the wire: the wire stays up until both drop.
        TestFunction other = new TestFunction();
        bridge.plug(6, 0, other); // (1 - 1 + 6) mod 4 = 2
        other.setIntx(true);
        fn.setIntx(false);
        assertTrue(wires[2]);
        other.setIntx(false);
        assertFalse(wires[2]);
        assertEquals(3, PciHostBridge.intxWire(3, 1));
        assertEquals(0, PciHostBridge.intxWire(3, 2));
    }

    @Test
    void msixMessagesAreMemoryWritesAndMaskedVectorsPend() {
        w(2, 0x18, 4, 0x4100_0000L);
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE | PciRegister.CMD_BUS_MASTER);
        long table = 0x4100_0000L;
        bus.write(table + 16, 4, 0x8000_1000L);   // vector 1: address
        bus.write(table + 20, 4, 0);
        bus.write(table + 24, 4, 0xabcd_0001L);   // data
        int msix = fn.msix.offset();
        w(2, msix + 2, 2, 0x8000);                 // MSI-X enable
        fn.msix.notify(1);
        assertEquals(0, ram.read(0x1000, 4), "vector still masked from reset");
        assertEquals(0b10, bus.read(table + 0x800, 8), "pending bit");
        bus.write(table + 28, 4, 0);               // unmask -> held message goes out
        assertEquals(0xabcd_0001L, ram.read(0x1000, 4));
        assertEquals(0, bus.read(table + 0x800, 8));
        ram.write(0x1000, 4, 0);
        w(2, msix + 2, 2, 0xc000);                 // function mask
        fn.msix.notify(1);
        assertEquals(0, ram.read(0x1000, 4));
        w(2, msix + 2, 2, 0x8000);
        assertEquals(0xabcd_0001L, ram.read(0x1000, 4));
        ram.write(0x1000, 4, 0);
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE);
        fn.msix.notify(1);
        assertEquals(0, ram.read(0x1000, 4), "no bus mastering, no message");
    }

    @Test
    void msiSendsDataWithVectorInLowBits() {
        int m = fn.msi.offset();
        assertEquals(0x0184, r(2, m + 2, 2), "per-vector masking, 64-bit, 4 vectors capable");
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_BUS_MASTER);
        w(2, m + 4, 4, 0x8000_2003L);
        assertEquals(0x8000_2000L, r(2, m + 4, 4), "address bits 1:0 are zero");
        w(2, m + 8, 4, 0);
        w(2, m + 0xc, 2, 0x40);
        w(2, m + 2, 2, 0x21);                      // enable, 4 vectors
        fn.msi.notify(3);
        assertEquals(0x43, ram.read(0x2000, 4));
        w(2, m + 0x10, 4, 0b100);                  // mask vector 2
        fn.msi.notify(2);
        assertEquals(0x43, ram.read(0x2000, 4));
        assertEquals(0b100, r(2, m + 0x14, 4));
        w(2, m + 0x10, 4, 0);
        assertEquals(0x42, ram.read(0x2000, 4));
        assertEquals(0, r(2, m + 0x14, 4));
    }

    @Test
    void resetReturnsConfigurationToPowerOn() {
        w(2, 0x10, 4, 0x4010_0000L);
        w(2, PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE);
        bridge.ecam().reset();
        assertEquals(0, r(2, 0x10, 4));
        assertEquals(0, r(2, PciRegister.COMMAND, 2));
        assertEquals(0xffff_ffffL, bus.read(0x4010_0010L, 4));
    }
}
