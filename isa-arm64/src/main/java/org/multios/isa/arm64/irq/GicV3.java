package org.multios.isa.arm64.irq;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.isa.arm64.A64Cpu;

/**
 * A GICv3 (Arm IHI 0069) without security extensions (GICD_CTLR.DS = 1: one security
 * state, as QEMU's virt machine configures it for a guest without EL3) and without LPIs/ITS:
 * the distributor (SPIs 32..32+spis-1), one redistributor per PE (SGIs 0-15, PPIs 16-31)
 * and the system-register CPU interface (ICC_*_EL1). Interrupts of group 1 are signalled as
 * IRQ, group 0 as FIQ. Priorities, enables, pending/active state, level and edge inputs,
 * the running-priority stack and ICC_PMR_EL1 masking follow the specification; affinity
 * routing (GICD_IROUTER) selects the target PE of an SPI.
 */
public final class GicV3 {
    public static final long DIST_SIZE = 0x10000, REDIST_STRIDE = 0x20000;
    private static final int SPECIAL_NONE = 1023;

    private final List<A64Cpu> cpus;
    private final int spis;
    private final int lines;
    // per-interrupt state; SGI/PPI state is banked per PE at index cpu*32+id in the private arrays
    private final boolean[] enabled, pending, active, level, edge, group1;
    private final int[] priority;
    private final long[] router;
    private final boolean[] pEnabled, pPending, pActive, pLevel, pEdge, pGroup1;
    private final int[] pPriority;
    private int distCtlr;
    private final List<CpuInterface> interfaces = new ArrayList<>();
    private final boolean[] waker;

    public GicV3(List<A64Cpu> cpus, int spis) {
        this.cpus = cpus;
        this.spis = spis;
        this.lines = 32 + spis;
        enabled = new boolean[lines]; pending = new boolean[lines]; active = new boolean[lines];
        level = new boolean[lines]; edge = new boolean[lines]; group1 = new boolean[lines];
        priority = new int[lines]; router = new long[lines];
        int n = cpus.size() * 32;
        pEnabled = new boolean[n]; pPending = new boolean[n]; pActive = new boolean[n];
        pLevel = new boolean[n]; pEdge = new boolean[n]; pGroup1 = new boolean[n]; pPriority = new int[n];
        waker = new boolean[cpus.size()];
        for (A64Cpu c : cpus) {
            CpuInterface ci = new CpuInterface(c.index());
            interfaces.add(ci);
            c.setGicCpuInterface(ci);
        }
        reset();
    }

    public void reset() {
        distCtlr = 0;
        java.util.Arrays.fill(enabled, false); java.util.Arrays.fill(pending, false); java.util.Arrays.fill(active, false);
        java.util.Arrays.fill(edge, false); java.util.Arrays.fill(group1, false);
        java.util.Arrays.fill(priority, 0); java.util.Arrays.fill(router, 0);
        java.util.Arrays.fill(pEnabled, false); java.util.Arrays.fill(pPending, false); java.util.Arrays.fill(pActive, false);
        java.util.Arrays.fill(pGroup1, false); java.util.Arrays.fill(pPriority, 0);
        for (int i = 0; i < pEdge.length; i++) pEdge[i] = (i % 32) < 16; // SGIs are edge-triggered
        java.util.Arrays.fill(waker, true);
        for (CpuInterface ci : interfaces) ci.reset();
        updateAll();
    }

    /** The input line of SPI {@code n} (INTID 32+n). */
    public InterruptLine spi(int n) {
        if (n < 0 || n >= spis) throw new IllegalArgumentException("no SPI " + n);
        int id = 32 + n;
        return l -> {
            if (l && !level[id] && edge[id]) pending[id] = true;
            level[id] = l;
            updateAll();
        };
    }

