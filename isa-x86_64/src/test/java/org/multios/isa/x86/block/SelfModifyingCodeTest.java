package org.multios.isa.x86.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.isa.x86.CpuHarness;
import org.multios.isa.x86.X86Cpu;

/**
 * Stores into code that has already run (so is decoded and pre-resolved) must be seen the
 * next time it runs (SDM Vol. 3 11.6: the processor detects writes to code it has fetched).
 * Each program patches the immediate of an ADD with the loop counter, and the sum tells which
 * bytes each pass executed: the architectural result, and a stale cache gives a different one.
 */
class SelfModifyingCodeTest {
    private final CpuHarness h = new CpuHarness();

    SelfModifyingCodeTest() { h.longMode(); }

    @Test
    void patchAheadInTheSameStraightLineCode() {
        byte[] code = {
            (byte) 0xb9, 3, 0, 0, 0,          // 1000: mov $3, %ecx
            0x31, (byte) 0xc0,                // 1005: xor %eax, %eax
            (byte) 0x88, 0x0d, 2, 0, 0, 0,    // 1007: mov %cl, 0x100f(%rip)  (the ADD's immediate, just ahead)
            (byte) 0x83, (byte) 0xc0, 0x10,   // 100d: add $0x10, %eax
            (byte) 0xff, (byte) 0xc9,         // 1010: dec %ecx
            0x75, (byte) 0xf3,                // 1012: jnz 1007
        };
        h.run(code);
        assertTrue(h.cpu.halted);
        assertEquals(3 + 2 + 1, h.cpu.gpr[X86Cpu.RAX], "each pass adds the counter it just stored (a stale decoding adds 3 three times)");
    }

    @Test
    void patchCodeOnAnotherPage() {
        byte[] fn = {(byte) 0x83, (byte) 0xc0, 0x10, (byte) 0xc3}; // 3000: add $0x10, %eax; ret
        h.bus.loadImage(0x3000, fn, 0, fn.length);
        h.cpu.gpr[X86Cpu.RSP] = 0x8000;
        byte[] code = {
            (byte) 0xb9, 3, 0, 0, 0,                      // 1000: mov $3, %ecx
            0x31, (byte) 0xc0,                            // 1005: xor %eax, %eax
            (byte) 0xe8, (byte) 0xf4, 0x1f, 0, 0,         // 1007: call 3000
            (byte) 0x88, 0x0d, (byte) 0xf0, 0x1f, 0, 0,   // 100c: mov %cl, 0x3002(%rip)
            (byte) 0xff, (byte) 0xc9,                     // 1012: dec %ecx
            0x75, (byte) 0xf1,                            // 1014: jnz 1007
        };
        h.run(code);
        assertTrue(h.cpu.halted);
        assertEquals(0x10 + 3 + 2, h.cpu.gpr[X86Cpu.RAX], "the called ADD runs with the immediate stored last (stale: 0x30)");
    }

    @Test
    void loaderOverwritesCachedCode() {
        byte[] first = {(byte) 0xb8, 1, 0, 0, 0}; // mov $1, %eax
        h.run(first);
        assertEquals(1, h.cpu.gpr[X86Cpu.RAX]);
        byte[] second = {(byte) 0xb8, 2, 0, 0, 0}; // the same address, new bytes from outside the CPU
        h.run(second);
        assertEquals(2, h.cpu.gpr[X86Cpu.RAX]);
    }
}
