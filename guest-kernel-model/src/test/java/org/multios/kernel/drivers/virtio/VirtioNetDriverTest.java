package org.multios.kernel.drivers.virtio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.fdt.FdtWriter;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.net.NetBackend;
import org.multios.devices.net.UserNetBackend;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciDeviceTree;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.devices.virtio.VirtioNetPciFunction;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.Kernel;
import org.multios.kernel.arch.riscv.RiscvPort;
import org.multios.kernel.driver.InterruptController;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;
import org.multios.kernel.net.EthernetInterface;
import org.multios.kernel.net.Ip4;
import org.multios.kernel.net.KernelNet;
import org.multios.kernel.net.NetStack;

/**
 * The kernel's virtio-net driver against the devices module's {@link VirtioNetPciFunction} on a
 * PCI host bridge, without a CPU: the virtual clock is run by hand, and an asserted INTx wire is
 * served as the PLIC would (the handler the driver registered for the interrupt-map's source).
 */
class VirtioNetDriverTest {
    static final long RAM = 0x8000_0000L, RAM_SIZE = 32L << 20;
    static final int PLIC_PHANDLE = 3;
    static final byte[] MAC = {0x52, 0x54, 0x00, 0x00, 0x03, 0x07};

    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram = bus.addRam("ram", RAM, RAM_SIZE);
    final VirtualClock clock = new VirtualClock();
    final boolean[] wire = new boolean[4];
    final Map<Integer, Runnable> handlers = new HashMap<>();
    VirtioNetPciFunction nic;
    Kernel kernel;

    /** A back end that records what the guest sends and lets the test deliver frames. */
    static final class Recorder implements NetBackend {
        final List<byte[]> sent = new ArrayList<>();
        FrameSink toGuest;
        @Override public void attach(FrameSink s) { toGuest = s; }
        @Override public void transmit(byte[] f) { sent.add(f); }
        @Override public void close() {}
    }

    void machine(NetBackend backend, String cmdline, boolean withIrq) {
        InterruptLine[] lines = new InterruptLine[4];
        for (int i = 0; i < 4; i++) {
            int w = i;
            lines[i] = level -> wire[w] = level;
        }
        PciHostBridge bridge = new PciHostBridge(bus, lines, MsiSink.NONE);
        bridge.attachTo(bus, PciHostLayout.riscvVirt());
        nic = new VirtioNetPciFunction(clock, backend, MAC, 1500);
        bridge.plug(2, 0, nic);
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        PageFrameAllocator frames = new PageFrameAllocator(RAM, RAM_SIZE, 0);
        kernel = new Kernel(new RiscvPort(RvCpu.create(bus, clock), mem, frames), clock, mem, frames, new Vfs(new TmpFs("t").root()),
                new PrintStream(new ByteArrayOutputStream(), true), 0, 1);
        kernel.commandLine = cmdline;
        if (withIrq) {
            kernel.irq = new InterruptController() {
                @Override public void enable(int source, Runnable h) { handlers.put(source, h); }
                @Override public void handlePending() {}
            };
        }
    }

    FdtReader deviceTree() {
        FdtWriter w = new FdtWriter();
        w.beginNode("");
        w.propU32("#address-cells", 2);
        w.propU32("#size-cells", 2);
        w.beginNode("soc");
        w.propU32("#address-cells", 2);
        w.propU32("#size-cells", 2);
        w.beginNode("plic@c000000");
        w.propString("compatible", "riscv,plic0");
        w.propU32("#interrupt-cells", 1);
        w.propU32("#address-cells", 0);
        w.propEmpty("interrupt-controller");
        w.propU32("phandle", PLIC_PHANDLE);
        w.endNode();
        PciDeviceTree.writeForPlic(w, PciHostLayout.riscvVirt(), PLIC_PHANDLE, PciHostLayout.RISCV_VIRT_FIRST_IRQ);
        w.endNode();
        w.endNode();
        return FdtReader.parse(w.finish());
    }

