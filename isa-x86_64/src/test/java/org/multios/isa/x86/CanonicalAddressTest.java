package org.multios.isa.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In 64-bit mode a linear address whose bits 63:47 are not all equal is #GP(0) before any page
 * walk (SDM Vol. 1 3.3.7.1); it used to walk the table with the top bits dropped and raise #PF.
 * The host agrees: images/guest/x86_64-linux/faults.c's non-canonical load gets SIGSEGV with
 * si_code SI_KERNEL (a #GP) natively, and RunX86DifferentialTest compares it.
 */
class CanonicalAddressTest {
    private final CpuHarness h = new CpuHarness();
    private final List<String> faults = new ArrayList<>();

    CanonicalAddressTest() {
        h.longMode();
        h.cpu.faultTrace = s -> {
            faults.add(s);
            h.cpu.requestExit();
        };
    }

    /** movabs $addr, %rax; mov (%rax), %rbx: the first fault's vector, or -1. */
    private int load(long addr) {
        byte[] code = new byte[13];
        code[0] = 0x48;
        code[1] = (byte) 0xb8;
        for (int i = 0; i < 8; i++) code[2 + i] = (byte) (addr >>> (8 * i));
        code[10] = 0x48;
        code[11] = (byte) 0x8b;
        code[12] = 0x18;
        faults.clear();
        h.longMode(); // a fault with no IDT ends in a triple fault and a reset: enter 64-bit mode again each time
        h.run(code);
        return faults.isEmpty() ? -1 : Integer.parseInt(faults.get(0).substring(1, faults.get(0).indexOf(' ')));
    }

    @Test
    void nonCanonicalIsGeneralProtection() {
        assertEquals(13, load(0x8000_0000_0000_0000L));
        assertEquals(13, load(0x0000_8000_0000_0000L));
        assertEquals(13, load(0xffff_7fff_ffff_fff0L));
    }

    @Test
    void canonicalAddressesDoNotFault() {
        assertEquals(-1, load(0x8000));
        assertEquals(-1, load(0x0000_7fff_0000_8000L)); // top of the low half (the harness has no paging: 32-bit truncation)
        assertEquals(-1, load(0xffff_ffff_0000_8000L)); // high half, bits 63:47 all set
    }
}
