package org.multios.kernel.fs.mfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A host file as a block device; {@link #flush()} is fsync (FileChannel.force). */
public final class FileBlockDevice implements BlockDevice {
    private final FileChannel ch;
    private final long size;
    private final boolean readOnly;
    private final String name;

    public FileBlockDevice(Path file, boolean readOnly) throws IOException {
        this.ch = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.size = ch.size();
        this.readOnly = readOnly;
        this.name = file.toString();
    }

    /** Creates (or truncates) a sparse file of the given size. */
    public static FileBlockDevice create(Path file, long size) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
        return new FileBlockDevice(file, false);
    }

    @Override public long size() { return size; }
    @Override public boolean isReadOnly() { return readOnly; }
    @Override public String name() { return name; }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length);
        ByteBuffer b = ByteBuffer.wrap(dst, from, length);
        while (b.hasRemaining()) {
            int n = ch.read(b, offset + (b.position() - from));
            if (n < 0) { // short file: the rest reads as zeroes
                while (b.hasRemaining()) b.put((byte) 0);
            }
        }
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length);
        if (readOnly) throw new IOException(name + ": read-only");
        ByteBuffer b = ByteBuffer.wrap(src, from, length);
        while (b.hasRemaining()) ch.write(b, offset + (b.position() - from));
    }

    @Override public void flush() throws IOException { if (!readOnly) ch.force(false); }
    @Override public void close() throws IOException { ch.close(); }
}
