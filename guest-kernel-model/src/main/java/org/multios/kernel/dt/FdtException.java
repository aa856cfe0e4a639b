package org.multios.kernel.dt;

/** A device tree blob or property that does not follow the Devicetree Specification. */
public final class FdtException extends RuntimeException {
    public FdtException(String message) { super(message); }
}
