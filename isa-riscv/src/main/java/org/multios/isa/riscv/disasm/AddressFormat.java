package org.multios.isa.riscv.disasm;

/** How an address operand prints: objdump's hex value plus {@code <sym+0xoff>}. */
@FunctionalInterface
interface AddressFormat {
    String format(long address);

    /** Plain hex, as objdump prints before the symbol part. */
    static AddressFormat plain() { return Long::toHexString; }

    static AddressFormat withSymbols(SymbolLookup lookup) {
        return a -> {
            String s = lookup.describe(a);
            return s == null ? Long.toHexString(a) : Long.toHexString(a) + " <" + s + ">";
        };
    }
}
