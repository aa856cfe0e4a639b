package org.multios.isa.riscv.disasm;

/** Names code addresses for branch and jump targets: {@code main+0x1c}, or null when unknown. */
@FunctionalInterface
public interface SymbolLookup {
    SymbolLookup NONE = address -> null;

    /** The text objdump puts between {@code <} and {@code >} after {@code address}, or null. */
    String describe(long address);
}
