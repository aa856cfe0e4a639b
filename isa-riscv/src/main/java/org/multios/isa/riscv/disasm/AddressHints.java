package org.multios.isa.riscv.disasm;

/**
 * objdump's memory of {@code lui}/{@code auipc} results and the global pointer, from
 * which it appends {@code # addr <sym>} to a later load, store, addi or jalr using that
 * register. Like objdump it forgets a register only when a use consumes it, and keeps
 * the state across functions and sections of one file.
 */
final class AddressHints {
    private final long[] hi = new long[32];
    private final boolean[] hiValid = new boolean[32];
    private final boolean hasGp;
    private final long gp;
    private boolean toPrint;
    private long printAddr;

    AddressHints(Long gp) {
        this.hasGp = gp != null;
        this.gp = gp != null ? gp : 0;
    }

    void setHigh(int reg, long value) {
        hi[reg] = value;
        hiValid[reg] = true;
    }

    /** objdump's maybe_print_address. */
    void maybePrint(int base, long offset, boolean wide) {
        if (hiValid[base]) {
            printAddr = (base != 0 ? hi[base] : 0) + offset;
            hiValid[base] = false;
        } else if (base == 3 && hasGp) {
            printAddr = gp + offset;
        } else if (base == 4 || base == 0) {
            printAddr = offset;
        } else {
            return;
        }
        toPrint = true;
        if (wide) printAddr = (int) printAddr;
    }

    /** The address to print after the instruction just formatted, if any; clears it. */
    boolean takePending() {
        boolean p = toPrint;
        toPrint = false;
        return p;
    }

    long pendingAddress() { return printAddr; }
}
