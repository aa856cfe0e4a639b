package org.multios.devices.tpm;

/** A TPM command failed with a TPM 2.0 response code (Part 2, 6.6); the engine turns it into a response header. */
public final class TpmException extends RuntimeException {
    private final int rc;

    public TpmException(int rc) {
        super(null, null, false, false);
        this.rc = rc;
    }

    public int rc() { return rc; }

    @Override
    public String getMessage() { return TpmRc.describe(rc); }
}
