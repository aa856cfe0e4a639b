package org.multios.kernel.fs.mfs;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;

/** Transparent compression algorithms (numbers as stored in inodes and extents). Pure Java (aircompressor). */
public enum Compression {
    NONE(0), LZ4(1), ZSTD(2);

    public final int id;

    Compression(int id) { this.id = id; }

    public static Compression of(int id) {
        for (Compression c : values()) if (c.id == id) return c;
        throw new IllegalArgumentException("unknown compression " + id);
    }

    public static Compression parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "none", "off" -> NONE;
            case "lz4" -> LZ4;
            case "zstd", "zstandard" -> ZSTD;
            default -> throw new IllegalArgumentException("unknown compression '" + s + "' (none, lz4, zstd)");
        };
    }

    private Compressor compressor() { return this == LZ4 ? new Lz4Compressor() : new ZstdCompressor(); }

    /** Compresses; returns null when the result would not fit in {@code limit} bytes. */
    byte[] compress(byte[] in, int len, int limit) {
        Compressor c = compressor();
        byte[] out = new byte[c.maxCompressedLength(len)];
        int n = c.compress(in, 0, len, out, 0, out.length);
        return n > limit ? null : java.util.Arrays.copyOf(out, n);
    }

    /** Decompresses exactly {@code outLen} bytes or reports corruption. */
    void decompress(byte[] in, int inLen, byte[] out, int outLen, long block, long ino) throws MfsCorruptionException {
        Decompressor d = this == LZ4 ? new Lz4Decompressor() : new ZstdDecompressor();
        int n;
        try {
            n = d.decompress(in, 0, inLen, out, 0, outLen);
        } catch (RuntimeException e) {
            throw new MfsCorruptionException(block, ino, "compressed data does not decode (" + name() + ")");
        }
        if (n > outLen) throw new MfsCorruptionException(block, ino, "compressed data decodes to the wrong length");
        java.util.Arrays.fill(out, n, outLen, (byte) 0);
    }
}
