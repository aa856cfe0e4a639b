package org.multios.kernel.drivers.pci;

import org.multios.kernel.dt.FdtNode;
import org.multios.kernel.dt.FdtReader;

/**
 * Where a function's INTx pin lands on the platform interrupt controller, from the host node's
 * {@code interrupt-map} and {@code interrupt-map-mask} (Devicetree spec 2.4.3, PCI binding): the
 * child specifier is (phys.hi phys.mid phys.lo, pin) with phys.hi = bus&lt;&lt;16 | dev&lt;&lt;11 | fn&lt;&lt;8,
 * masked, matched against each entry; the parent's {@code #address-cells} and
 * {@code #interrupt-cells} give the entry's length.
 */
public final class PciInterruptMap {
    /** The controller node and its interrupt specifier (first cell = the source for the PLIC). */
    public record Target(FdtNode controller, int[] specifier) {}

    private PciInterruptMap() {}

    /** The host node of {@code host} in the tree (by ECAM base), or null. */
    public static FdtNode hostNode(FdtReader dt, PciHost host) {
        for (FdtNode n : dt.findCompatible("pci-host-ecam-generic")) {
            if (!n.reg().isEmpty() && n.reg().get(0).address() == host.ecamBase()) return n;
        }
        return null;
    }

    /** The target of {@code d}'s interrupt pin, or null (no pin, no map, no matching entry, malformed map). */
    public static Target resolve(FdtReader dt, PciDevice d) {
        int pin = d.config8(PciDevice.INTERRUPT_PIN);
        if (pin < 1 || pin > 4) return null;
        FdtNode node = hostNode(dt, d.host());
        if (node == null) return null;
        int[] map = node.cells("interrupt-map");
        int[] mask = node.cells("interrupt-map-mask");
        if (map == null) return null;
        int childAddr = node.u32("#address-cells", 3), childIntr = node.u32("#interrupt-cells", 1);
        if (childAddr != 3 || childIntr != 1) return null;
        int[] key = {d.bus << 16 | d.device << 11 | d.function << 8, 0, 0, pin};
        if (mask != null && mask.length == 4) for (int i = 0; i < 4; i++) key[i] &= mask[i];
        int i = 0;
        while (i + 5 <= map.length) {
            FdtNode parent = dt.byPhandle(map[i + 4]);
            if (parent == null) return null;
            int pa = parent.u32("#address-cells", 0), pi = parent.u32("#interrupt-cells", 1);
            int end = i + 5 + pa + pi;
            if (pi < 1 || end > map.length) return null;
            if (map[i] == key[0] && map[i + 1] == key[1] && map[i + 2] == key[2] && map[i + 3] == key[3]) {
                return new Target(parent, java.util.Arrays.copyOfRange(map, i + 5 + pa, end));
            }
            i = end;
        }
        return null;
    }
}
