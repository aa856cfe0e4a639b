package org.multios.devices.power;

/**
 * The SiFive test finisher at 0x100000 on QEMU's virt machine (compatible
 * {@code sifive,test1}, {@code sifive,test0}, {@code syscon}). A write to the finisher
 * register ends the run: status 0x5555 passes (exit status 0), 0x3333 fails with the code in
 * bits 31:16, 0x7777 resets the machine. Linux reaches the same register as a syscon through
 * the {@code syscon-poweroff} (0x5555) and {@code syscon-reboot} (0x7777) nodes. Other values are
 * ignored and reads return zero, as on the real part.
 */
public final class SiFiveTest implements org.multios.core.bus.MmioDevice {
    public static final long WINDOW = 0x1000;
    public static final int FINISHER_FAIL = 0x3333, FINISHER_PASS = 0x5555, FINISHER_RESET = 0x7777;

    private final PowerController power;

    public SiFiveTest(PowerController power) { this.power = power; }

    @Override
    public long read(long offset, int size) { return 0; }

    @Override
    public void write(long offset, int size, long value) {
        if (offset != SiFiveTestRegister.FINISHER.offset || size < 2) return;
        int status = (int) value & 0xffff;
        int code = size >= 4 ? (int) (value >>> 16) & 0xffff : 0;
        switch (status) {
            case FINISHER_PASS -> power.powerOff(0, "test finisher: pass");
            case FINISHER_FAIL -> power.powerOff(code, "test finisher: fail with code " + code);
            case FINISHER_RESET -> power.reset("test finisher: reset");
            default -> { /* not a finisher command */ }
        }
    }
}
