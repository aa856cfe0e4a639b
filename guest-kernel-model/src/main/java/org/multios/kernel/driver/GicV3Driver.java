package org.multios.kernel.driver;

import java.util.HashMap;
import java.util.Map;
import org.multios.core.bus.PhysicalBus;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.sysreg.SysRegInfo;

/**
 * A GICv3 (Arm IHI 0069) as a kernel drives it for one PE, the arm64 counterpart of
 * {@link PlicDriver}: the distributor (affinity routing, group 1 enabled) and this PE's
 * redistributor (awake) by MMIO, the CPU interface through its ICC system registers
 * (priority mask open, group 1 enabled, EOImode 0: EOI drops priority and deactivates).
 * Interrupt ids are GIC INTIDs: PPIs 16..31 are enabled in the redistributor's SGI frame,
 * SPIs 32.. in the distributor, routed to this PE, level-sensitive, group 1.
 * <p>
 * The port's IRQ vector {@link #acknowledge acknowledges} once per trap; the timer PPI is then
 * completed by the kernel timer ({@link #endOfInterrupt}), anything else by
 * {@link #handlePending} after its handler ran.
 */
public final class GicV3Driver implements InterruptController {
    public static final int SPURIOUS = 1023;
    static final int GICD_CTLR = 0x0, GICD_TYPER = 0x4, GICD_IGROUPR = 0x80, GICD_ISENABLER = 0x100, GICD_IPRIORITYR = 0x400,
            GICD_ICFGR = 0xc00, GICD_IROUTER = 0x6000;
    static final int GICR_STRIDE = 0x20000, GICR_TYPER = 0x8, GICR_WAKER = 0x14, SGI = 0x10000;
    static final int CTLR_ENABLE_G1 = 1 << 1, CTLR_ARE = 1 << 4, WAKER_SLEEP = 1 << 1, WAKER_CHILDREN_ASLEEP = 1 << 2;
    /** Every device interrupt gets one priority (nesting is not needed: handlers run with IRQs masked). */
    static final int PRIORITY = 0xa0;

    private final PhysicalBus bus;
    private final A64Cpu cpu;
    private final long dist, redist;
    private final int lines;
    private final SysRegInfo iar1, eoir1, pmr, bpr1, ctlr, igrpen1, sre;
    private final Map<Integer, Runnable> handlers = new HashMap<>();
    private int acknowledged = SPURIOUS;

    /** dist: GICD base; redistRegion: the GICR region (one 128 KiB frame per PE, this PE's found by GICR_TYPER). */
    public GicV3Driver(PhysicalBus bus, A64Cpu cpu, long dist, long redistRegion, long redistSize) {
        this.bus = bus;
        this.cpu = cpu;
        this.dist = dist;
        long mine = -1;
        for (long off = 0; off + GICR_STRIDE <= redistSize; off += GICR_STRIDE) {
            long typer = bus.read(redistRegion + off + GICR_TYPER, 4) | bus.read(redistRegion + off + GICR_TYPER + 4, 4) << 32;
            if ((typer >>> 32) == cpu.index()) { mine = redistRegion + off; break; }
            if ((typer & (1 << 4)) != 0) break; // Last
        }
        if (mine < 0) throw new IllegalStateException(String.format("GICv3: no redistributor for CPU %d in %#x+%#x", cpu.index(), redistRegion, redistSize));
        this.redist = mine;
        this.lines = Math.min(1020, 32 * (((int) bus.read(dist + GICD_TYPER, 4) & 0x1f) + 1));
        iar1 = sysreg("ICC_IAR1_EL1");
        eoir1 = sysreg("ICC_EOIR1_EL1");
        pmr = sysreg("ICC_PMR_EL1");
        bpr1 = sysreg("ICC_BPR1_EL1");
        ctlr = sysreg("ICC_CTLR_EL1");
        igrpen1 = sysreg("ICC_IGRPEN1_EL1");
        sre = sysreg("ICC_SRE_EL1");
    }

    private SysRegInfo sysreg(String name) {
        for (SysRegInfo r : cpu.sysregs.table().rows()) if (r.name().equals(name)) return r;
        throw new IllegalStateException("A64 system register " + name + " is not implemented");
    }

    /** Distributor and redistributor on, CPU interface open for group 1. */
    public void init() {
        bus.write(dist + GICD_CTLR, 4, bus.read(dist + GICD_CTLR, 4) | CTLR_ARE | CTLR_ENABLE_G1);
        bus.write(redist + GICR_WAKER, 4, bus.read(redist + GICR_WAKER, 4) & ~WAKER_SLEEP);
        for (int spin = 0; spin < 1000 && (bus.read(redist + GICR_WAKER, 4) & WAKER_CHILDREN_ASLEEP) != 0; spin++) Thread.onSpinWait();
        cpu.sysregs.write(sre, cpu.sysregs.read(sre) | 1);
        cpu.sysregs.write(pmr, 0xff);
        cpu.sysregs.write(bpr1, 0);
        cpu.sysregs.write(ctlr, 0); // EOImode 0
        cpu.sysregs.write(igrpen1, 1);
    }

    public int lines() { return lines; }

    @Override
    public void enable(int intid, Runnable handler) {
        if (intid < 16 || intid >= lines) throw new IllegalArgumentException("GIC INTID " + intid + " is not a PPI or SPI of this GIC (16.." + (lines - 1) + ")");
        handlers.put(intid, handler);
        int bit = 1 << (intid % 32);
        if (intid < 32) {
            long sgi = redist + SGI;
            bus.write(sgi + GICD_IGROUPR, 4, bus.read(sgi + GICD_IGROUPR, 4) | bit);
            bus.write(sgi + GICD_IPRIORITYR + intid, 1, PRIORITY);
            bus.write(sgi + GICD_ISENABLER, 4, bit);
        } else {
            long word = 4L * (intid / 32);
            bus.write(dist + GICD_IGROUPR + word, 4, bus.read(dist + GICD_IGROUPR + word, 4) | bit);
            bus.write(dist + GICD_IPRIORITYR + intid, 1, PRIORITY);
            long cfg = dist + GICD_ICFGR + 4L * (intid / 16);
            bus.write(cfg, 4, bus.read(cfg, 4) & ~(2L << (2 * (intid % 16)))); // level-sensitive
            bus.write(dist + GICD_IROUTER + 8L * intid, 8, cpu.index()); // Aff0 = this PE, IRM = 0
            bus.write(dist + GICD_ISENABLER + word, 4, bit);
        }
    }

    /** Reads ICC_IAR1_EL1 (the highest pending group-1 interrupt becomes active); its INTID, or {@link #SPURIOUS}. */
    public int acknowledge() {
        int id = (int) (cpu.sysregs.read(iar1) & 0xffffff);
        acknowledged = id;
        return id;
    }

    /** Priority drop and deactivation of intid (EOImode 0). */
    public void endOfInterrupt(int intid) {
        if (acknowledged == intid) acknowledged = SPURIOUS;
        cpu.sysregs.write(eoir1, intid);
    }

    /** Runs the handler of the interrupt the IRQ trap acknowledged and completes it; one per trap (others trap again). */
    @Override
    public void handlePending() {
        int id = acknowledged;
        if (id >= 1020) id = acknowledge();
        if (id >= 1020) return;
        Runnable h = handlers.get(id);
        if (h != null) h.run();
        endOfInterrupt(id);
    }
}
