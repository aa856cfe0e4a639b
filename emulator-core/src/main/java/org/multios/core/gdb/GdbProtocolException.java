package org.multios.core.gdb;

/** A packet the stub cannot parse; the session answers it with an error reply. */
final class GdbProtocolException extends RuntimeException {
    GdbProtocolException(String message) { super(message, null, false, false); }
}
