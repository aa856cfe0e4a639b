package org.multios.kernel.fs.mfs;

/**
 * Options of {@link MfsVolume#format}: block size (4–64 KiB, power of two), inode count (0 =
 * one per 16 KiB), default compression for new files, and a passphrase for AES-256-XTS data
 * encryption (null = none).
 */
public record MfsFormatOptions(int blockSize, long inodeCount, Compression compression, char[] passphrase, int kdfIterations, String label) {
    public static MfsFormatOptions defaults() { return new MfsFormatOptions(4096, 0, Compression.NONE, null, 200_000, "multios"); }
    public MfsFormatOptions withBlockSize(int bs) { return new MfsFormatOptions(bs, inodeCount, compression, passphrase, kdfIterations, label); }
    public MfsFormatOptions withCompression(Compression c) { return new MfsFormatOptions(blockSize, inodeCount, c, passphrase, kdfIterations, label); }
    public MfsFormatOptions withPassphrase(char[] p, int iterations) { return new MfsFormatOptions(blockSize, inodeCount, compression, p, iterations, label); }
    public MfsFormatOptions withLabel(String l) { return new MfsFormatOptions(blockSize, inodeCount, compression, passphrase, kdfIterations, l); }
    public MfsFormatOptions withInodes(long n) { return new MfsFormatOptions(blockSize, n, compression, passphrase, kdfIterations, label); }
}
