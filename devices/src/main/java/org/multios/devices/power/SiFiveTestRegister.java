package org.multios.devices.power;

/** Registers of the SiFive test finisher ({@code sifive,test0}/{@code sifive,test1}). */
public enum SiFiveTestRegister {
    /** Finisher register: low 16 bits the status, high 16 bits the exit code (for FAIL). */
    FINISHER(0x0);

    public final int offset;

    SiFiveTestRegister(int offset) { this.offset = offset; }
}
