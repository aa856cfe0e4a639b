package org.multios.isa.riscv.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.VirtualClock;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.decode.RvInsn;
import org.multios.isa.riscv.decode.RvOp;
import org.multios.isa.riscv.exec.RvExecutor;
import org.multios.isa.riscv.trap.RvTrap;

/** The JIT tier must compute exactly what the interpreter computes. */
class RvBlockCompilerTest {
    static final long RAM = 0x8000_0000L;

    static RvCpu cpu() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", RAM, 1 << 20);
        RvCpu c = RvCpu.create(bus, new VirtualClock());
        c.setPc(RAM);
        return c;
    }

    /** Every inline op except control transfers, with random registers and immediates, ending in a branch. */
    static RvBlock randomBlock(Random r) {
        List<RvUop> uops = new ArrayList<>();
        for (RvOp op : RvOp.values()) {
            int code = RvUopCode.of(op);
            if (code == RvUopCode.SLOW || code == RvUopCode.JAL || code == RvUopCode.JALR) continue;
            if (op.name().startsWith("B") && code != RvUopCode.BITMANIP_RR && code != RvUopCode.BITMANIP_RI) continue;
            if (op.name().startsWith("L") && code != RvUopCode.LUI) continue; // memory ops below
            if (op.name().startsWith("S") && code >= RvUopCode.SB && code <= RvUopCode.SD) continue;
            long imm = switch (op) {
                case SLLI, SRLI, SRAI, RORI, BCLRI, BEXTI, BINVI, BSETI, SLLI_UW -> r.nextInt(64);
                case SLLIW, SRLIW, SRAIW, RORIW -> r.nextInt(32);
                case LUI, AUIPC -> (long) (r.nextInt() & ~0xfff);
                default -> r.nextInt(4096) - 2048;
            };
            uops.add(new RvUop(new RvInsn(op, 1 + r.nextInt(15), r.nextInt(16), r.nextInt(16), 0, 0, imm, 0x13, 4)));
        }
        // Memory: x20 points into RAM.
        uops.add(new RvUop(new RvInsn(RvOp.SD, 0, 20, 5, 0, 0, 8, 0x23, 4)));
        uops.add(new RvUop(new RvInsn(RvOp.LW, 6, 20, 0, 0, 0, 8, 0x03, 4)));
        uops.add(new RvUop(new RvInsn(RvOp.LBU, 7, 20, 0, 0, 0, 9, 0x03, 4)));
        uops.add(new RvUop(new RvInsn(RvOp.SH, 0, 20, 7, 0, 0, 30, 0x23, 4)));
        uops.add(new RvUop(new RvInsn(RvOp.LH, 8, 20, 0, 0, 0, 30, 0x03, 4)));
        uops.add(new RvUop(new RvInsn(RvOp.BLTU, 0, 1, 2, 0, 0, -64, 0x63, 4)));
        return new RvBlock(RAM, RAM, 3, uops.toArray(new RvUop[0]));
    }

    @Test
    void compiledBlocksMatchTheInterpreter() {
        Random r = new Random(42);
        for (int round = 0; round < 50; round++) {
            RvBlock interpreted = randomBlock(new Random(round));
            RvBlock compiled = randomBlock(new Random(round));
            compiled.compiled = RvBlockCompiler.compile(compiled);
            assertNotNull(compiled.compiled);
            RvCpu a = cpu(), b = cpu();
            for (int i = 1; i < 32; i++) {
                long v = switch (r.nextInt(4)) { case 0 -> r.nextLong(); case 1 -> r.nextInt(64); case 2 -> -1; default -> Long.MIN_VALUE; };
                a.setXreg(i, v);
                b.setXreg(i, v);
            }
            a.setXreg(20, RAM + 0x1000);
            b.setXreg(20, RAM + 0x1000);
            int na = new RvExecutor(a).run(interpreted, Integer.MAX_VALUE);
            int nb = new RvExecutor(b).run(compiled, Integer.MAX_VALUE);
            assertEquals(na, nb);
            long[] xa = new long[32], xb = new long[32];
            for (int i = 0; i < 32; i++) { xa[i] = a.xreg(i); xb[i] = b.xreg(i); }
            assertArrayEquals(xa, xb, "round " + round);
            assertEquals(a.pc(), b.pc());
            assertEquals(a.bus().read(RAM + 0x1000, 8), b.bus().read(RAM + 0x1000, 8));
        }
    }

    @Test
    void aFaultInsideACompiledBlockLandsOnTheRightInstruction() {
        RvUop[] uops = {
            new RvUop(new RvInsn(RvOp.ADDI, 1, 0, 0, 0, 0, 5, 0x13, 4)),
            new RvUop(new RvInsn(RvOp.LD, 2, 0, 0, 0, 0, 16, 0x03, 4)), // address 16: no memory there
            new RvUop(new RvInsn(RvOp.ADDI, 3, 0, 0, 0, 0, 7, 0x13, 4)),
        };
        RvBlock b = new RvBlock(RAM, RAM, 3, uops);
        b.compiled = RvBlockCompiler.compile(b);
        RvCpu c = cpu();
        c.writeCsr(0x305, RAM + 0x400); // mtvec
        assertEquals(1, new RvExecutor(c).run(b, 3));
        assertEquals(5, c.xreg(1));
        assertEquals(0, c.xreg(3));
        assertEquals(RAM + 4, c.readCsr(0x341), "mepc = the load");
        assertEquals(RvTrap.LOAD_ACCESS_FAULT, c.readCsr(0x342));
        assertEquals(RAM + 0x400, c.pc());
    }

    @Test
    void aBlockThatBranchesToItselfLoopsInsideTheCompiledCode() {
        RvUop[] uops = {
            new RvUop(new RvInsn(RvOp.ADDI, 1, 1, 0, 0, 0, -1, 0x13, 4)),
            new RvUop(new RvInsn(RvOp.ADD, 2, 2, 1, 0, 0, 0, 0x33, 4)),
            new RvUop(new RvInsn(RvOp.BNE, 0, 1, 0, 0, 0, -8, 0x63, 4)),
        };
        RvBlock b = new RvBlock(RAM, RAM, 3, uops);
        b.compiled = RvBlockCompiler.compile(b);
        RvCpu c = cpu();
        c.setXreg(1, 100);
        assertEquals(30, new RvExecutor(c).run(b, 31), "stops when another iteration would pass the limit");
        assertEquals(90, c.xreg(1));
        assertEquals(RAM, c.pc(), "back at the loop head");
        assertEquals(270, new RvExecutor(c).run(b, 1000));
        assertEquals(0, c.xreg(1));
        assertEquals(4950, c.xreg(2));
        assertEquals(RAM + 12, c.pc());
        c.requestExit();
        c.setXreg(1, 5);
        assertEquals(3, new RvExecutor(c).run(b, 1000), "an exit request ends the loop after one iteration");
    }
}
