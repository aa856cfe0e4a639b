package org.multios.isa.arm64;

/**
 * Thrown after an exception has been entered (state saved, PC at the vector) to abandon the
 * rest of the instruction that caused it. Carries no stack trace: it is control flow.
 */
public final class A64Trap extends RuntimeException {
    static final A64Trap INSTANCE = new A64Trap();

    private A64Trap() {
        super("A64 exception taken", null, false, false);
    }
}