    /** The input line of PPI INTID {@code id} (16..31) of PE {@code cpu}. */
    public InterruptLine ppi(int cpu, int id) {
        if (id < 16 || id > 31) throw new IllegalArgumentException("PPI INTIDs are 16-31");
        int i = cpu * 32 + id;
        return l -> {
            if (l && !pLevel[i] && pEdge[i]) pPending[i] = true;
            pLevel[i] = l;
            update(cpu);
        };
    }

    // ---- state helpers for INTID id as seen by PE cpu ----

    private boolean isPending(int cpu, int id) {
        if (id < 32) { int i = cpu * 32 + id; return pPending[i] || (!pEdge[i] && pLevel[i]); }
        return pending[id] || (!edge[id] && level[id]);
    }

    private int targetOf(int id) {
        int aff0 = (int) (router[id] & 0xff);
        return aff0 < cpus.size() ? aff0 : 0;
    }

    /** Highest-priority pending, enabled interrupt for PE cpu, or SPECIAL_NONE. */
    private int highestPending(int cpu) {
        int best = SPECIAL_NONE, bestPrio = 0x100;
        boolean g1 = (distCtlr & 2) != 0, g0 = (distCtlr & 1) != 0;
        for (int id = 0; id < 32; id++) {
            int i = cpu * 32 + id;
            if (pEnabled[i] && !pActive[i] && isPending(cpu, id) && (pGroup1[i] ? g1 : g0) && pPriority[i] < bestPrio) {
                best = id;
                bestPrio = pPriority[i];
            }
        }
        for (int id = 32; id < lines; id++) {
            if (enabled[id] && !active[id] && isPending(cpu, id) && targetOf(id) == cpu && (group1[id] ? g1 : g0)
                    && priority[id] < bestPrio) {
                best = id;
                bestPrio = priority[id];
            }
        }
        return best;
    }

    private int prio(int cpu, int id) { return id < 32 ? pPriority[cpu * 32 + id] : priority[id]; }

    private boolean isGroup1(int cpu, int id) { return id < 32 ? pGroup1[cpu * 32 + id] : group1[id]; }

    private void updateAll() { for (int c = 0; c < cpus.size(); c++) update(c); }

    private void update(int cpu) {
        CpuInterface ci = interfaces.get(cpu);
        int id = highestPending(cpu);
        boolean irq = false, fiq = false;
        if (id != SPECIAL_NONE) {
            int p = prio(cpu, id);
            if (p < ci.pmr && p < ci.runningPriority()) {
                if (isGroup1(cpu, id)) irq = ci.grpen1;
                else fiq = ci.grpen0;
            }
        }
        cpus.get(cpu).setIrq(irq);
        cpus.get(cpu).setFiq(fiq);
    }

    // ---- distributor ----

