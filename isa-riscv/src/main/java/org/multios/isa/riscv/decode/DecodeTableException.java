package org.multios.isa.riscv.decode;

/** An encoding table that cannot be used; the message names the line and the reason. */
public final class DecodeTableException extends RuntimeException {
    public DecodeTableException(String message) { super(message); }
}
