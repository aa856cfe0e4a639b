package org.multios.boards.x86;

import org.multios.core.bus.MmioDevice;

/**
 * The ACPI PM1a control register (ACPI 6.5 4.8.3.2.1), alone: the one piece of the PIIX4/ICH9
 * power-management block a kernel needs to power the PC off. Writing SLP_EN (bit 13) with
 * SLP_TYP (bits 10-12) = 0, QEMU's S5 value, turns the machine off; other sleep types are not
 * modelled and are ignored, as are the other bits (SCI_EN reads back set: ACPI mode).
 */
final class AcpiPm1Control implements MmioDevice {
    static final int SLP_EN = 1 << 13, SCI_EN = 1;
    private final Runnable powerOff;
    private int value = SCI_EN;

    AcpiPm1Control(Runnable powerOff) { this.powerOff = powerOff; }

    @Override public long read(long offset, int size) { return offset == 0 ? value : value >>> 8; }

    @Override public void reset() { value = SCI_EN; }

    @Override
    public void write(long offset, int size, long v) {
        int w = offset == 0 ? (size >= 2 ? (int) v & 0xffff : (value & 0xff00) | ((int) v & 0xff)) : (value & 0xff) | (((int) v & 0xff) << 8);
        value = (w & ~SLP_EN) | SCI_EN;
        if ((w & SLP_EN) != 0 && ((w >> 10) & 7) == 0) powerOff.run();
    }
}
