package org.multios.isa.arm64.sysreg;

/** One row of {@code sysregs.table}: encoding, name, lowest EL allowed, kind, reset value. */
public record SysRegInfo(String name, int op0, int op1, int crn, int crm, int op2, int minEl, Kind kind, long reset) {
    public enum Kind { RW, RO, FN, ABSENT }

    /** The 16-bit key op0:op1:CRn:CRm:op2 (as in the MRS/MSR instruction bits 20:5). */
    public int key() { return key(op0, op1, crn, crm, op2); }

    public static int key(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    /** The name as objdump prints it (lower case), or the generic s3_1_c15_c2_0 form. */
    public static String genericName(int key) {
        return String.format("s%d_%d_c%d_c%d_%d", key >>> 14, (key >>> 11) & 7, (key >>> 7) & 15, (key >>> 3) & 15, key & 7);
    }
}
