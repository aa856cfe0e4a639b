package org.multios.kernel.fs.mfs;

import java.io.Closeable;
import java.io.IOException;

/**
 * What MFS needs from a disk: byte-addressed reads and writes and a flush that returns once
 * completed writes are on stable storage. Implemented over a host file ({@link FileBlockDevice}),
 * memory ({@link MemoryBlockDevice}), a partition slice ({@link SliceBlockDevice}); the kernel's
 * NVMe driver implements it with NVMe Read/Write/Flush commands.
 */
public interface BlockDevice extends Closeable {
    long size();

    boolean isReadOnly();

    /** A short name for messages. */
    String name();

    void read(long offset, byte[] dst, int from, int length) throws IOException;

    void write(long offset, byte[] src, int from, int length) throws IOException;

    void flush() throws IOException;

    @Override
    default void close() throws IOException {}

    default void checkRange(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new IOException(name() + ": access [" + offset + ", +" + length + ") outside the " + size() + "-byte device");
        }
    }
}
