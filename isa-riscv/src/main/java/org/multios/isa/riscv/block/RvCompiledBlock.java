package org.multios.isa.riscv.block;

import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.mmu.RvMmu;

/**
 * A block translated to JVM bytecode by {@link RvBlockCompiler}. {@link #run} executes the
 * whole block starting at {@code pc}, sets {@code cpu.pc} to the next block's pc and returns
 * the number of instructions retired (the block's length). Before each instruction that can
 * trap it stores the instruction's index in {@code cpu.jitIndex}, so the caller can place a
 * trap on the right instruction. A block whose last branch jumps back to its own start
 * loops inside {@code run} while the total stays within {@code limit} and
 * {@link RvCpu#loopMayContinue()}; {@code cpu.jitBase} then holds the instructions retired by
 * earlier iterations (the caller zeroes it before the call).
 */
public interface RvCompiledBlock {
    int run(RvCpu cpu, long[] x, RvMmu m, long pc, int limit);
}
