package org.multios.kernel;

/** A failed kernel operation carrying the errno the syscall returns (negated) to the user. */
public class KernelException extends RuntimeException {
    private final int errno;

    public KernelException(int errno) {
        super("errno " + errno, null, false, false);
        this.errno = errno;
    }

    public int errno() { return errno; }
}
