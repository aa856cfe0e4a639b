package org.multios.kernel.driver;

import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.PowerControl;

/**
 * Power-off and reboot through a syscon register, as Linux's {@code syscon-poweroff} and
 * {@code syscon-reboot} drivers do: one MMIO write of the value the device tree gives (on
 * QEMU virt, the SiFive test device: 0x5555 powers off, 0x7777 resets).
 */
public final class SysconPower implements PowerControl {
    private final PhysicalBus bus;
    private final long offAddress, rebootAddress;
    private final int offValue, rebootValue;

    public SysconPower(PhysicalBus bus, long offAddress, int offValue, long rebootAddress, int rebootValue) {
        this.bus = bus;
        this.offAddress = offAddress;
        this.offValue = offValue;
        this.rebootAddress = rebootAddress;
        this.rebootValue = rebootValue;
    }

    @Override public void powerOff() { bus.write(offAddress, 4, offValue & 0xffff_ffffL); }
    @Override public void restart() { bus.write(rebootAddress, 4, rebootValue & 0xffff_ffffL); }
    @Override public void halt() { powerOff(); }
}
