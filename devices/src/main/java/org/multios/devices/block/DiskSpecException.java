package org.multios.devices.block;

/** A disk argument that cannot be used, with a one-line reason for the user. */
public final class DiskSpecException extends IllegalArgumentException {
    public DiskSpecException(String message) {
        super(message);
    }
}
