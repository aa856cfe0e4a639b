package org.multios.isa.x86.decode;

/** The bytes are not a valid instruction in this mode (the CPU raises #UD). */
public final class DecodeException extends Exception {
    public DecodeException(String message) { super(message, null, false, false); }
}
