package org.multios.boards;

/**
 * A machine that cannot be built or booted as asked (missing or malformed image, image
 * larger than RAM, overlapping images, bad option value). The message is one line meant for
 * the user; the CLI prints it as {@code multios: <message>}.
 */
public final class BoardException extends Exception {
    public BoardException(String message) { super(message); }

    public BoardException(String message, Throwable cause) { super(message, cause); }
}
