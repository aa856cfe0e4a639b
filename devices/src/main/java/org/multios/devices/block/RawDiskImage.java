package org.multios.devices.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw image file, block for block. The guest sees the file's size rounded down to a
 * whole 512-byte block; a trailing partial block is neither readable nor writable, so
 * it is never changed. Read-write images are locked exclusively, read-only ones shared,
 * so that two emulators cannot write one image at once.
 */
public final class RawDiskImage implements DiskImage {
    private final Path path;
    private final FileChannel channel;
    private final boolean readOnly;
    private final long size;
    private final long fileSize;
    private final FileLock lock;

    private RawDiskImage(Path path, FileChannel channel, boolean readOnly, long fileSize, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.fileSize = fileSize;
        this.size = fileSize & ~(long) (BLOCK - 1);
        this.lock = lock;
    }

    /** Opens {@code path}; throws {@link DiskSpecException} with a one-line reason on failure. */
    public static RawDiskImage open(Path path, boolean readOnly) {
        FileChannel ch = null;
        try {
            ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                          : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock(0, Long.MAX_VALUE, readOnly);
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw new DiskSpecException("disk " + path + " is in use by another emulator");
            long fileSize = ch.size();
            if (fileSize < BLOCK) throw new DiskSpecException("disk " + path + " is smaller than one 512-byte block (" + fileSize + " bytes)");
            return new RawDiskImage(path, ch, readOnly, fileSize, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new DiskSpecException("disk " + path + ": cannot open" + (readOnly ? "" : " for writing") + ": " + reason(e));
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : " (" + m + ")");
    }

    private static void closeQuietly(FileChannel ch) {
        try { if (ch != null) ch.close(); } catch (IOException ignored) {}
    }

    @Override public long size() { return size; }

    @Override public boolean isReadOnly() { return readOnly; }

    @Override public String name() { return path.toString(); }

    /** Bytes past the last whole block, invisible to the guest. */
    public long trailingBytes() { return fileSize - size; }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length, false);
        ByteBuffer b = ByteBuffer.wrap(dst, from, length);
        while (b.hasRemaining()) {
            int n = channel.read(b, offset + (b.position() - from));
            if (n < 0) { // file shrank under us: what is gone reads as zeroes
                while (b.hasRemaining()) b.put((byte) 0);
            }
        }
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length, true);
        ByteBuffer b = ByteBuffer.wrap(src, from, length);
        while (b.hasRemaining()) channel.write(b, offset + (b.position() - from));
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        checkRange(offset, length, true);
        byte[] zero = new byte[(int) Math.min(length, 1 << 16)];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(zero.length, length - done);
            write(offset + done, zero, 0, n);
            done += n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) channel.force(true);
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock != null && lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