    /** Runs host input and clock events up to {@code ns} from now; an asserted wire is served like the PLIC would. */
    void run(long ns) {
        long end = clock.nanos() + ns;
        while (true) {
            if (clock.hostInput().hasPending()) clock.hostInput().runPending();
            serveInterrupts();
            long next = clock.nextDeadline();
            if (next > end) break;
            clock.advanceTo(next);
            clock.fireDue();
        }
        clock.advanceTo(end);
    }

    int served;

    void serveInterrupts() {
        for (int i = 0; i < 4; i++) {
            if (!wire[i]) continue;
            Runnable h = handlers.get(PciHostLayout.RISCV_VIRT_FIRST_IRQ + i);
            assertNotNull(h, "INTx wire " + i + " is asserted but the driver registered no handler for its PLIC source");
            h.run();
            served++;
            assertFalse(wire[i], "reading the ISR de-asserts INTx");
        }
    }

    @AfterEach
    void close() { if (nic != null) nic.close(); }

    @Test
    void dhcpAtBootThroughTheUserNetworkWithIntxOnThePlicSourceOfTheInterruptMap() throws Exception {
        machine(new UserNetBackend(), "console=ttyS0 ip=dhcp", true);
        List<VirtioNetDriver> drivers = KernelVirtioNet.probe(kernel, deviceTree());
        assertEquals(1, drivers.size());
        VirtioNetDriver d = drivers.get(0);
        // slot 2, INTA: swizzled to wire (2 + 0) & 3 = 2 -> PLIC source 0x22
        assertEquals(List.of(PciHostLayout.RISCV_VIRT_FIRST_IRQ + PciHostBridge.intxWire(2, 1)), new ArrayList<>(handlers.keySet()));
        assertTrue(nic.isDriverOk());
        assertEquals(1L << 32 | 1L << VirtioNetDriver.F_MAC | 1L << VirtioNetDriver.F_STATUS | 1L << VirtioNetDriver.F_MTU, nic.driverFeatures());
        assertArrayEquals(MAC, d.mac());
        assertEquals(1500, d.mtu());
        NetStack stack = KernelNet.stack(kernel);
        EthernetInterface eth = (EthernetInterface) stack.find("eth0");
        assertNotNull(eth);
        // ip=dhcp waited at boot (polling the rings in virtual time): the address is there already.
        assertEquals("10.0.2.15", Ip4.str(eth.address));
        assertEquals(24, eth.prefix);
        assertEquals("10.0.2.2", Ip4.str(stack.gateway));
        assertTrue(d.rxFrames >= 2 && d.txFrames >= 2, "DISCOVER/REQUEST out, OFFER/ACK in");
        assertEquals("#PROTO: DHCP\nnameserver 10.0.2.3\nbootserver 10.0.2.2\n", org.multios.kernel.net.ProcNet.pnp(stack), "/proc/net/pnp as Linux's IP-Config writes it");
    }

