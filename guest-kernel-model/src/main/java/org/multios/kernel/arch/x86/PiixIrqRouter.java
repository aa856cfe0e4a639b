package org.multios.kernel.arch.x86;

import org.multios.kernel.drivers.pci.PciDevice;
import org.multios.kernel.drivers.pci.PciHost;

/**
 * PCI INTx on the PC in 8259 mode: a function's pin reaches the PIC through the PIIX3 PCI-to-ISA
 * bridge (8086:7000 at 00:01.0), whose PIRQRC[A:D] registers (config 0x60-0x63, 82371SB datasheet
 * 2.2.14: bit 7 = routing disabled, bits 3:0 = ISA IRQ) steer each of the four PCI wires to one
 * ISA IRQ. Which wire a pin drives is the board's swizzle on the root bus, wire = (pin - 1 +
 * device) mod 4. A route the firmware left disabled is assigned here as Linux's pirq_piix_set
 * does, with the IRQs SeaBIOS gives PIRQ A-D (10, 10, 11, 11); the chosen IRQ is also written to
 * the function's Interrupt Line register (0x3C), where PC software looks for it.
 */
public final class PiixIrqRouter {
    public static final int VENDOR_INTEL = 0x8086, DEVICE_PIIX3_ISA = 0x7000;
    static final int PIRQRC = 0x60, ROUTE_DISABLED = 0x80, INTERRUPT_LINE = 0x3c;
    /** ISA IRQs given to PIRQ A-D when the firmware left them unrouted (SeaBIOS's pci_irqs). */
    static final int[] DEFAULT_IRQS = {10, 10, 11, 11};

    private PiixIrqRouter() {}

    /** The PIIX3 wire (0 = PIRQA) that d's INTx pin drives, or -1 without a pin. */
    public static int wire(PciDevice d) {
        int pin = d.config8(PciDevice.INTERRUPT_PIN);
        if (pin < 1 || pin > 4 || d.bus != 0) return -1;
        return (pin - 1 + d.device) & 3;
    }

    /** The 8259 IRQ that d's INTx reaches (routing it first if needed), or -1 (no pin, no PIIX3 router on the host). */
    public static int route(PciDevice d) {
        int wire = wire(d);
        if (wire < 0) return -1;
        PciHost h = d.host();
        if (h.read16(0, 1, 0, PciDevice.VENDOR_ID) != VENDOR_INTEL || h.read16(0, 1, 0, PciDevice.DEVICE_ID) != DEVICE_PIIX3_ISA) return -1;
        int reg = h.read8(0, 1, 0, PIRQRC + wire);
        int irq;
        if ((reg & ROUTE_DISABLED) != 0 || (reg & 0x0f) < 3) { // 0-2 are reserved in PIRQRC
            irq = DEFAULT_IRQS[wire];
            write8(h, 0, 1, 0, PIRQRC + wire, irq);
        } else {
            irq = reg & 0x0f;
        }
        write8(h, d.bus, d.device, d.function, INTERRUPT_LINE, irq);
        return irq;
    }

    /** One config byte through a dword read-modify-write (the kernel's PciHost has no byte store). */
    private static void write8(PciHost h, int b, int dev, int f, int reg, int v) {
        int aligned = reg & ~3, shift = (reg & 3) * 8;
        int old = h.read32(b, dev, f, aligned);
        h.write32(b, dev, f, aligned, (old & ~(0xff << shift)) | (v & 0xff) << shift);
    }
}
