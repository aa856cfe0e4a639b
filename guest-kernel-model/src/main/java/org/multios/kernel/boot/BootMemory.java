package org.multios.kernel.boot;

import org.multios.kernel.KernelLog;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/** The page-frame allocator built from the boot info's memory map (riscv64 and arm64 boots). */
public final class BootMemory {
    private BootMemory() {}

    /**
     * Nothing is ours until the map says so: the usable ranges, then the boot loader's (stage 2
     * and the BootInfo record, whose contents were already copied or parsed) are given to a new
     * allocator over {@code mem}, and the totals logged.
     */
    public static PageFrameAllocator frameAllocator(KernelLog klog, PhysicalMemory mem, BootInfo info) {
        PageFrameAllocator frames = PageFrameAllocator.empty(mem.base(), mem.size());
        long usable = 0, reclaimed = 0;
        for (BootInfo.MemoryRange r : info.memoryMap()) {
            if (r.kind() == BootInfo.MemoryRange.Kind.USABLE) {
                frames.addFree(r.base(), r.size());
                usable += r.size();
            }
            klog.log(KernelLog.DEBUG, String.format("memory: [%#012x-%#012x] %s", r.base(), r.end() - 1, r.kind().name().toLowerCase()));
        }
        for (BootInfo.MemoryRange r : info.memoryMap()) {
            if (r.kind() == BootInfo.MemoryRange.Kind.BOOTLOADER) {
                frames.addFree(r.base(), r.size());
                reclaimed += r.size();
            }
        }
        klog.info(String.format("Memory: %dK usable, %dK reclaimed from the bootloader, %dK RAM", usable >> 10, reclaimed >> 10, mem.size() >> 10));
        return frames;
    }
}
