package org.multios.isa.riscv.exec;

import org.multios.core.trace.TraceSink;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.block.RvBlock;
import org.multios.isa.riscv.block.RvOpInfo;
import org.multios.isa.riscv.block.RvUop;
import org.multios.isa.riscv.mmu.RvMmu;

/**
 * The instruction trace ({@code --trace}): one line per retired instruction, in the format
 * of Spike's {@code --log-commits}, so traces can be diffed against Spike:
 * <pre>
 * core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000
 * core   0: 3 0x0000000080000004 (0x4581) x11 0x0000000000000000
 * core   0: 1 0x0000000080000010 (0x00b53023) mem 0x0000000080001000 0x0000000000000000
 * </pre>
 * Fields: {@code core}, the hart id right-aligned in 4 columns, a colon; the privilege
 * (0 U, 1 S, 3 M) before the instruction; the pc (16 hex digits); the instruction bits
 * (8 hex digits, or 4 for a compressed instruction); then the writes: an integer register
 * ({@code x<n>} left-aligned in 3 columns, x0 never shown) or FP register ({@code f<n>})
 * with its new 64-bit value, and for stores, SC and AMOs {@code mem <vaddr> <value>} with
 * the value in 2 hex digits per byte stored. Instructions that trap retire nothing and
 * print nothing; CSR writes and load addresses are not shown. Documented in
 * {@code docs/trace-format.md}.
 * <p>
 * Tracing runs one instruction per step through the same executor (stores then take the
 * MMU slow path, which records them).
 */
public final class CommitLog {
    private final RvCpu cpu;
    private final TraceSink sink;
    private final StringBuilder line = new StringBuilder(96);

    public CommitLog(RvCpu cpu, TraceSink sink) {
        this.cpu = cpu;
        this.sink = sink;
    }

    /** Executes the first instruction of {@code b} and logs it if it retired. */
    public int step(RvExecutor executor, RvBlock b) {
        RvUop u = b.uops[0];
        int priv = cpu.privilege();
        long pc = cpu.pc;
        RvMmu mmu = cpu.mmu();
        mmu.lastStoreSize = 0;
        int n = executor.run(b, 1);
        if (n == 1) {
            line.setLength(0);
            line.append("core").append(pad(Integer.toString(cpu.index()), 4)).append(": ").append(priv).append(' ');
            hex(pc, 16);
            line.append(" (");
            hex(u.insn.raw & 0xffff_ffffL, u.len == 2 ? 4 : 8);
            line.append(')');
            int rd = u.insn.rd;
            if (RvOpInfo.writesX(u.op) && rd != 0) reg('x', rd, cpu.xreg(rd));
            if (RvOpInfo.writesF(u.op)) reg('f', rd, cpu.freg(rd));
            if (mmu.lastStoreSize != 0) {
                line.append(" mem ");
                hex(mmu.lastStoreAddr, 16);
                line.append(' ');
                hex(mmu.lastStoreValue, mmu.lastStoreSize * 2);
            }
            sink.line(line);
        }
        return n;
    }

    private void reg(char kind, int r, long v) {
        line.append(' ').append(kind);
        String num = Integer.toString(r);
        line.append(num);
        if (num.length() < 2) line.append(' ');
        line.append(' ');
        hex(v, 16);
    }

    private void hex(long v, int digits) {
        line.append("0x");
        String h = Long.toHexString(v);
        for (int i = h.length(); i < digits; i++) line.append('0');
        line.append(h);
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}
