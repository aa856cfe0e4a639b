package org.multios.isa.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Reset state, real-mode execution, the real → protected → long mode path with 4-level
 * paging, and exception delivery through a 64-bit IDT, each observed on the architectural
 * state the SDM specifies.
 */
class ModeTransitionTest {
    @Test
    void resetStateIsRealModeAtTheResetVector() {
        CpuHarness h = new CpuHarness();
        X86Cpu c = h.cpu;
        assertEquals(0xf000, c.seg[Segment.CS].selector);
        assertEquals(0xffff0000L, c.seg[Segment.CS].base);
        assertEquals(0xfff0, c.rip);
        assertEquals(0xfffffff0L, c.pc());
        assertEquals(16, c.codeBits);
        assertEquals(2, c.flags.get());
    }

    /** Writes a little-endian value into guest memory. */
    static void put(CpuHarness h, long addr, int size, long v) { h.bus.write(addr, size, v); }

    @Test
    void realToProtectedToLongModeWithPaging() {
        CpuHarness h = new CpuHarness();
        X86Cpu c = h.cpu;
        // GDT at 0x500: null, 32-bit code (0x08), data (0x10), 64-bit code (0x18)
        put(h, 0x500, 8, 0);
        put(h, 0x508, 8, 0x00cf9a000000ffffL);
        put(h, 0x510, 8, 0x00cf92000000ffffL);
        put(h, 0x518, 8, 0x00af9a000000ffffL);
        put(h, 0x600, 2, 0x1f);          // GDTR image: limit
        put(h, 0x602, 4, 0x500);         // base
        // page tables: PML4 0x10000 -> PDPT 0x11000 -> PD 0x12000 with a 2 MiB identity page
        put(h, 0x10000, 8, 0x11003);
        put(h, 0x11000, 8, 0x12003);
        put(h, 0x12000, 8, 0x83);
        c.seg[Segment.CS].selector = 0;
        c.seg[Segment.CS].base = 0;
        int[] code = {
            0x0f, 0x01, 0x16, 0x00, 0x06,             // lgdt 0x600 (16-bit addressing)
            0x0f, 0x20, 0xc0,                         // mov %cr0,%eax
            0x66, 0x83, 0xc8, 0x01,                   // or $1,%eax
            0x0f, 0x22, 0xc0,                         // mov %eax,%cr0
            0x66, 0xea, 0x20, 0x10, 0x00, 0x00, 0x08, 0x00, // ljmpl $8,$0x1020
        };
        int[] pm = {                                  // at 0x1020, 32-bit protected mode
            0xb8, 0x10, 0x00, 0x00, 0x00,             // mov $0x10,%eax
            0x8e, 0xd8,                               // mov %eax,%ds
            0x8e, 0xd0,                               // mov %eax,%ss
            0x0f, 0x20, 0xe0,                         // mov %cr4,%eax
            0x83, 0xc8, 0x20,                         // or $0x20,%eax (PAE)
            0x0f, 0x22, 0xe0,                         // mov %eax,%cr4
            0xb8, 0x00, 0x00, 0x01, 0x00,             // mov $0x10000,%eax
            0x0f, 0x22, 0xd8,                         // mov %eax,%cr3
            0xb9, 0x80, 0x00, 0x00, 0xc0,             // mov $0xc0000080,%ecx (EFER)
            0x0f, 0x32,                               // rdmsr
            0x0d, 0x00, 0x01, 0x00, 0x00,             // or $0x100,%eax (LME)
            0x0f, 0x30,                               // wrmsr
            0x0f, 0x20, 0xc0,                         // mov %cr0,%eax
            0x0d, 0x00, 0x00, 0x00, 0x80,             // or $0x80000000,%eax (PG)
            0x0f, 0x22, 0xc0,                         // mov %eax,%cr0
            0xea, 0x60, 0x10, 0x00, 0x00, 0x18, 0x00, // ljmp $0x18,$0x1060
        };
        int[] lm = {                                  // at 0x1060, 64-bit mode
            0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // movabs $0x1122334455667788,%rax
            0xf4,                                     // hlt
        };
        load(h, 0x1000, code);
        load(h, 0x1020, pm);
        load(h, 0x1060, lm);
        c.rip = 0x1000;
        c.run(100);
        assertTrue(c.halted, "reached HLT");
        assertEquals(64, c.codeBits);
        assertTrue(c.longMode());
        assertEquals(0x1122334455667788L, c.gpr[X86Cpu.RAX]);
        assertEquals(0x18, c.seg[Segment.CS].selector);
    }

    @Test
    void divideErrorGoesThroughTheLongModeIdtWithTheFaultingRip() {
        CpuHarness h = new CpuHarness();
        h.longMode();
        X86Cpu c = h.cpu;
        put(h, 0x500, 8, 0);
        put(h, 0x508, 8, 0x00af9a000000ffffL);  // 64-bit code segment 0x08
        c.gdtBase = 0x500;
        c.gdtLimit = 0xf;
        c.seg[Segment.CS].selector = 0x08;
        // IDT at 0x2000: vector 0 -> handler 0x3000, 64-bit interrupt gate
        long handler = 0x3000;
        long lo = (handler & 0xffff) | (0x08L << 16) | (0x8eL << 40) | ((handler >>> 16 & 0xffff) << 48);
        put(h, 0x2000, 8, lo);
        put(h, 0x2008, 8, handler >>> 32);
        c.idtBase = 0x2000;
        c.idtLimit = 0xfff;
        c.gpr[X86Cpu.RSP] = 0x8000;
        h.bus.write(0x3000, 1, 0xf4); // handler: hlt
        c.gpr[X86Cpu.RAX] = 5;
        c.gpr[X86Cpu.RDX] = 0;
        c.gpr[X86Cpu.RBX] = 0;
        h.run(new byte[] {(byte) 0x48, (byte) 0xf7, (byte) 0xf3}); // div %rbx -> #DE
        assertTrue(c.halted);
        assertEquals(0x3001, c.rip);
        assertEquals(0x8000 - 40, c.gpr[X86Cpu.RSP]);
        assertEquals(CpuHarness.CODE, h.bus.read(0x8000 - 40, 8), "saved RIP is the faulting instruction");
        assertEquals(0x08, h.bus.read(0x8000 - 32, 8), "saved CS");
    }

    private static void load(CpuHarness h, long at, int[] bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        h.bus.loadImage(at, b, 0, b.length);
    }
}
