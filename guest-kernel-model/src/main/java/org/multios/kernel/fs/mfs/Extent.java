package org.multios.kernel.fs.mfs;

import java.nio.ByteBuffer;

/**
 * A run of logical blocks stored at a run of physical blocks. Raw extents have
 * {@code plen == llen}; compressed ones hold {@code storedBytes} of compressed data in {@code plen}
 * blocks that decompress to {@code llen} blocks.
 */
public record Extent(long lstart, long pstart, int llen, int plen, int storedBytes, int algorithm) {
    static final int SIZE = 32;

    boolean compressed() { return storedBytes != 0; }
    long lend() { return lstart + llen; }

    void encode(ByteBuffer bb, int at) {
        bb.putLong(at, lstart).putLong(at + 8, pstart).putInt(at + 16, llen).putInt(at + 20, plen)
                .putInt(at + 24, storedBytes).put(at + 28, (byte) algorithm).put(at + 29, (byte) 0).putShort(at + 30, (short) 0);
    }

    static Extent decode(ByteBuffer bb, int at) {
        return new Extent(bb.getLong(at), bb.getLong(at + 8), bb.getInt(at + 16), bb.getInt(at + 20), bb.getInt(at + 24), bb.get(at + 28) & 0xff);
    }

    /** Range checks against the volume; a bad extent is corruption, never an index exception. */
    String problem(long dataStart, long totalBlocks, int blockSize) {
        if (llen <= 0 || plen <= 0 || lstart < 0) return "empty or negative extent";
        if (pstart < dataStart || pstart + plen > totalBlocks - 1 || pstart + plen < pstart) return "extent outside data space: " + pstart + "+" + plen;
        if (storedBytes == 0 && plen != llen) return "raw extent with different lengths";
        if (storedBytes != 0 && (storedBytes < 0 || storedBytes > (long) plen * blockSize || algorithm < 1 || algorithm > 2 || plen >= llen))
            return "bad compressed extent";
        if (lstart + llen < lstart || lstart > (Long.MAX_VALUE / blockSize)) return "extent past the largest file";
        return null;
    }
}
