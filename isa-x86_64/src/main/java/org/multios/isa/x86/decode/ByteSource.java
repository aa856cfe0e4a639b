package org.multios.isa.x86.decode;

/** Where the length decoder reads instruction bytes from (guest memory, a file). */
@FunctionalInterface
public interface ByteSource {
    /** The byte at {@code offset} from the instruction's first byte (0-255). */
    int byteAt(int offset);
}
