package org.multios.isa.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PSCI over HVC: version, CPU_ON of a secondary, AFFINITY_INFO, SYSTEM_OFF, unknown functions. */
class PsciTest {
    static final int HVC0 = 0xd4000002;

    @Test
    void cpuOnStartsTheSecondaryAtItsEntryWithContextInX0() {
        TestCpu t = new TestCpu();
        A64Cpu second = new A64Cpu(1, t.bus, t.clock);
        second.reset();
        second.setPoweredOn(false);
        boolean[] off = {false};
        Psci psci = new Psci(List.of(t.cpu, second), new Psci.SystemControl() {
            @Override public void systemOff() { off[0] = true; }
            @Override public void systemReset() { }
        });
        t.cpu.setHypercallHandler(psci);

        t.set(0, Psci.VERSION).run(HVC0);
        assertEquals(0x10000, t.x(0));

        t.set(0, 0xc400_0004L).set(1, 1).run(HVC0); // AFFINITY_INFO (SMC64 id) of MPIDR 1
        assertEquals(1, t.x(0), "off");

        t.set(0, 0xc400_0003L).set(1, 1).set(2, 0x4000_2000L).set(3, 0xabc).run(HVC0); // CPU_ON
        assertEquals(0, t.x(0));
        assertTrue(second.poweredOn());
        assertEquals(0x4000_2000L, second.pc);
        assertEquals(0xabc, second.x[0]);
        assertEquals(1, second.el);

        t.set(0, 0xc400_0003L).set(1, 1).run(HVC0);
        assertEquals(-4, t.x(0), "ALREADY_ON");
        t.set(0, 0xc400_0003L).set(1, 7).run(HVC0);
        assertEquals(-2, t.x(0), "no such CPU");

        t.set(0, 0x8400_00ffL).run(HVC0);
        assertEquals(0xffff_ffffL, t.x(0), "NOT_SUPPORTED in W0 for an SMC32 function id");

        assertFalse(off[0]);
        t.set(0, Psci.SYSTEM_OFF).run(HVC0);
        assertTrue(off[0]);
    }

    @Test
    void smcWithoutEl3IsUndefined() {
        TestCpu t = new TestCpu();
        t.cpu.setHypercallHandler(new Psci(List.of(t.cpu), null));
        t.set(0, Psci.VERSION).run(0xd4000003); // smc #0
        assertEquals(0L, t.cpu.sysregs.esrEl1 >>> 26);
    }
}
