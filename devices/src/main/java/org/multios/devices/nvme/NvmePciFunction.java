package org.multios.devices.nvme;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.block.DiskSpecException;
import org.multios.core.bus.MmioDevice;
import org.multios.core.time.VirtualClock;
import org.multios.devices.pci.MsiCapability;
import org.multios.devices.pci.MsixCapability;
import org.multios.devices.pci.PciBar;
import org.multios.devices.pci.PciBarRegions;
import org.multios.devices.pci.PciExpressCapability;
import org.multios.devices.pci.PciFunction;
import org.multios.devices.pci.PciRegister;

/**
 * The NVMe controller as a PCI Express function, with QEMU's identity (vendor 0x1b36,
 * device 0x0010, class 01/08/02 "NVM Express") so firmware and kernels bind their
 * NVMe drivers. BAR 0/1 is a 64-bit 16 KiB memory BAR: controller registers at 0,
 * doorbells at 0x1000, the MSI-X table at 0x2000 and its pending bits at 0x3000.
 * Capabilities: MSI-X, MSI, PCI Express. Interrupt pin INTA.
 */
public final class NvmePciFunction extends PciFunction implements NvmeHost, AutoCloseable {
    public static final int VENDOR_REDHAT = 0x1b36;
    public static final int DEVICE_NVME = 0x0010;
    public static final int CLASS_NVME = 0x010802;
    public static final int SUBSYSTEM_VENDOR = 0x1af4;
    public static final int BAR0_SIZE = 0x4000;
    public static final int MSIX_TABLE = 0x2000, MSIX_PBA = 0x3000;
    /** I/O queues offered, one MSI-X vector each plus the admin queue's. */
    public static final int IO_QUEUES = 16;

    private final NvmeController controller;
    private final MsixCapability msix;
    private final MsiCapability msi;
    private InterruptMode mode = InterruptMode.PIN;

    public NvmePciFunction(VirtualClock clock, List<NvmeNamespace> namespaces, String serial) {
        super(VENDOR_REDHAT, DEVICE_NVME, CLASS_NVME, 2);
        setSubsystem(SUBSYSTEM_VENDOR, 0x1100);
        setInterruptPin(1);
        controller = new NvmeController(clock, this, namespaces, IO_QUEUES, serial);
        msix = new MsixCapability(IO_QUEUES + 1, 0, MSIX_TABLE, MSIX_PBA);
        MmioDevice regs = controller;
        PciBarRegions bar0 = new PciBarRegions()
                .add(0, NvmeRegister.DOORBELL_BASE + NvmeController.doorbellBytes(IO_QUEUES), regs)
                .add(MSIX_TABLE, msix.tableLength(), msix.table())
                .add(MSIX_PBA, msix.pbaLength(), msix.pendingBits());
        addBar(new PciBar(0, PciBar.Kind.MEMORY64, BAR0_SIZE, false, bar0));
        addCapability(msix);
        msi = addCapability(new MsiCapability(0));
        addCapability(new PciExpressCapability());
    }

    public NvmeController controller() { return controller; }

    /**
     * Opens one namespace per {@code --disk} argument (in order: namespace 1, 2, ...) and
     * builds the controller over them. Errors are {@link DiskSpecException}s with a
     * one-line message for the user; disks already opened are closed again.
     *
     * @param snapshot the global {@code --snapshot}: every disk gets a temporary overlay
     * @param warnings one-line warnings (odd-sized images), for stderr
     */
    public static NvmePciFunction open(VirtualClock clock, List<DiskSpec> disks, boolean snapshot, Consumer<String> warnings) {
        List<NvmeNamespace> namespaces = new ArrayList<>();
        try {
            for (DiskSpec d : disks) namespaces.add(new NvmeNamespace(namespaces.size() + 1, d.open(snapshot, warnings)));
        } catch (RuntimeException e) {
            for (NvmeNamespace ns : namespaces) {
                try { ns.close(); } catch (IOException ignored) {}
            }
            throw e;
        }
        return new NvmePciFunction(clock, namespaces, "MULTIOS" + String.format("%04d", disks.size()));
    }

    /** Finishes queued disk I/O, flushes and closes every namespace (snapshot overlays are deleted). */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (NvmeNamespace ns : controller.namespaces()) {
            try {
                ns.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    @Override
    protected void configWritten(int offset, int size) {
        InterruptMode now = msix.isEnabled() ? InterruptMode.MSIX : msi.isEnabled() ? InterruptMode.MSI : InterruptMode.PIN;
        if (now != mode) {
            mode = now;
            controller.interruptModeChanged();
        }
        if (offset <= PciRegister.COMMAND + 1 && offset + size > PciRegister.COMMAND) controller.interruptModeChanged();
    }

    @Override
    protected void resetDevice() {
        mode = InterruptMode.PIN;
        controller.reset();
    }

    // ---- NvmeHost over PCI

    @Override
    public boolean dmaCheck(long address, long length, boolean write) {
        return dmaAllowed(address, length, write);
    }

    @Override public InterruptMode interruptMode() { return mode; }

    @Override public int vectors() { return msix.vectors(); }

    @Override
    public void message(int vector) {
        if (mode == InterruptMode.MSIX) msix.notify(vector);
        else if (mode == InterruptMode.MSI) msi.notify(Math.min(vector, msi.enabledVectors() - 1));
    }

    @Override public void pin(boolean level) { setIntx(level); }
}
