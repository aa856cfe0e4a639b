package org.multios.core.elf;

/** A file that is not a loadable ELF64 image for the machine at hand; the message says why in one line. */
public final class ElfFormatException extends Exception {
    public ElfFormatException(String message) { super(message); }
}
