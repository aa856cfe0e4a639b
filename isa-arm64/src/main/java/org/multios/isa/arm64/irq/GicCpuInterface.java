package org.multios.isa.arm64.irq;

/** The GICv3 CPU interface system registers (ICC_*_EL1) of one PE. */
public interface GicCpuInterface {
    long read(String register);

    void write(String register, long value);
}
