package org.multios.isa.riscv.block;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import org.multios.core.bus.RamRegion;
import org.multios.isa.riscv.decode.RvDecoder;
import org.multios.isa.riscv.decode.RvInsn;

/**
 * Decodes a block starting at a physical address inside RAM or ROM. The block stops at
 * the page end: an instruction whose second half lies on the next page is left out (the
 * CPU executes such instructions one at a time, translating both pages).
 */
public final class RvBlockBuilder {
    public static final int MAX_INSNS = 64;

    private RvBlockBuilder() {}

    /**
     * @param seg the RAM segment holding {@code physPc}, @param segOffset its offset there
     * @return the block, or null if the first instruction crosses into the next page
     */
    public static RvBlock build(long physPc, long virtPc, int mode, MemorySegment seg, long segOffset) {
        ArrayList<RvUop> uops = new ArrayList<>();
        long off = segOffset;
        int inPage = (int) (physPc & 0xfff);
        while (inPage < 4096 && uops.size() < MAX_INSNS) {
            int lo = seg.get(RamRegion.SHORT, off) & 0xffff;
            int bits;
            if ((lo & 3) == 3) {
                if (inPage + 4 > 4096) break;
                bits = seg.get(RamRegion.INT, off);
            } else {
                bits = lo;
            }
            RvInsn in = RvDecoder.decode(bits);
            uops.add(new RvUop(in));
            off += in.length;
            inPage += in.length;
            if (RvOpInfo.endsBlock(in.op)) break;
        }
        if (uops.isEmpty()) return null;
        return new RvBlock(physPc, virtPc, mode, uops.toArray(new RvUop[0]));
    }

    /** A one-instruction block that is never cached (page-crossing instructions). */
    public static RvBlock single(long physPc, long virtPc, int mode, int bits) {
        return new RvBlock(physPc, virtPc, mode, new RvUop[] {new RvUop(RvDecoder.decode(bits))});
    }
}
