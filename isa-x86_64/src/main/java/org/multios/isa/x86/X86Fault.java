package org.multios.isa.x86;

/**
 * An exception (SDM Vol. 3 chapter 6) raised while executing an instruction: the CPU
 * rewinds to the faulting instruction and delivers the vector through the IDT/IVT.
 */
public final class X86Fault extends RuntimeException {
    public static final int DE = 0, DB = 1, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10, NP = 11,
            SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;

    public final int vector;
    public final int errorCode;
    public final boolean hasErrorCode;

    public X86Fault(int vector, int errorCode, boolean hasErrorCode, String why) {
        super(why, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
    }

    public static X86Fault ud(String why) { return new X86Fault(UD, 0, false, why); }

    public static X86Fault gp(int code, String why) { return new X86Fault(GP, code, true, why); }

    public static X86Fault de() { return new X86Fault(DE, 0, false, "divide error"); }
}