    @Test
    void staticAddressAndMoreFramesThanTheReceiveRingHolds() {
        Recorder r = new Recorder();
        machine(r, "ip=10.0.3.1/24:10.0.3.254", true);
        VirtioNetDriver d = KernelVirtioNet.probe(kernel, deviceTree()).get(0);
        EthernetInterface eth = (EthernetInterface) KernelNet.stack(kernel).find("eth0");
        assertEquals("10.0.3.1", Ip4.str(eth.address));
        assertEquals("10.0.3.254", Ip4.str(KernelNet.stack(kernel).gateway));
        assertEquals("#MANUAL\n", org.multios.kernel.net.ProcNet.pnp(KernelNet.stack(kernel)));
        assertEquals(256, d.rxQueueSize());
        long before = eth.rxPackets;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 400; i++) {
                byte[] f = new byte[60];
                java.util.Arrays.fill(f, 0, 6, (byte) -1); // broadcast
                f[12] = (byte) 0x88; f[13] = (byte) 0xb5; // local experimental EtherType: counted, then dropped by the stack
                f[20] = (byte) i;
                r.toGuest.deliver(f);
            }
            run(2_000_000);
        }
        assertEquals(1200, eth.rxPackets - before, "every frame reached the interface (the ring was refilled while they arrived)");
        assertEquals(0, nic.droppedFrames());
        assertTrue(served > 0);
    }

    @Test
    void transmitBacklogDrainsInOrderWhenTheRingIsFull() {
        Recorder r = new Recorder();
        machine(r, "ip=off", true);
        VirtioNetDriver d = KernelVirtioNet.probe(kernel, deviceTree()).get(0);
        int n = 700;
        for (int i = 0; i < n; i++) {
            byte[] f = new byte[100 + i % 1400];
            f[0] = 2; // unicast, locally administered
            f[14] = (byte) (i >>> 8);
            f[15] = (byte) i;
            d.transmit(f);
        }
        assertEquals(n - 256, d.txBacklogged, "the ring takes 256, the rest waits");
        run(5_000_000);
        assertEquals(n, r.sent.size());
        for (int i = 0; i < n; i++) {
            byte[] f = r.sent.get(i);
            assertEquals(100 + i % 1400, f.length);
            assertEquals(i, (f[14] & 0xff) << 8 | (f[15] & 0xff), "frame " + i + " in order");
        }
        d.transmit(new byte[1515 + 1]); // larger than MTU + Ethernet header
        assertEquals(1, d.txDropped);
    }

    @Test
    void withoutAnInterruptControllerTheRingsArePolledOnATimer() {
        Recorder r = new Recorder();
        machine(r, "ip=10.0.3.2/24", false);
        VirtioNetDriver d = KernelVirtioNet.probe(kernel, deviceTree()).get(0);
        byte[] f = new byte[60];
        java.util.Arrays.fill(f, 0, 6, (byte) -1);
        r.toGuest.deliver(f);
        long t = clock.nanos();
        while (d.rxFrames == 0 && clock.nanos() - t < 10_000_000) {
            if (clock.hostInput().hasPending()) clock.hostInput().runPending(); // the frame enters the ring now
            clock.advanceTo(clock.nextDeadline());
            clock.fireDue();
        }
        assertEquals(1, d.rxFrames);
        assertEquals(0, d.interrupts);
        assertTrue(clock.nanos() - t <= KernelVirtioNet.POLL_NS, "within one driver poll period");
    }

    @Test
    void aDeviceThatReturnsABufferItDoesNotHoldIsGivenUpWithoutHurtingTheKernel() {
        Recorder r = new Recorder();
        machine(r, "ip=10.0.3.1/24", true);
        VirtioNetDriver d = KernelVirtioNet.probe(kernel, deviceTree()).get(0);
        EthernetInterface eth = (EthernetInterface) KernelNet.stack(kernel).find("eth0");
        // A broken device: the receive used ring claims descriptor 300 of a 256-entry queue.
        long used = nic.queue(0).usedAddress();
        bus.write(used + 4, 4, 300);
        bus.write(used + 8, 4, 64);
        bus.write(used + 2, 2, 1);
        String[] logged = new String[1];
        d.onFailure(why -> logged[0] = why);
        d.poll();
        assertNotNull(d.failure());
        assertTrue(d.failure().contains("descriptor 300"), d.failure());
        assertEquals(d.failure(), logged[0]);
        assertEquals(0, eth.flags & org.multios.kernel.net.NetInterface.IFF_RUNNING, "the interface is down");
        assertEquals(0, nic.status(), "the device was reset: no more DMA into kernel memory");
        d.transmit(new byte[60]);
        assertEquals(1, d.txDropped);
        assertTrue(r.sent.isEmpty());
        d.onInterrupt(); // a late interrupt is acknowledged, nothing else
    }
}