    public final MmioDevice distributor = new MmioDevice() {
        @Override
        public long read(long offset, int size) {
            int off = (int) offset;
            if (off == 0x0000) return distCtlr | (1 << 6) | (1 << 4); // DS, ARE_S/ARE: affinity routing
            if (off == 0x0004) return ((lines / 32) - 1) | (9 << 19) | (1 << 24) * 0; // TYPER: ITLinesNumber, IDbits=9 (10 bits)
            if (off == 0x0008) return 0x0100043b; // IIDR: Arm implementer code
            if (off == 0xffe8) return 0x30; // PIDR2: ArchRev 3
            if (off >= 0x6000 && off < 0x6000 + 8 * lines) {
                int id = (off - 0x6000) / 8;
                long v = id >= 32 ? router[id] : 0;
                return (off & 4) != 0 ? v >>> 32 : (size == 8 ? v : v & 0xffffffffL);
            }
            return bankedRead(-1, off, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            int off = (int) offset;
            if (off == 0x0000) { distCtlr = (int) value & 3; updateAll(); return; }
            if (off >= 0x6000 && off < 0x6000 + 8 * lines) {
                int id = (off - 0x6000) / 8;
                if (id < 32) return;
                if (size == 8) router[id] = value;
                else if ((off & 4) != 0) router[id] = (router[id] & 0xffffffffL) | (value << 32);
                else router[id] = (router[id] & ~0xffffffffL) | (value & 0xffffffffL);
                updateAll();
                return;
            }
            bankedWrite(-1, off, size, value);
        }
    };

    /** Registers shared by distributor (cpu = -1: SPIs only) and redistributor SGI frame (cpu: INTIDs 0-31). */
    private long bankedRead(int cpu, int off, int size) {
        if (off >= 0x0080 && off < 0x0100) return bits(cpu, (off - 0x80) * 8, Field.GROUP);
        if (off >= 0x0100 && off < 0x0180) return bits(cpu, (off - 0x100) * 8, Field.ENABLE);
        if (off >= 0x0180 && off < 0x0200) return bits(cpu, (off - 0x180) * 8, Field.ENABLE);
        if (off >= 0x0200 && off < 0x0280) return bits(cpu, (off - 0x200) * 8, Field.PENDING);
        if (off >= 0x0280 && off < 0x0300) return bits(cpu, (off - 0x280) * 8, Field.PENDING);
        if (off >= 0x0300 && off < 0x0380) return bits(cpu, (off - 0x300) * 8, Field.ACTIVE);
        if (off >= 0x0380 && off < 0x0400) return bits(cpu, (off - 0x380) * 8, Field.ACTIVE);
        if (off >= 0x0400 && off < 0x0800) {
            long v = 0;
            for (int b = 0; b < size; b++) {
                int id = off - 0x400 + b;
                if (owns(cpu, id)) v |= (long) (id < 32 ? pPriority[cpu * 32 + id] : priority[id]) << (8 * b);
            }
            return v;
        }
        if (off >= 0x0c00 && off < 0x0d00) {
            int first = (off - 0xc00) * 4;
            long v = 0;
            for (int k = 0; k < 16; k++) {
                int id = first + k;
                if (owns(cpu, id) && (id < 32 ? pEdge[cpu * 32 + id] : edge[id])) v |= 2L << (2 * k);
            }
            return v;
        }
        return 0;
    }

    private void bankedWrite(int cpu, int off, int size, long value) {
        if (off >= 0x0080 && off < 0x0100) setBits(cpu, (off - 0x80) * 8, Field.GROUP, value, 0);
        else if (off >= 0x0100 && off < 0x0180) setBits(cpu, (off - 0x100) * 8, Field.ENABLE, value, 1);
        else if (off >= 0x0180 && off < 0x0200) setBits(cpu, (off - 0x180) * 8, Field.ENABLE, value, -1);
        else if (off >= 0x0200 && off < 0x0280) setBits(cpu, (off - 0x200) * 8, Field.PENDING, value, 1);
        else if (off >= 0x0280 && off < 0x0300) setBits(cpu, (off - 0x280) * 8, Field.PENDING, value, -1);
        else if (off >= 0x0300 && off < 0x0380) setBits(cpu, (off - 0x300) * 8, Field.ACTIVE, value, 1);
        else if (off >= 0x0380 && off < 0x0400) setBits(cpu, (off - 0x380) * 8, Field.ACTIVE, value, -1);
        else if (off >= 0x0400 && off < 0x0800) {
            for (int b = 0; b < size; b++) {
                int id = off - 0x400 + b;
                int p = (int) (value >>> (8 * b)) & 0xff;
                if (!owns(cpu, id)) continue;
                if (id < 32) pPriority[cpu * 32 + id] = p; else priority[id] = p;
            }
        } else if (off >= 0x0c00 && off < 0x0d00) {
            int first = (off - 0xc00) * 4;
            for (int k = 0; k < 16; k++) {
                int id = first + k;
                if (!owns(cpu, id) || id < 16) continue; // SGIs are always edge
                boolean e = ((value >>> (2 * k + 1)) & 1) != 0;
                if (id < 32) pEdge[cpu * 32 + id] = e; else edge[id] = e;
            }
        }
        if (cpu < 0) updateAll(); else update(cpu);
    }

    private enum Field { GROUP, ENABLE, PENDING, ACTIVE }

    private boolean owns(int cpu, int id) { return cpu < 0 ? id >= 32 && id < lines : id < 32; }

    private boolean[] array(int id, Field f) {
        boolean priv = id < 32;
        return switch (f) {
            case GROUP -> priv ? pGroup1 : group1;
            case ENABLE -> priv ? pEnabled : enabled;
            case PENDING -> priv ? pPending : pending;
            case ACTIVE -> priv ? pActive : active;
        };
    }

    private long bits(int cpu, int first, Field f) {
        long v = 0;
        for (int k = 0; k < 32; k++) {
            int id = first + k;
            if (!owns(cpu, id)) continue;
            boolean b = f == Field.PENDING ? isPending(Math.max(cpu, 0), id) : array(id, f)[id < 32 ? cpu * 32 + id : id];
            if (b) v |= 1L << k;
        }
        return v;
    }

    /** mode 0: assign; 1: set ones; -1: clear ones. */
    private void setBits(int cpu, int first, Field f, long value, int mode) {
        for (int k = 0; k < 32; k++) {
            int id = first + k;
            if (!owns(cpu, id)) continue;
            boolean bit = ((value >>> k) & 1) != 0;
            boolean[] a = array(id, f);
            int i = id < 32 ? cpu * 32 + id : id;
            if (mode == 0) a[i] = bit;
            else if (bit) a[i] = mode > 0;
        }
    }

    // ---- redistributors: RD_base frame then SGI_base frame, 128 KiB per PE ----

    public final MmioDevice redistributors = new MmioDevice() {
        @Override
        public long read(long offset, int size) {
            int cpu = (int) (offset / REDIST_STRIDE);
            int off = (int) (offset % REDIST_STRIDE);
            if (cpu >= cpus.size()) return 0;
            if (off < 0x10000) {
                return switch (off) {
                    case 0x0000 -> 0; // GICR_CTLR
                    case 0x0004 -> 0x0100043b; // IIDR
                    case 0x0008 -> {
                        long typer = ((long) cpu << 32) | ((long) cpu << 8) | (cpu == cpus.size() - 1 ? 1 << 4 : 0);
                        yield size == 8 ? typer : typer & 0xffffffffL;
                    }
                    case 0x000c -> cpu; // upper half of TYPER: Affinity 0
                    case 0x0014 -> waker[cpu] ? 6 : 0; // ProcessorSleep | ChildrenAsleep
                    case 0xffe8 -> 0x30;
                    default -> 0;
                };
            }
            return bankedRead(cpu, off - 0x10000, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            int cpu = (int) (offset / REDIST_STRIDE);
            int off = (int) (offset % REDIST_STRIDE);
            if (cpu >= cpus.size()) return;
            if (off < 0x10000) {
                if (off == 0x0014) waker[cpu] = (value & 2) != 0;
                return;
            }
            bankedWrite(cpu, off - 0x10000, size, value);
        }
    };

    // ---- CPU interface ----

    private final class CpuInterface implements GicCpuInterface {
        final int cpu;
        int pmr;
        boolean grpen0, grpen1;
        int bpr0, bpr1 = 0;
        boolean eoiMode;
        /** Active priorities, innermost last. */
        final java.util.ArrayDeque<int[]> activeStack = new java.util.ArrayDeque<>();

        CpuInterface(int cpu) { this.cpu = cpu; }

        void reset() {
            pmr = 0;
            grpen0 = grpen1 = false;
            bpr0 = 2;
            bpr1 = 3;
            eoiMode = false;
            activeStack.clear();
        }

        int runningPriority() { return activeStack.isEmpty() ? 0x100 : activeStack.peekLast()[1]; }

        @Override public boolean canSignal() { return grpen0 || grpen1; }

        @Override
        public long read(String r) {
            return switch (r) {
                case "ICC_PMR_EL1" -> pmr;
                case "ICC_IAR1_EL1" -> acknowledge(true);
                case "ICC_IAR0_EL1" -> acknowledge(false);
                case "ICC_HPPIR1_EL1", "ICC_HPPIR0_EL1" -> {
                    int id = highestPending(cpu);
                    yield id == SPECIAL_NONE || isGroup1(cpu, id) != r.equals("ICC_HPPIR1_EL1") ? SPECIAL_NONE : id;
                }
                case "ICC_RPR_EL1" -> activeStack.isEmpty() ? 0xff : runningPriority();
                case "ICC_BPR0_EL1" -> bpr0;
                case "ICC_BPR1_EL1" -> bpr1;
                case "ICC_CTLR_EL1" -> (eoiMode ? 2 : 0) | (7 << 8) | (1 << 14) * 0 | (4 << 11) * 0 | (1 << 15) * 0 | (1L << 18) * 0;
                case "ICC_SRE_EL1" -> 7; // SRE, DFB, DIB: the system-register interface only
                case "ICC_IGRPEN0_EL1" -> grpen0 ? 1 : 0;
                case "ICC_IGRPEN1_EL1" -> grpen1 ? 1 : 0;
                default -> 0;
            };
        }

        @Override
        public void write(String r, long v) {
            switch (r) {
                case "ICC_PMR_EL1" -> pmr = (int) v & 0xff;
                case "ICC_EOIR1_EL1", "ICC_EOIR0_EL1" -> endOfInterrupt((int) v & 0xffffff);
                case "ICC_DIR_EL1" -> deactivate((int) v & 0xffffff);
                case "ICC_BPR0_EL1" -> bpr0 = (int) v & 7;
                case "ICC_BPR1_EL1" -> bpr1 = (int) v & 7;
                case "ICC_CTLR_EL1" -> eoiMode = (v & 2) != 0;
                case "ICC_IGRPEN0_EL1" -> grpen0 = (v & 1) != 0;
                case "ICC_IGRPEN1_EL1" -> grpen1 = (v & 1) != 0;
                case "ICC_SGI1R_EL1" -> sendSgi(v);
                default -> { }
            }
            update(cpu);
        }

        private long acknowledge(boolean g1) {
            int id = highestPending(cpu);
            if (id == SPECIAL_NONE || isGroup1(cpu, id) != g1) return SPECIAL_NONE;
            int p = prio(cpu, id);
            if (p >= pmr || p >= runningPriority()) return SPECIAL_NONE;
            if (id < 32) {
                int i = cpu * 32 + id;
                pActive[i] = true;
                if (pEdge[i]) pPending[i] = false;
            } else {
                active[id] = true;
                if (edge[id]) pending[id] = false;
            }
            activeStack.addLast(new int[] {id, p});
            update(cpu);
            return id;
        }

        private void endOfInterrupt(int id) {
            // priority drop: remove the innermost active entry for this INTID
            var it = activeStack.descendingIterator();
            while (it.hasNext()) {
                if (it.next()[0] == id) { it.remove(); break; }
            }
            if (!eoiMode) deactivate(id);
        }

        private void deactivate(int id) {
            if (id < 32) pActive[cpu * 32 + id] = false;
            else if (id < lines) active[id] = false;
            updateAll();
        }

        private void sendSgi(long v) {
            int id = (int) (v >>> 24) & 15;
            boolean all = ((v >>> 40) & 1) != 0;
            int targets = (int) v & 0xffff;
            for (int c = 0; c < cpus.size(); c++) {
                boolean hit = all ? c != cpu : (c < 16 && ((targets >>> c) & 1) != 0 && ((v >>> 16) & 0xff) == 0);
                if (hit) {
                    pPending[c * 32 + id] = true;
                    update(c);
                }
            }
        }
    }
}
