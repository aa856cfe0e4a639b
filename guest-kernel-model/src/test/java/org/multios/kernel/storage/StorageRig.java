package org.multios.kernel.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.fdt.FdtWriter;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.block.DiskImage;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.nvme.NvmeNamespace;
import org.multios.devices.nvme.NvmePciFunction;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciDeviceTree;
import org.multios.devices.pci.PciFunction;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.Kernel;
import org.multios.kernel.arch.riscv.RiscvPort;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.fs.DevFs;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * A machine for the storage stack without firmware or a running CPU: RAM, the riscv64-virt PCI
 * host (ECAM at 0x3000_0000) with the emulated NVMe controller in slot 1 (or any PCI function),
 * its device tree node, and a Kernel over that RAM with a tmpfs root and devfs at /dev. The kernel
 * code runs on the test thread, as it would inside a native call.
 */
final class StorageRig implements AutoCloseable {
    static final long RAM = 0x8000_0000L, RAM_SIZE = 64L << 20;
    static final PciHostLayout L = PciHostLayout.riscvVirt();

    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram = bus.addRam("ram", RAM, RAM_SIZE);
    final VirtualClock clock = new VirtualClock();
    final PciHostBridge bridge;
    final List<NvmeNamespace> namespaces = new ArrayList<>();
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(logBytes, true);
    final Kernel kernel;
    final TmpFs.Dir root;
    NvmePciFunction nvme;

    StorageRig() {
        InterruptLine[] lines = new InterruptLine[4];
        for (int i = 0; i < 4; i++) lines[i] = level -> {};
        bridge = new PciHostBridge(bus, lines, MsiSink.NONE);
        bridge.attachTo(bus, L);
        RvCpu cpu = RvCpu.create(bus, clock);
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        PageFrameAllocator frames = new PageFrameAllocator(RAM, RAM_SIZE, 0);
        TmpFs rootFs = new TmpFs("tmpfs");
        root = rootFs.root();
        kernel = new Kernel(new RiscvPort(cpu, mem, frames), clock, mem, frames, new Vfs(root), log, 1_700_000_000_000_000_000L, 1);
        root.attach("dev", new DevFs(new java.util.SplittableRandom(1), f -> { throw new IllegalStateException(); }).root());
    }

    /** Puts the NVMe controller with these disks in slot 1. */
    StorageRig withNvme(List<DiskImage> disks) {
        for (int i = 0; i < disks.size(); i++) namespaces.add(new NvmeNamespace(i + 1, disks.get(i)));
        nvme = new NvmePciFunction(clock, namespaces, "MULTIOS-TEST");
        bridge.plug(1, 0, nvme);
        return this;
    }

    StorageRig withFunction(int slot, PciFunction f) {
        bridge.plug(slot, 0, f);
        return this;
    }

    /** The device tree a board would pass: just the PCI host node under a root with 2/2 cells. */
    FdtReader deviceTree() {
        FdtWriter w = new FdtWriter();
        w.beginNode("");
        w.propU32("#address-cells", 2);
        w.propU32("#size-cells", 2);
        w.beginNode("soc");
        w.propU32("#address-cells", 2);
        w.propU32("#size-cells", 2);
        PciDeviceTree.writeForPlic(w, L, 3, PciHostLayout.RISCV_VIRT_FIRST_IRQ);
        w.endNode();
        w.endNode();
        return FdtReader.parse(w.finish());
    }

    Storage probe() { return Storage.probe(kernel, deviceTree()); }

    static DiskImage open(Path p) { return DiskSpec.parse(p.toString()).open(false, w -> {}); }

    /** A disk image with the MultiOS layout: GPT, "boot" and "root" MFS partitions (1 MiB aligned). */
    static Path multiosDisk(Path dir, String name, long bytes) throws IOException {
        Path img = dir.resolve(name);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(img.toFile(), "rw")) { f.setLength(bytes); }
        try (FileBlockDevice dev = new FileBlockDevice(img, false)) {
            long mib = 2048;
            long bootFirst = mib, bootLast = bootFirst + 8 * mib - 1;
            long rootFirst = bootLast + 1, rootLast = (GptDisk.lastUsable(bytes) / mib) * mib - 1;
            List<GptPartition> parts = List.of(
                    new GptPartition(GptPartition.MULTIOS_BOOT, UUID.randomUUID(), bootFirst, bootLast, 0, "boot"),
                    new GptPartition(GptPartition.MULTIOS_ROOT, UUID.randomUUID(), rootFirst, rootLast, 0, "root"));
            GptDisk.write(dev, UUID.randomUUID(), parts);
            for (GptPartition p : parts) {
                MfsVolume.format(new SliceBlockDevice(dev, p.offsetBytes(), p.sizeBytes(), p.name()), MfsFormatOptions.defaults().withLabel(p.name()));
            }
            dev.flush();
        }
        return img;
    }

    String log() { return logBytes.toString(); }

    @Override
    public void close() throws IOException {
        for (NvmeNamespace ns : namespaces) ns.close();
    }
}
