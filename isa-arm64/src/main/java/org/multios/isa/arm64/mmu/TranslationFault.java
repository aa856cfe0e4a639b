package org.multios.isa.arm64.mmu;

/** A stage 1 translation fault, with the fault status code (DFSC/IFSC) it reports in ESR. */
public final class TranslationFault extends Exception {
    public static final int ADDRESS_SIZE = 0x00, TRANSLATION = 0x04, ACCESS_FLAG = 0x08, PERMISSION = 0x0c;

    private final int fsc;

    public TranslationFault(int kind, int level) {
        super(null, null, false, false);
        this.fsc = kind | (level & 3);
    }

    public int faultStatusCode() { return fsc; }
}
