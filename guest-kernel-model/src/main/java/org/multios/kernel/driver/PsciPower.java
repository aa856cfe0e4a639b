package org.multios.kernel.driver;

import org.multios.isa.arm64.A64Cpu;
import org.multios.kernel.PowerControl;

/**
 * Power-off and reboot through PSCI (Arm DEN 0022) SYSTEM_OFF and SYSTEM_RESET, as Linux's
 * psci driver does on arm64: the call goes through the conduit the device tree's
 * {@code /psci method} names ("hvc"), with the function id in X0. The Java kernel issues it
 * on the CPU as an {@code HVC #0} at EL1 would: the CPU's hypercall handler (the board's PSCI
 * firmware) gets the call with the registers set; X0..X3 are saved around it, since the call
 * comes from inside a syscall whose registers belong to the user.
 */
public final class PsciPower implements PowerControl {
    static final int SYSTEM_OFF = 0x8400_0008, SYSTEM_RESET = 0x8400_0009;
    private final A64Cpu cpu;

    public PsciPower(A64Cpu cpu) { this.cpu = cpu; }

    private void call(int function) {
        long[] saved = {cpu.x[0], cpu.x[1], cpu.x[2], cpu.x[3]};
        cpu.x[0] = function & 0xffff_ffffL;
        cpu.x[1] = cpu.x[2] = cpu.x[3] = 0;
        boolean handled = cpu.hypercalls().call(cpu, 0, false);
        long result = cpu.x[0];
        System.arraycopy(saved, 0, cpu.x, 0, 4);
        if (!handled) throw new IllegalStateException("PSCI over HVC is not implemented by this machine");
        if (result != 0) throw new IllegalStateException(String.format("PSCI function %#x failed (%d)", function, (int) result));
    }

    @Override public void powerOff() { call(SYSTEM_OFF); }
    @Override public void restart() { call(SYSTEM_RESET); }
    @Override public void halt() { powerOff(); }
}
