package org.multios.core.bus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * The physical address space shared by all CPUs and DMA-capable devices.
 * <p>
 * Regions may not overlap. Lookups use a sorted array with a one-entry cache of the
 * last region hit (most slow-path traffic goes to the same device repeatedly).
 * Every write that lands on a RAM page marked as holding decoded code notifies the
 * code-write listeners (the block caches), whether it comes from a CPU slow path or DMA.
 */
public final class PhysicalBus {
    private MemoryRegion[] regions = new MemoryRegion[0];
    private MemoryRegion last;
    private final List<LongConsumer> codeWriteListeners = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> codeMarkListeners = new CopyOnWriteArrayList<>();

    public synchronized void add(MemoryRegion region) {
        for (MemoryRegion r : regions) {
            if (Long.compareUnsigned(region.base(), r.end()) < 0 && Long.compareUnsigned(r.base(), region.end()) < 0) {
                throw new IllegalArgumentException("region " + region.name() + " overlaps " + r.name());
            }
        }
        MemoryRegion[] next = Arrays.copyOf(regions, regions.length + 1);
        next[regions.length] = region;
        Arrays.sort(next, Comparator.comparingLong(MemoryRegion::base));
        regions = next;
    }

    public RamRegion addRam(String name, long base, long size) {
        RamRegion r = RamRegion.ram(name, base, size);
        add(r);
        return r;
    }

    public MmioRegion addMmio(String name, long base, long size, MmioDevice device) {
        MmioRegion r = new MmioRegion(name, base, size, device);
        add(r);
        return r;
    }

    public List<MemoryRegion> regions() { return List.of(regions); }

    /** The region containing {@code address}, or null. */
    public MemoryRegion find(long address) {
        MemoryRegion l = last;
        if (l != null && l.contains(address)) return l;
        MemoryRegion[] rs = regions;
        int lo = 0, hi = rs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            MemoryRegion r = rs[mid];
            if (Long.compareUnsigned(address, r.base()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(address, r.end()) >= 0) {
                lo = mid + 1;
            } else {
                last = r;
                return r;
            }
        }
        return null;
    }

    /** The RAM region containing [address, address+length), or null. */
    public RamRegion findRam(long address, long length) {
        MemoryRegion r = find(address);
        if (r instanceof RamRegion ram && Long.compareUnsigned(address - ram.base() + length, ram.size()) <= 0) {
            return ram;
        }
        return null;
    }

    public long read(long address, int size) {
        MemoryRegion r = find(address);
        if (r == null || Long.compareUnsigned(address - r.base() + size, r.size()) > 0) {
            throw new BusErrorException(address, false);
        }
        return r.read(address - r.base(), size);
    }

    public void write(long address, int size, long value) {
        MemoryRegion r = find(address);
        if (r == null || Long.compareUnsigned(address - r.base() + size, r.size()) > 0) {
            throw new BusErrorException(address, true);
        }
        long offset = address - r.base();
        if (r instanceof RamRegion ram) {
            if (ram.isReadOnly()) throw new BusErrorException(address, true);
            if (ram.isCodePage(offset)) codeWritten(ram, offset);
            ram.store(offset, size, value);
        } else {
            r.write(offset, size, value);
        }
    }

    // ---- DMA: bulk transfers by devices, always through RAM ----

    public void dmaRead(long address, byte[] dst, int from, int length) {
        RamRegion ram = findRam(address, length);
        if (ram == null) throw new BusErrorException(address, false);
        java.lang.foreign.MemorySegment.copy(ram.segment(), RamRegion.BYTE, address - ram.base(), dst, from, length);
    }

    public void dmaWrite(long address, byte[] src, int from, int length) {
        RamRegion ram = findRam(address, length);
        if (ram == null || ram.isReadOnly()) throw new BusErrorException(address, true);
        long offset = address - ram.base();
        if (length > 0 && ram.anyCodePage(offset, length)) {
            for (long p = offset & ~0xfffL; p < offset + length; p += 4096) {
                if (ram.isCodePage(p)) codeWritten(ram, p);
            }
        }
        ram.load(offset, src, from, length);
    }

    /** Loads an image into RAM or ROM (ROM included), e.g. firmware and kernels. */
    public void loadImage(long address, byte[] data, int from, int length) {
        RamRegion ram = findRam(address, length);
        if (ram == null) {
            throw new IllegalArgumentException(String.format(
                    "image of %d bytes at 0x%x does not fit in RAM or ROM", length, address));
        }
        long offset = address - ram.base();
        for (long p = offset & ~0xfffL; p < offset + length; p += 4096) {
            if (ram.isCodePage(p)) codeWritten(ram, p);
        }
        ram.load(offset, data, from, length);
    }

    // ---- decoded-code tracking ----

    /** Called by a block cache when it decodes code from the page holding {@code physAddress}. */
    public void markCode(long physAddress) {
        RamRegion ram = findRam(physAddress, 1);
        if (ram != null && ram.markCodePage(physAddress - ram.base())) {
            long page = physAddress & ~0xfffL;
            for (LongConsumer l : codeMarkListeners) l.accept(page);
        }
    }

    /** A listener told the physical page address of every write to decoded code (block caches). */
    public void onCodeWrite(LongConsumer listener) { codeWriteListeners.add(listener); }

    /** A listener told when a page becomes a code page (TLBs drop their direct-write entries for it). */
    public void onCodeMark(LongConsumer listener) { codeMarkListeners.add(listener); }

    private void codeWritten(RamRegion ram, long offset) {
        ram.clearCodePage(offset);
        long page = ram.base() + (offset & ~0xfffL);
        for (LongConsumer l : codeWriteListeners) l.accept(page);
    }

    public void resetDevices() {
        List<MmioDevice> seen = new ArrayList<>();
        for (MemoryRegion r : regions) {
            if (r instanceof MmioRegion m && !seen.contains(m.device())) {
                seen.add(m.device());
                m.device().reset();
            }
        }
    }
}
