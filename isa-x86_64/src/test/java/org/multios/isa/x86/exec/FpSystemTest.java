package org.multios.isa.x86.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.isa.x86.CpuHarness;
import org.multios.isa.x86.X86Cpu;

/**
 * The system side of floating point that the host differential tests cannot reach (the host
 * runs with Linux's CR0/CR4): #UD/#NM from CR0.EM/TS and CR4.OSFXSR/OSXMMEXCPT, #GP for
 * misaligned FXSAVE and reserved MXCSR bits, XSETBV/XGETBV rules, XSAVE/XRSTOR round trip
 * with the init state, the CPUID feature bits, and RDRAND's repeatable default source.
 */
class FpSystemTest {
    private final CpuHarness h = new CpuHarness();
    private final X86Cpu cpu = h.cpu;
    private final List<Integer> vectors = new ArrayList<>();
    /** MXCSR, x87 status word and XMM0 when the first exception was raised. */
    private int faultMxcsr, faultFsw;
    private long faultXmm0;

    FpSystemTest() {
        mode();
        cpu.fpuControl = 0x37f;
        cpu.fpuTag = 0xffff;
        cpu.faultTrace = s -> {
            if (vectors.isEmpty()) {
                faultMxcsr = cpu.mxcsr;
                faultFsw = cpu.fpuStatus;
                faultXmm0 = cpu.xmm[0];
            }
            vectors.add(Integer.parseInt(s.substring(1, s.indexOf(' '))));
            cpu.requestExit();
        };
    }

    private void mode() {
        h.longMode();
        cpu.cr0 |= X86Cpu.CR0_NE | X86Cpu.CR0_MP;
        cpu.cr4 |= X86Cpu.CR4_OSFXSR | X86Cpu.CR4_OSXMMEXCPT | X86Cpu.CR4_OSXSAVE;
    }

    /**
     * Runs the code; returns the first exception's vector or -1. There is no IDT, so a fault
     * ends in a triple fault that resets the CPU: the mode is set up again afterwards and the
     * interesting state is the snapshot taken when the exception was raised.
     */
    private int fault(int... code) {
        byte[] b = new byte[code.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) code[i];
        vectors.clear();
        h.run(b);
        if (vectors.isEmpty()) return -1;
        mode();
        return vectors.get(0);
    }

    private static final int[] ADDPS = {0x0f, 0x58, 0xc1}, FLD1 = {0xd9, 0xe8};

    @Test
    void controlRegistersGateTheUnits() {
        assertEquals(-1, fault(ADDPS));
        cpu.cr4 &= ~X86Cpu.CR4_OSFXSR;
        assertEquals(6, fault(ADDPS), "SSE without CR4.OSFXSR: #UD");
        cpu.cr4 |= X86Cpu.CR4_OSFXSR;
        cpu.cr0 |= X86Cpu.CR0_EM;
        assertEquals(6, fault(ADDPS), "SSE with CR0.EM: #UD");
        cpu.cr0 |= X86Cpu.CR0_EM;
        assertEquals(7, fault(FLD1), "x87 with CR0.EM: #NM");
        cpu.cr0 &= ~X86Cpu.CR0_EM;
        cpu.cr0 |= X86Cpu.CR0_TS;
        assertEquals(7, fault(ADDPS), "SSE with CR0.TS: #NM");
        cpu.cr0 |= X86Cpu.CR0_TS;
        assertEquals(7, fault(0x9b), "FWAIT with CR0.TS and MP: #NM");
        cpu.cr0 &= ~X86Cpu.CR0_TS;
    }

    @Test
    void unmaskedSimdExceptionIsXmOrUd() {
        cpu.xmm[0] = Double.doubleToRawLongBits(1.0);
        cpu.xmm[2] = 0; // xmm1 = 0.0
        cpu.mxcsr = 0x1f80 & ~0x200; // ZE unmasked
        int[] divsd = {0xf2, 0x0f, 0x5e, 0xc1};
        assertEquals(19, fault(divsd), "#XM with CR4.OSXMMEXCPT");
        assertEquals(0x1d80 | 4, faultMxcsr, "ZE recorded");
        assertEquals(Double.doubleToRawLongBits(1.0), faultXmm0, "destination unchanged");
        cpu.cr4 &= ~X86Cpu.CR4_OSXMMEXCPT;
        cpu.mxcsr = 0x1f80 & ~0x200;
        cpu.xmm[0] = Double.doubleToRawLongBits(1.0);
        cpu.xmm[2] = 0;
        assertEquals(6, fault(divsd), "#UD without it");
        cpu.mxcsr = 0x1f80;
        cpu.xmm[0] = Double.doubleToRawLongBits(1.0);
        cpu.xmm[2] = 0;
        assertEquals(-1, fault(divsd));
        assertEquals(Double.doubleToRawLongBits(Double.POSITIVE_INFINITY), cpu.xmm[0], "masked: +inf");
    }

