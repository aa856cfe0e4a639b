package org.multios.kernel.boot;

import java.util.List;

/**
 * What the stage-2 bootloader hands the kernel (issue 4, boot chain milestone): the kernel
 * entry stub executes one native call with a0 = the physical address of this record in guest
 * memory, laid out as a little-endian table the loader writes; {@code BootInfo} is its decoded
 * form. {@code run} builds the kernel without one (it knows its machine).
 */
public record BootInfo(List<MemoryRange> memoryMap, String commandLine, long initrdStart, long initrdSize,
                       long deviceTree, Framebuffer framebuffer) {
    /** A physical range and what it holds. */
    public record MemoryRange(long base, long size, Kind kind) {
        public enum Kind { USABLE, RESERVED, FIRMWARE, KERNEL, INITRD, DEVICE_TREE }
    }

    /** A linear framebuffer, when the firmware set one up. */
    public record Framebuffer(long base, int width, int height, int stride, int bitsPerPixel) {}

    public long usableBytes() {
        long n = 0;
        for (MemoryRange r : memoryMap) if (r.kind() == MemoryRange.Kind.USABLE) n += r.size();
        return n;
    }
}
