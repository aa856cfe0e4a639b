package org.multios.isa.x86.gdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.mmu.X86PageWalker;

/** GDB's view of an x86-64 CPU: amd64 register numbering, the read-only page walk, hooks in the run loop. */
class X86DebugCpuTest {
    final PhysicalBus bus = new PhysicalBus();
    final X86Cpu cpu;
    final X86DebugCpu d;

    X86DebugCpuTest() {
        bus.addRam("ram", 0, 4 << 20);
        cpu = new X86Cpu(0, bus, new VirtualClock());
        d = new X86DebugCpu(cpu);
    }

    static long le(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return v;
    }

    @Test
    void registersFollowGdbsAmd64Numbering() {
        var desc = d.description();
        assertTrue(desc.document("target.xml").contains("<architecture>i386:x86-64</architecture>"));
        for (String f : new String[] {"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.segments"}) {
            assertTrue(desc.documents().values().stream().anyMatch(x -> x.contains(f)), f);
        }
        assertEquals(57, desc.gPacketCount());
        cpu.gpr[X86Cpu.RBX] = 0x1122334455667788L; // GDB's register 1 is rbx (hardware number 3)
        cpu.gpr[X86Cpu.RSP] = 0x7000;
        cpu.gpr[15] = -1;
        assertEquals(0x1122334455667788L, le(d.readRegister(1)));
        assertEquals(0x7000, le(d.readRegister(7)));
        assertEquals(-1L, le(d.readRegister(15)));
        assertEquals(0xfff0, le(d.readRegister(X86TargetDescription.RIP)));
        assertEquals(2, le(d.readRegister(X86TargetDescription.EFLAGS)));
        assertEquals(0xf000, le(d.readRegister(X86TargetDescription.CS)));
        assertEquals(cpu.fpuControl, le(d.readRegister(X86TargetDescription.FCTRL)));
        // st1 is ST(1) = R((TOP + 1) mod 8): with TOP = 6, R7; 80-bit: significand, then sign/exponent
        cpu.fpuStatus = 6 << 11;
        cpu.fpuSig[7] = 0xc000_0000_0000_0000L;
        cpu.fpuExp[7] = 0x3fff; // 1.5
        byte[] st1 = d.readRegister(X86TargetDescription.ST0 + 1);
        assertEquals(10, st1.length);
        assertEquals((byte) 0xc0, st1[7]);
        assertEquals((byte) 0xff, st1[8]);
        assertEquals(0x3f, st1[9]);
        assertTrue(d.writeRegister(X86TargetDescription.ST0, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0x40})); // 2.0 into R6
        assertEquals(0x8000_0000_0000_0000L, cpu.fpuSig[6]);
        assertEquals(0x4000, cpu.fpuExp[6]);
        assertEquals(0x1f80, le(d.readRegister(X86TargetDescription.MXCSR)));
        cpu.xmm[2 * 3] = 0x0102030405060708L;
        cpu.xmm[2 * 3 + 1] = 0x1112131415161718L;
        byte[] x3 = d.readRegister(X86TargetDescription.XMM0 + 3);
        assertEquals(16, x3.length);
        assertEquals(0x08, x3[0]);
        assertEquals(0x18, x3[8]);
        assertEquals(0x11, x3[15]);
        assertTrue(d.writeRegister(X86TargetDescription.XMM0 + 3, new byte[16]));
        assertEquals(0, cpu.xmm[6] | cpu.xmm[7]);
        assertTrue(d.writeRegister(2, new byte[] {5, 0, 0, 0, 0, 0, 0, 0})); // rcx
        assertEquals(5, cpu.gpr[X86Cpu.RCX]);
        assertFalse(d.writeRegister(X86TargetDescription.CR0, new byte[8]), "control registers are the guest's business");
        assertFalse(d.writeRegister(X86TargetDescription.CS, new byte[] {8, 0, 0, 0}), "selector changes need descriptor loads");
        assertTrue(d.writeRegister(X86TargetDescription.CS, new byte[] {0, (byte) 0xf0, 0, 0}), "an unchanged selector is fine");
        // In real mode GDB's pc is the linear address CS base + IP.
        assertEquals(0xffff_fff0L, d.pc());
    }

    /** 4-level paging: the view agrees with the CPU's walker and leaves the accessed/dirty bits alone. */
    @Test
    void pageWalkMatchesTheCpuWithoutSideEffects() {
        long pml4 = 0x1000, pdpt = 0x2000, pd = 0x3000, pt = 0x4000;
        bus.write(pml4, 8, pdpt | 3);
        bus.write(pdpt, 8, pd | 3);
        bus.write(pd + 8, 8, 0x20_0000L | 0x83);   // 2 MiB page: 0x200000 -> 0x200000
        bus.write(pd, 8, pt | 3);                  // 0x0-0x1fffff through a page table
        bus.write(pt + 5 * 8, 8, 0x30_0000L | 3);  // 0x5000 -> 0x300000
        cpu.cr3 = pml4;
        cpu.cr4 = X86Cpu.CR4_PAE;
        cpu.efer = X86Cpu.EFER_LME | X86Cpu.EFER_LMA;
        cpu.cr0 = X86Cpu.CR0_PE | X86Cpu.CR0_PG;
        cpu.seg[Segment.CS].attributes = 0x209b; // L: 64-bit code
        cpu.modeChanged();
        assertTrue(d.translating());
        assertEquals(0x30_0123L, d.translate(0x5123, false));
        assertEquals(0x21_2345L, d.translate(0x21_2345, false));
        assertEquals(DebugCpu.NO_TRANSLATION, d.translate(0x6000, false));
        assertEquals(DebugCpu.NO_TRANSLATION, d.translate(0x8000_0000_0000L, false), "non-canonical");
        assertEquals(0, bus.read(pt + 5 * 8, 8) & 0x60, "no accessed/dirty bits from the debugger");
        assertEquals(0, bus.read(pml4, 8) & 0x20);
        assertEquals(cpu.walker.translate(0x5123, X86PageWalker.READ, false), d.translate(0x5123, false));
        assertEquals(0x20, bus.read(pt + 5 * 8, 8) & 0x20, "the CPU's own walk does set A");
        String mem = d.infoMem();
        assertTrue(mem.contains("4-level paging, CR3 0000000000001000"), mem);
        assertTrue(mem.contains("0000000000005000-0000000000005fff  0000000000300000  w-x"), mem);
        assertTrue(mem.contains("0000000000200000-00000000003fffff  0000000000200000  w-x"), mem);
    }

    @Test
    void hooksStopBeforeAnInstructionAndSeeStores() {
        // 64-bit flat code at 0x1000: mov %rax,0x2000 ; nop ; nop
        cpu.cr0 = X86Cpu.CR0_PE;
        cpu.seg[Segment.CS].base = 0;
        cpu.seg[Segment.CS].attributes = 0x409b; // 32-bit code, paging off
        cpu.modeChanged();
        byte[] code = {(byte) 0xa3, 0x00, 0x20, 0x00, 0x00, (byte) 0x90, (byte) 0x90}; // mov %eax,0x2000
        bus.loadImage(0x1000, code, 0, code.length);
        cpu.rip = 0x1000;
        cpu.gpr[X86Cpu.RAX] = 0x55;
        long[] stores = new long[1];
        d.setDebugHooks(new DebugHooks() {
            @Override public boolean beforeInstruction(int c, long pc) { return pc == 0x1006; }
            @Override public boolean watchesPage(long vaddr) { return (vaddr >>> 12) == 2; }
            @Override public void dataAccess(int c, long vaddr, int size, boolean write) { if (write) stores[0] = vaddr; }
        });
        assertEquals(2, cpu.run(10));
        assertEquals(0x1006, cpu.rip);
        assertEquals(0x2000, stores[0]);
        assertEquals(0x55, bus.read(0x2000, 4));
        d.setDebugHooks(null);
        assertEquals(1, cpu.run(1));
    }
}
