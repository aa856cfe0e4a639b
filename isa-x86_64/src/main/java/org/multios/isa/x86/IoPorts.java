package org.multios.isa.x86;

/** The x86 I/O port space (64 KiB of ports reached by IN/OUT/INS/OUTS), provided by the board. */
public interface IoPorts {
    /** Reads {@code size} (1, 2, 4) bytes from {@code port}; nothing there reads as all-ones. */
    long in(int port, int size);

    void out(int port, int size, long value);
}
