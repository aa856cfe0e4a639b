package org.multios.devices.tpm;

/**
 * A TPM 2.0 as its interfaces see it: a command byte stream in, a response byte stream out.
 * {@link TpmEngine} is our own; {@link SwtpmBackend} forwards to an external swtpm.
 */
public interface Tpm {
    /** Executes one command (TPM 2.0 Part 3 wire format) at a locality (0..4); never throws for bad input. */
    byte[] execute(int locality, byte[] command);

    /** _TPM_Init: the platform reset signal (power on / reset line). */
    default void powerOn() {}

    default void powerOff() {}
}
