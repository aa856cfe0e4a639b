package org.multios.devices.pci;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.multios.core.fdt.FdtWriter;

/**
 * Describes a {@link PciHostLayout} in the device tree as a {@code pci-host-ecam-generic}
 * node laid out as QEMU's virt boards do (Linux's and U-Boot's generic ECAM drivers
 * read it): 3 address cells (phys.hi/mid/lo), {@code bus-range}, {@code ranges} for I/O,
 * 32-bit and 64-bit memory, and an {@code interrupt-map} giving, for slots 0-3 and pins
 * INTA-INTD, the swizzled interrupt of {@link PciHostBridge#intxWire}. The mask
 * {@code <0x1800 0 0 7>} makes the map repeat every four slots.
 */
public final class PciDeviceTree {
    private PciDeviceTree() {}

    /** phys.hi space codes (IEEE 1275 PCI binding): I/O, 32-bit memory, 64-bit memory. */
    private static final int SPACE_IO = 0x0100_0000, SPACE_MEM32 = 0x0200_0000, SPACE_MEM64 = 0x0300_0000;

    /**
     * Writes the node as a child of the current node (the board's {@code /soc}, which has
     * 2 address and 2 size cells).
     *
     * @param parentPhandle      the interrupt controller's phandle
     * @param parentAddressCells its {@code #address-cells} (0 for the RISC-V PLIC, 0 or 2 for a GIC)
     * @param parentInterrupt    interrupt specifier cells for INTx wire 0..3 (e.g. PLIC: {@code {32 + wire}})
     */
    public static void write(FdtWriter fdt, PciHostLayout l, int parentPhandle, int parentAddressCells,
                             IntFunction<int[]> parentInterrupt) {
        write(fdt, String.format("pci@%x", l.ecamBase()), l, parentPhandle, parentAddressCells, parentInterrupt);
    }

    /**
     * The same with a chosen node name: QEMU's arm64 virt calls it {@code pcie@10000000}
     * (after its MMIO window) and maps INTx to GIC SPIs 3-6:
     * {@code write(fdt, "pcie@10000000", layout, gic, 2, wire -> new int[] {0, 3 + wire, 4})}.
     */
    public static void write(FdtWriter fdt, String nodeName, PciHostLayout l, int parentPhandle, int parentAddressCells,
                             IntFunction<int[]> parentInterrupt) {
        fdt.beginNode(nodeName);
        fdt.propString("compatible", "pci-host-ecam-generic");
        fdt.propString("device_type", "pci");
        fdt.propU32("#address-cells", 3);
        fdt.propU32("#size-cells", 2);
        fdt.propU32("#interrupt-cells", 1);
        fdt.propU32("linux,pci-domain", 0);
        fdt.propU32("bus-range", 0, l.lastBus());
        fdt.propEmpty("dma-coherent");
        fdt.propU64("reg", l.ecamBase(), l.ecamSize());
        List<Integer> ranges = new ArrayList<>();
        if (l.ioSize() > 0) range(ranges, SPACE_IO, 0, l.ioBase(), l.ioSize());
        range(ranges, SPACE_MEM32, l.mmioBase(), l.mmioBase(), l.mmioSize());
        if (l.mmioHighSize() > 0) range(ranges, SPACE_MEM64, l.mmioHighBase(), l.mmioHighBase(), l.mmioHighSize());
        fdt.propU32("ranges", ranges.stream().mapToInt(Integer::intValue).toArray());
        List<Integer> map = new ArrayList<>();
        for (int slot = 0; slot < 4; slot++) {
            for (int pin = 1; pin <= 4; pin++) {
                map.add(slot << 11);
                map.add(0);
                map.add(0);
                map.add(pin);
                map.add(parentPhandle);
                for (int i = 0; i < parentAddressCells; i++) map.add(0);
                for (int c : parentInterrupt.apply(PciHostBridge.intxWire(slot, pin))) map.add(c);
            }
        }
        fdt.propU32("interrupt-map", map.stream().mapToInt(Integer::intValue).toArray());
        fdt.propU32("interrupt-map-mask", 0x1800, 0, 0, 7);
        fdt.endNode();
    }

    /** The riscv64-virt form: PLIC (no address cells) with INTx wires on sources {@code firstIrq..firstIrq+3}. */
    public static void writeForPlic(FdtWriter fdt, PciHostLayout l, int plicPhandle, int firstIrq) {
        write(fdt, l, plicPhandle, 0, wire -> new int[] {firstIrq + wire});
    }

    private static void range(List<Integer> out, int space, long pciAddress, long cpuAddress, long size) {
        out.add(space);
        out.add((int) (pciAddress >>> 32));
        out.add((int) pciAddress);
        out.add((int) (cpuAddress >>> 32));
        out.add((int) cpuAddress);
        out.add((int) (size >>> 32));
        out.add((int) size);
    }
}
