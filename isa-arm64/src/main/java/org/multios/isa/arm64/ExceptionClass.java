package org.multios.isa.arm64;

/** ESR_ELx.EC values (Arm ARM D17.2.37) of the exceptions this CPU raises. */
public final class ExceptionClass {
    private ExceptionClass() {}

    public static final int UNKNOWN = 0x00;
    public static final int WFX = 0x01;
    public static final int FP_ACCESS = 0x07;
    public static final int ILLEGAL_STATE = 0x0e;
    public static final int SVC64 = 0x15;
    public static final int HVC64 = 0x16;
    public static final int SMC64 = 0x17;
    public static final int SYSREG = 0x18;
    public static final int IABT_LOWER = 0x20;
    public static final int IABT_SAME = 0x21;
    public static final int PC_ALIGN = 0x22;
    public static final int DABT_LOWER = 0x24;
    public static final int DABT_SAME = 0x25;
    public static final int SP_ALIGN = 0x26;
    public static final int SERROR = 0x2f;
    public static final int BRK64 = 0x3c;
}
