package org.multios.devices.block;

import java.io.Closeable;
import java.io.IOException;

/**
 * A host back end for a guest disk: a byte-addressed store whose size is a whole number
 * of 512-byte blocks. Devices only pass ranges inside {@link #size()}; implementations
 * check again and refuse anything else, so a guest can never reach past the image.
 * {@link #flush()} returns once every completed write is on stable storage.
 * Calls come from one I/O thread at a time per image.
 */
public interface DiskImage extends Closeable {
    int BLOCK = 512;

    /** Guest-visible size in bytes (a multiple of {@link #BLOCK}). */
    long size();

    boolean isReadOnly();

    /** A short name for messages (the file). */
    String name();

    void read(long offset, byte[] dst, int from, int length) throws IOException;

    void write(long offset, byte[] src, int from, int length) throws IOException;

    /** Makes [offset, offset+length) read as zeroes. */
    void writeZeroes(long offset, long length) throws IOException;

    /**
     * True if {@link #writeZeroes} costs about nothing per byte (a map update), so a guest's
     * deallocate hints over huge ranges can be honoured. Raw files would have to write
     * every zero byte, so for them deallocation stays a hint that is not acted on.
     */
    default boolean zeroesCheaply() { return false; }

    /** Puts every completed write on stable storage (fsync). */
    void flush() throws IOException;

    @Override
    void close() throws IOException;

    /** Refuses a range outside the image (never trusts the caller with the file). */
    default void checkRange(long offset, long length, boolean write) throws IOException {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new IOException(String.format("%s: access [%d, +%d) outside the %d-byte image", name(), offset, length, size()));
        }
        if (write && isReadOnly()) throw new IOException(name() + ": image is read-only");
    }
}
