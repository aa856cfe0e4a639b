package org.multios.kernel.fs.mfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The 16-byte header every checksummed metadata block starts with: magic, CRC32C of the block
 * (computed with the CRC field zero), and the block's home number.
 */
final class MetaBlock {
    static final int HEADER = 16;
    static final int BITMAP = magic("MFBM"), SNAPTABLE = magic("MFST"), DIR = magic("MFDR"), EXTENT = magic("MFEX"),
            JDESC = magic("MFJD"), JCOMMIT = magic("MFJC");

    private MetaBlock() {}

    static int magic(String s) {
        return (s.charAt(0) & 0xff) | (s.charAt(1) & 0xff) << 8 | (s.charAt(2) & 0xff) << 16 | (s.charAt(3) & 0xff) << 24;
    }

    static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    static int crc(byte[] b, int from, int to, int skipAt) {
        CRC32C c = new CRC32C();
        c.update(b, from, skipAt - from);
        c.update(new byte[4]);
        c.update(b, skipAt + 4, to - skipAt - 4);
        return (int) c.getValue();
    }

    /** Writes magic and home, then the CRC over the finished block. */
    static void seal(byte[] b, int magic, long home) {
        ByteBuffer bb = le(b);
        bb.putInt(0, magic);
        bb.putLong(8, home);
        bb.putInt(4, crc(b, 0, b.length, 4));
    }

    /** Checks magic, CRC and home; throws naming the block (and the inode, when given). */
    static void verify(byte[] b, int magic, long home, long where, long inode, String what) throws MfsCorruptionException {
        ByteBuffer bb = le(b);
        if (bb.getInt(0) != magic) throw new MfsCorruptionException(where, inode, what + ": bad magic");
        if (bb.getInt(4) != crc(b, 0, b.length, 4)) throw new MfsCorruptionException(where, inode, what + ": checksum mismatch");
        if (bb.getLong(8) != home) throw new MfsCorruptionException(where, inode, what + ": block belongs at " + bb.getLong(8));
    }
}