    @Test
    void pendingX87ExceptionRaisesMfAtTheNextWaitingInstruction() {
        cpu.fpuControl = 0x37f & ~4; // ZE unmasked
        // fld1; fldz; fdivp -> ZE pending, then fld1 faults with #MF
        assertEquals(16, fault(0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9, 0xd9, 0xe8));
        assertTrue((faultFsw & 0x8084) == 0x8084, "ZE, ES and B set: " + Integer.toHexString(faultFsw));
        cpu.fpuStatus = faultFsw;
        assertEquals(-1, fault(0xdb, 0xe2), "FNCLEX does not wait");
        assertEquals(0, cpu.fpuStatus & 0x80ff);
    }

    @Test
    void stateSaveInstructions() {
        cpu.gpr[0] = 0x8000; // rax = buffer
        assertEquals(13, fault(0x0f, 0xae, 0x40, 0x08), "FXSAVE [rax+8]: #GP unless 16-byte aligned");
        cpu.gpr[0] = 0x8000;
        assertEquals(-1, fault(0x48, 0x0f, 0xae, 0x00), "FXSAVE64 [rax]");
        assertEquals(0xffff, h.bus.read(0x8000 + 28, 4), "MXCSR_MASK");
        h.bus.write(0x8100, 4, 0x10000);
        cpu.gpr[0] = 0x8100;
        assertEquals(13, fault(0x0f, 0xae, 0x10), "LDMXCSR with a reserved bit: #GP");

        // XSETBV: only x87 (1) or x87+SSE (3)
        cpu.gpr[1] = 0;
        cpu.gpr[2] = 0;
        cpu.gpr[0] = 2;
        assertEquals(13, fault(0x0f, 0x01, 0xd1), "XCR0 without x87: #GP");
        cpu.gpr[0] = 7;
        assertEquals(13, fault(0x0f, 0x01, 0xd1), "AVX state is not supported: #GP");
        cpu.gpr[0] = 3;
        cpu.gpr[1] = 0;
        cpu.gpr[2] = 0;
        assertEquals(-1, fault(0x0f, 0x01, 0xd1));
        cpu.gpr[0] = 0;
        assertEquals(-1, fault(0x0f, 0x01, 0xd0));
        assertEquals(3, cpu.gpr[0], "XGETBV reads XCR0");

        // XSAVE then XRSTOR with XSTATE_BV.SSE clear: XMM registers return to zero
        cpu.xmm[4] = 0x1234;
        cpu.gpr[3] = 0x9000; // rbx
        cpu.gpr[0] = 3;
        cpu.gpr[2] = 0;
        assertEquals(-1, fault(0x0f, 0xae, 0x23), "XSAVE [rbx]");
        assertEquals(3, h.bus.read(0x9000 + 512, 8), "XSTATE_BV");
        assertEquals(0x1234, h.bus.read(0x9000 + 160 + 32, 8), "XMM2 in the legacy region");
        h.bus.write(0x9000 + 512, 8, 1);
        assertEquals(-1, fault(0x0f, 0xae, 0x2b), "XRSTOR [rbx]");
        assertEquals(0, cpu.xmm[4], "SSE component in its init state");
        h.bus.write(0x9000 + 520, 8, 1L << 63);
        assertEquals(13, fault(0x0f, 0xae, 0x2b), "compacted format is not supported: #GP");
        cpu.cr4 &= ~X86Cpu.CR4_OSXSAVE;
        assertEquals(6, fault(0x0f, 0x01, 0xd0), "XGETBV without CR4.OSXSAVE: #UD");
    }

    @Test
    void cpuidDescribesTheFloatingPointUnits() {
        int[] r = cpu.cpuid.query(1, 0, true);
        int ecx = r[2], edx = r[3];
        for (int bit : new int[] {0, 24, 25, 26}) assertTrue((edx >> bit & 1) != 0, "EDX bit " + bit);
        for (int bit : new int[] {0, 9, 19, 20, 23, 26, 27, 30}) assertTrue((ecx >> bit & 1) != 0, "ECX bit " + bit);
        assertEquals(1, edx >> 23 & 1, "MMX");
        assertEquals(0, ecx >> 28 & 1, "no AVX");
        assertEquals(0, cpu.cpuid.query(1, 0, false)[2] >> 27 & 1, "OSXSAVE follows CR4");
        assertEquals(0, cpu.cpuid.query(7, 0)[1] & (1 << 3 | 1 << 8), "no BMI1/BMI2");
        assertEquals(576, cpu.cpuid.query(0xd, 0)[2], "XSAVE area size");
    }

    @Test
    void rdrandIsRepeatableByDefault() {
        // rdrand rax; rdseed rcx
        fault(0x48, 0x0f, 0xc7, 0xf0, 0x48, 0x0f, 0xc7, 0xf9);
        long a = cpu.gpr[0], c = cpu.gpr[1];
        assertNotEquals(a, c);
        CpuHarness other = new CpuHarness();
        other.longMode();
        other.run(new byte[] {0x48, 0x0f, (byte) 0xc7, (byte) 0xf0});
        assertEquals(a, other.cpu.gpr[0], "the same seed gives the same numbers");
    }
}
