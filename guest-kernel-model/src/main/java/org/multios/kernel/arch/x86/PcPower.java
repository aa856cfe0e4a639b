package org.multios.kernel.arch.x86;

import org.multios.isa.x86.IoPorts;
import org.multios.kernel.PowerControl;

/**
 * Power-off and reboot on the x86_64-pc board as Linux does on QEMU's PC: ACPI S5 through the
 * PM1a control register (SLP_TYP 0 | SLP_EN at port 0x604, QEMU's PM base + 4), and a hard reset
 * through the chipset's reset control register (0x06 to port 0xCF9).
 */
public final class PcPower implements PowerControl {
    static final int PM1A_CNT = 0x604, SLP_EN = 1 << 13, RESET_CONTROL = 0xcf9;
    private final IoPorts io;

    public PcPower(IoPorts io) { this.io = io; }

    @Override public void powerOff() { io.out(PM1A_CNT, 2, SLP_EN); }
    @Override public void restart() { io.out(RESET_CONTROL, 1, 0x06); }
    @Override public void halt() { powerOff(); }
}
