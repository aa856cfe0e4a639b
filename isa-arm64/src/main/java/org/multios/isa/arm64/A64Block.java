package org.multios.isa.arm64;

import java.lang.foreign.MemorySegment;
import org.multios.core.bus.RamRegion;
import org.multios.core.cache.CodeBlock;
import org.multios.isa.arm64.decode.A64DecodeTable;
import org.multios.isa.arm64.decode.A64Op;

/**
 * A decoded run of A64 instructions from one physical page: the words and their encoding
 * classes, ending after the first instruction that may change the PC, PSTATE or the
 * translation regime (branches, exception generation, system instructions) or that is
 * UNDEFINED, at the page end, or after {@link #MAX} instructions. Kept in emulator-core's
 * {@link org.multios.core.cache.BlockCache} by physical PC; a write to its page invalidates it.
 */
public final class A64Block extends CodeBlock {
    static final int MAX = 64;

    final int[] words;
    final A64Op[] ops;

    private A64Block(long physPc, long virtPc, int mode, int[] words, A64Op[] ops) {
        super(physPc, virtPc, mode);
        this.words = words;
        this.ops = ops;
    }

    @Override public long lastPhysPage() { return physPage(); }

    @Override public int length() { return words.length; }

    static boolean endsBlock(A64Op op) {
        return switch (op) {
            case B, BL, CBZ, TBZ, B_COND, EXCEPTION, SYSTEM, BRANCH_REG, UNDEFINED -> true;
            default -> false;
        };
    }

    /** Decodes from {@code offset} in {@code ram}'s segment (physical address {@code pa}). */
    static A64Block build(long pa, long va, int el, MemorySegment seg, long offset, A64DecodeTable table) {
        int room = (int) ((4096 - (pa & 0xfff)) >>> 2);
        int max = Math.min(MAX, room);
        int[] w = new int[max];
        A64Op[] o = new A64Op[max];
        int n = 0;
        while (n < max) {
            int insn = seg.get(RamRegion.INT, offset + 4L * n);
            A64Op op = table.decode(insn);
            w[n] = insn;
            o[n] = op;
            n++;
            if (endsBlock(op)) break;
        }
        if (n < max) {
            w = java.util.Arrays.copyOf(w, n);
            o = java.util.Arrays.copyOf(o, n);
        }
        return new A64Block(pa, va, el, w, o);
    }
}
