package org.multios.kernel.fs.mfs;

/** statfs(2): sizes in blocks of {@code blockSize}. */
public record MfsStatFs(int blockSize, long totalBlocks, long freeBlocks, long totalInodes, long freeInodes, int nameMax, boolean readOnly) {}
