package org.multios.kernel.fs.mfs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The superblock (docs/mfs.md): geometry and volume-wide settings, written once by format. */
record Superblock(int blockSize, int features, long totalBlocks, long inodeCount, long journalStart, long journalBlocks,
                  long bitmapStart, long bitmapBlocks, long snapTableBlock, long inodeTableStart, long inodeTableBlocks,
                  long dataStart, byte[] uuid, String label, int defaultCompression, int kdfIterations, byte[] salt,
                  byte[] keyCheck, long createdNanos) {
    static final long MAGIC = 0x53464d49544c554dL; // "MULTIMFS" little-endian
    static final int VERSION = 1, FEATURE_ENCRYPTED = 1, INODE_SIZE = 256;

    boolean encrypted() { return (features & FEATURE_ENCRYPTED) != 0; }
    int inodesPerBlock() { return blockSize / INODE_SIZE; }
    long bitsPerBitmapBlock() { return (long) (blockSize - MetaBlock.HEADER) * 8; }

    byte[] encode() {
        byte[] b = new byte[blockSize];
        ByteBuffer bb = MetaBlock.le(b);
        bb.putLong(0, MAGIC).putInt(12, VERSION).putInt(16, blockSize).putInt(20, features).putLong(24, totalBlocks)
                .putLong(32, inodeCount).putLong(40, journalStart).putLong(48, journalBlocks).putLong(56, bitmapStart)
                .putLong(64, bitmapBlocks).putLong(72, snapTableBlock).putLong(80, inodeTableStart)
                .putLong(88, inodeTableBlocks).putLong(96, dataStart);
        bb.put(104, uuid, 0, 16);
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        bb.put(120, l, 0, Math.min(32, l.length));
        b[152] = (byte) defaultCompression;
        bb.putInt(156, kdfIterations);
        bb.put(160, salt, 0, 32);
        bb.put(192, keyCheck, 0, 32);
        bb.putLong(224, createdNanos);
        bb.putInt(8, MetaBlock.crc(b, 0, b.length, 8));
        return b;
    }

    /** Parses and validates a superblock read from {@code where} (0 or the last block). */
    static Superblock decode(byte[] b, long where, long deviceBytes) throws MfsCorruptionException {
        ByteBuffer bb = MetaBlock.le(b);
        if (bb.getLong(0) != MAGIC) throw new MfsCorruptionException(where, 0, "superblock: not an MFS volume (bad magic)");
        if (b.length < 4096 || bb.getInt(16) != b.length) throw new MfsCorruptionException(where, 0, "superblock: block size field " + bb.getInt(16) + " does not match");
        if (bb.getInt(8) != MetaBlock.crc(b, 0, b.length, 8)) throw new MfsCorruptionException(where, 0, "superblock: checksum mismatch");
        if (bb.getInt(12) != VERSION) throw new MfsCorruptionException(where, 0, "superblock: unsupported version " + bb.getInt(12));
        int bs = bb.getInt(16);
        if (bs < 4096 || bs > 65536 || Integer.bitCount(bs) != 1) throw new MfsCorruptionException(where, 0, "superblock: bad block size " + bs);
        byte[] uuid = new byte[16], salt = new byte[32], check = new byte[32];
        bb.get(104, uuid);
        bb.get(160, salt);
        bb.get(192, check);
        int len = 0;
        while (len < 32 && b[120 + len] != 0) len++;
        Superblock s = new Superblock(bs, bb.getInt(20), bb.getLong(24), bb.getLong(32), bb.getLong(40), bb.getLong(48),
                bb.getLong(56), bb.getLong(64), bb.getLong(72), bb.getLong(80), bb.getLong(88), bb.getLong(96), uuid,
                new String(b, 120, len, StandardCharsets.UTF_8), b[152] & 0xff, bb.getInt(156), salt, check, bb.getLong(224));
        s.validate(where, deviceBytes);
        return s;
    }

    private void validate(long where, long deviceBytes) throws MfsCorruptionException {
        String bad = null;
        if (totalBlocks < 16 || totalBlocks > deviceBytes / blockSize) bad = "total blocks " + totalBlocks + " exceed the device";
        else if (journalStart != 1 || journalBlocks < 4 || bitmapStart != journalStart + journalBlocks
                || bitmapBlocks * bitsPerBitmapBlock() < totalBlocks || snapTableBlock != bitmapStart + bitmapBlocks
                || inodeTableStart != snapTableBlock + 1 || inodeTableBlocks * inodesPerBlock() != inodeCount
                || dataStart != inodeTableStart + inodeTableBlocks || dataStart >= totalBlocks - 1 || inodeCount < 3)
            bad = "inconsistent region layout";
        else if (defaultCompression > 2) bad = "unknown compression " + defaultCompression;
        if (bad != null) throw new MfsCorruptionException(where, 0, "superblock: " + bad);
    }
}
