package org.multios.isa.arm64.irq;

/** The GICv3 CPU interface system registers (ICC_*_EL1) of one PE. */
public interface GicCpuInterface {
    long read(String register);

    void write(String register, long value);

    /**
     * False when neither interrupt group is enabled at this CPU interface (ICC_IGRPEN0/1_EL1
     * clear), so no IRQ or FIQ can ever be signalled to the PE: a wfi there is a halt.
     */
    default boolean canSignal() { return true; }
}
