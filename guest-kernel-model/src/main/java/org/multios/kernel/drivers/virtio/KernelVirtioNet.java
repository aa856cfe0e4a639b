package org.multios.kernel.drivers.virtio;

import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelLog;
import org.multios.kernel.drivers.nvme.PolledWait;
import org.multios.kernel.drivers.pci.PciDevice;
import org.multios.kernel.drivers.pci.PciHost;
import org.multios.kernel.drivers.pci.PciInterruptMap;
import org.multios.kernel.dt.FdtNode;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.net.DhcpClient;
import org.multios.kernel.net.EthernetInterface;
import org.multios.kernel.net.Ip4;
import org.multios.kernel.net.IpConfig;
import org.multios.kernel.net.KernelNet;
import org.multios.kernel.net.NetStack;

/**
 * Network bring-up on the boot path: every virtio-net function behind the PCI hosts gets a
 * {@link VirtioNetDriver} and an {@code ethN} interface in the kernel's stack; its INTx pin is
 * routed through the device tree's {@code interrupt-map} to the PLIC (or an SPI of the arm64 GICv3), or, when that cannot be
 * resolved, the rings are polled from a 1 ms virtual-time timer. Then {@code ip=} configures eth0:
 * a static address, DHCP waited for at boot (as Linux's IP-Config does), or by default DHCP in the
 * background. Nothing here stops the boot: a device that will not start is logged and skipped.
 */
public final class KernelVirtioNet {
    static final long POLL_NS = 1_000_000;
    /** ip=dhcp waits at most this long (virtual time) before init starts anyway. */
    static final long DHCP_BOOT_WAIT_NS = 30_000_000_000L;

    private KernelVirtioNet() {}

    /** Drivers started, in probe order (eth0 first). */
    public static List<VirtioNetDriver> probe(Kernel k, FdtReader dt) { return probe(k, dt, null); }

    /**
     * As {@link #probe(Kernel, FdtReader)}, for a board whose device tree has no interrupt-map (the
     * PC): {@code intxRoute} gives the line on {@code k.irq} that a function's INTx reaches
     * (x86: the PIIX3 PIRQ route to an 8259 IRQ), or -1; null = the interrupt-map only.
     */
    public static List<VirtioNetDriver> probe(Kernel k, FdtReader dt, java.util.function.ToIntFunction<PciDevice> intxRoute) {
        List<VirtioNetDriver> drivers = new ArrayList<>();
        List<PciHost> hosts;
        try {
            hosts = PciHost.fromDeviceTree(k.mem.bus(), dt);
        } catch (RuntimeException e) {
            return drivers; // the storage probe already said what is wrong with the PCI nodes
        }
        PolledWait wait = new PolledWait(k.clock);
        for (PciHost h : hosts) {
            for (PciDevice d : h.scan()) {
                if (d.vendorId() != VirtioNetDriver.VENDOR || d.deviceId() != VirtioNetDriver.DEVICE_MODERN) continue;
                NetStack stack = KernelNet.stack(k);
                String name = "eth" + drivers.size();
                VirtioNetDriver drv;
                try {
                    reserveOthers(h, d);
                    drv = new VirtioNetDriver(name, VirtioPciTransport.open(d), k.mem, k.frames, wait);
                    drv.start();
                } catch (RuntimeException e) {
                    log(k, KernelLog.ERR, "virtio-net " + d.address() + ": not started: " + e.getMessage());
                    continue;
                }
                EthernetInterface eth = stack.addEthernet(drv.mac(), drv.mtu(), drv);
                drv.attach(eth);
                drv.onFailure(why -> log(k, KernelLog.ERR, "virtio-net " + d.address() + ": " + eth.name + " given up: " + why));
                String irq = connectInterrupt(k, dt, d, drv, intxRoute);
                drivers.add(drv);
                log(k, KernelLog.INFO, String.format("virtio-net %s: %s %s mtu %d, %s, %d rx / %d tx descriptors, link %s", d.address(), eth.name,
                        mac(drv.mac()), drv.mtu(), irq, drv.rxQueueSize(), drv.txQueueSize(), drv.linkUp() ? "up" : "down"));
            }
        }
        if (!drivers.isEmpty()) configure(k, drivers.get(0), wait);
        return drivers;
    }

