package org.multios.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.multios.kernel.mm.BuddyAllocator;
import org.multios.kernel.mm.PageFrameAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The kernel's physical page allocators called directly (host nanoseconds per allocate +
 * free pair): {@link PageFrameAllocator} (bitmap of 4 KiB frames refilled from the buddy
 * allocator) and {@link BuddyAllocator} (orders 0..9). The seed asks for O(1) page
 * allocation: the figure should not grow with the size of RAM ({@code memoryMiB}) nor with how
 * full and fragmented it is ({@code fillPercent}: that share of frames allocated first, then
 * every other one of a random half released again, so the free frames are scattered).
 * Each invocation allocates a batch of {@value #BATCH} frames and frees them in a shuffled
 * order, so the allocator's search from its hint is exercised, not just one frame recycled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PageAllocBenchmark {
    static final int BATCH = 64;
    static final long BASE = 0x8000_0000L;

    @Param({"64", "4096"})
    public int memoryMiB;

    @Param({"0", "50", "95"})
    public int fillPercent;

    private PageFrameAllocator pages;
    private BuddyAllocator buddy;
    private final long[] batch = new long[BATCH];
    private final int[] order = new int[BATCH];

    @Setup(Level.Trial)
    public void fill() {
        long size = (long) memoryMiB << 20;
        pages = new PageFrameAllocator(BASE, size, 0);
        buddy = new BuddyAllocator(BASE, (int) (size >>> 12), 0);
        SplittableRandom random = new SplittableRandom(42);
        int frames = pages.totalFrames();
        int target = (int) ((long) frames * fillPercent / 100);
        // Allocate up to twice the target (capped), then release a random selection down to it: holes everywhere.
        int take = Math.min(frames - BATCH * 2, Math.max(target, Math.min(frames - BATCH * 2, target * 2)));
        long[] taken = new long[take];
        for (int i = 0; i < take; i++) taken[i] = pages.allocate();
        for (int i = take - 1; i > 0; i--) { int j = random.nextInt(i + 1); long t = taken[i]; taken[i] = taken[j]; taken[j] = t; }
        for (int i = 0; i < take - target; i++) pages.release(taken[i]);
        long[] buddyTaken = new long[take];
        for (int i = 0; i < take; i++) buddyTaken[i] = buddy.allocate(0);
        for (int i = take - 1; i > 0; i--) { int j = random.nextInt(i + 1); long t = buddyTaken[i]; buddyTaken[i] = buddyTaken[j]; buddyTaken[j] = t; }
        for (int i = 0; i < take - target; i++) buddy.free(buddyTaken[i], 0);
        for (int i = 0; i < BATCH; i++) order[i] = i;
        for (int i = BATCH - 1; i > 0; i--) { int j = random.nextInt(i + 1); int t = order[i]; order[i] = order[j]; order[j] = t; }
    }

    /** One 4 KiB frame from the bitmap allocator and its release (what demand paging does). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long pageFrame() {
        for (int i = 0; i < BATCH; i++) {
            long pa = pages.allocate();
            if (pa < 0) throw new IllegalStateException("out of frames");
            batch[i] = pa;
        }
        for (int i = 0; i < BATCH; i++) pages.release(batch[order[i]]);
        return batch[0];
    }

    /** Order-0 blocks from the buddy allocator (split from larger blocks, merged back on free). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long buddyOrder0() { return buddyBatch(0); }

    /** 2 MiB blocks (order 9, the largest) from the buddy allocator. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long buddyOrder9() { return buddyBatch(BuddyAllocator.MAX_ORDER); }

    private long buddyBatch(int ord) {
        int got = 0;
        for (int i = 0; i < BATCH; i++) {
            long pa = buddy.allocate(ord);
            if (pa < 0) break; // a full, fragmented RAM may hold fewer than BATCH 2 MiB blocks
            batch[got++] = pa;
        }
        for (int i = 0; i < BATCH; i++) if (order[i] < got) buddy.free(batch[order[i]], ord);
        return got;
    }
}