    private static String connectInterrupt(Kernel k, FdtReader dt, PciDevice d, VirtioNetDriver drv,
                                           java.util.function.ToIntFunction<PciDevice> intxRoute) {
        PciInterruptMap.Target t = null;
        try {
            t = PciInterruptMap.resolve(dt, d);
        } catch (RuntimeException e) {
            // a malformed map: poll instead
        }
        if (t != null && k.irq != null && isPlic(t.controller())) {
            int source = t.specifier()[0];
            try {
                k.irq.enable(source, drv::onInterrupt);
                return "irq " + source + " (INTx through the PLIC)";
            } catch (IllegalArgumentException e) {
                // out of the controller's range: poll instead
            }
        }
        if (t != null && k.irq != null && t.controller().compatible().contains("arm,gic-v3") && t.specifier().length >= 2
                && t.specifier()[0] == 0) {
            int intid = 32 + t.specifier()[1]; // GIC specifier <type number flags>: type 0 = SPI, INTID = 32 + number
            try {
                k.irq.enable(intid, drv::onInterrupt);
                return "irq " + intid + " (INTx through the GICv3)";
            } catch (IllegalArgumentException e) {
                // out of the controller's range: poll instead
            }
        }
        if (t == null && intxRoute != null && k.irq != null) {
            int line = intxRoute.applyAsInt(d);
            if (line >= 0) {
                try {
                    k.irq.enable(line, drv::onInterrupt);
                    return "irq " + line + " (INTx through the board's PCI interrupt router)";
                } catch (IllegalArgumentException e) {
                    // out of the controller's range: poll instead
                }
            }
        }
        schedulePoll(k, drv);
        return "polled every " + POLL_NS / 1000 + " us (no usable interrupt line)";
    }

    private static boolean isPlic(FdtNode n) {
        return n.compatible().contains("riscv,plic0") || n.compatible().contains("sifive,plic-1.0.0");
    }

    private static void schedulePoll(Kernel k, VirtioNetDriver drv) {
        k.clock.scheduleIn(POLL_NS, () -> {
            if (drv.failure() != null) return;
            drv.poll();
            k.kickTimer(); // frames may have woken sleepers
            schedulePoll(k, drv);
        });
    }

    /** ip= on the command line for eth0 (the first NIC). */
    static void configure(Kernel k, VirtioNetDriver drv, PolledWait wait) {
        NetStack stack = KernelNet.stack(k);
        EthernetInterface eth = (EthernetInterface) stack.find(drv.name());
        IpConfig ip = IpConfig.parse(k.commandLine);
        if (ip.error() != null) log(k, KernelLog.ERR, "IP-Config: " + ip.error());
        if (ip.device() != null && !ip.device().equals(eth.name)) {
            log(k, KernelLog.WARNING, "IP-Config: no device " + ip.device() + "; configuring " + eth.name);
        }
        switch (ip.mode()) {
            case OFF -> {}
            case STATIC -> {
                stack.configure(eth, ip.address(), ip.prefix(), ip.gateway());
                stack.autoconfig = new NetStack.Autoconfig(null, "", ip.nameservers(), 0);
                log(k, KernelLog.INFO, "IP-Config: " + eth.name + " " + Ip4.str(ip.address()) + "/" + ip.prefix()
                        + (ip.gateway() != 0 ? " gateway " + Ip4.str(ip.gateway()) : "") + " (static)");
            }
            case DHCP -> {
                DhcpClient c = new DhcpClient(stack, eth, msg -> log(k, KernelLog.INFO, "IP-Config: " + msg));
                c.start();
                long deadline = k.clock.preciseNanos() + DHCP_BOOT_WAIT_NS;
                boolean done = wait.until(() -> {
                    drv.poll();
                    return c.finished();
                }, deadline);
                if (!done) log(k, KernelLog.WARNING, "IP-Config: no DHCP answer on " + eth.name + " yet; continuing in the background");
            }
            case DEFAULT -> {
                log(k, KernelLog.INFO, "IP-Config: " + eth.name + ": DHCP in the background (ip= not given)");
                new DhcpClient(stack, eth, msg -> log(k, KernelLog.INFO, "IP-Config: " + msg)).start();
            }
        }
    }

    /**
     * As the display driver does: each PciHost places BARs on its own, so first learn where every
     * other function's BARs already are (sizing a placed BAR reserves it).
     */
    private static void reserveOthers(PciHost h, PciDevice self) {
        for (PciDevice o : h.scan()) {
            if (o.bus == self.bus && o.device == self.device && o.function == self.function) continue;
            for (int i = 0; i < 6; i++) {
                try {
                    PciDevice.Bar b = o.memoryBar(i);
                    if (b != null && b.is64()) i++;
                } catch (IllegalStateException e) {
                    // no room for someone else's BAR: their driver says so
                }
            }
        }
    }

    static String mac(byte[] m) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < m.length; i++) s.append(i == 0 ? "" : ":").append(String.format("%02x", m[i] & 0xff));
        return s.toString();
    }

    private static void log(Kernel k, int level, String text) {
        if (k.klog != null) k.klog.log(level, text);
        else k.log.println("multios: " + text);
    }
}
