package org.multios.isa.riscv.irq;

import java.util.List;
import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;

/**
 * The platform-level interrupt controller as on QEMU virt ({@code sifive,plic-1.0.0}): sources
 * 1..N-1 with 3-bit priorities, pending bits, per-context enables, priority thresholds and the
 * claim/complete handshake. Context 2h is hart h's M-mode (drives MEIP), context 2h+1 its S-mode
 * (drives SEIP).
 * <p>
 * Each source sits behind a level-triggered gateway: while its input is high and the source
 * is not in service (claimed but not completed), the gateway keeps the pending bit set; a
 * claim clears the pending bit and puts the source in service; a completion takes it out of
 * service, after which a still-high input makes it pending again. Like QEMU, a source whose
 * input falls before it is claimed stops being pending, so drivers are not sent to devices
 * that no longer want service.
 * <p>
 * A context's interrupt output is high while some pending, enabled source has a priority above
 * the context's threshold; a claim returns the highest-priority such source (lowest ID on ties)
 * or 0.
 */
public final class Plic implements MmioDevice {
    /** The window QEMU virt reserves (room for many contexts). */
    public static final long WINDOW = 0x600000;
    /** Highest priority value: QEMU virt implements 3 priority bits. */
    public static final int MAX_PRIORITY = 7;

    private final int sources;
    private final int contexts;
    private final List<InterruptLine> outputs;
    private final int[] priority;
    private final int words;
    private final int[] pending;
    private final int[] inService;
    private final int[] level;
    private final int[][] enable;
    private final int[] threshold;
    private final boolean[] outputLevel;

    /**
     * @param sources number of source IDs including the non-existent source 0 (QEMU virt: 96)
     * @param outputs one line per context, in context order (2h: hart h MEIP, 2h+1: hart h SEIP)
     */
    public Plic(int sources, List<InterruptLine> outputs) {
        if (sources < 2 || sources > 1024) throw new IllegalArgumentException("a PLIC has 1..1023 sources");
        if (outputs.isEmpty() || outputs.size() > 15872) throw new IllegalArgumentException("a PLIC has 1..15872 contexts");
        this.sources = sources;
        this.contexts = outputs.size();
        this.outputs = List.copyOf(outputs);
        this.words = (sources + 31) / 32;
        this.priority = new int[sources];
        this.pending = new int[words];
        this.inService = new int[words];
        this.level = new int[words];
        this.enable = new int[contexts][words];
        this.threshold = new int[contexts];
        this.outputLevel = new boolean[contexts];
        reset();
    }

    public int sources() { return sources; }

    public int contexts() { return contexts; }

    /** The input wire of source {@code id} (1..sources-1), for a device's interrupt output. */
    public InterruptLine source(int id) {
        if (id <= 0 || id >= sources) throw new IllegalArgumentException("no PLIC source " + id);
        return lvl -> setLevel(id, lvl);
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(priority, 0);
        java.util.Arrays.fill(pending, 0);
        java.util.Arrays.fill(inService, 0);
        for (int[] e : enable) java.util.Arrays.fill(e, 0);
        java.util.Arrays.fill(threshold, 0);
        // Input levels are the devices' business and survive a controller reset.
        for (int id = 1; id < sources; id++) gateway(id);
        for (int c = 0; c < contexts; c++) {
            outputLevel[c] = true;
            setOutput(c, false);
        }
        update();
    }

    private static boolean bit(int[] a, int id) { return (a[id >>> 5] & (1 << id)) != 0; }

    private static void put(int[] a, int id, boolean v) {
        if (v) a[id >>> 5] |= 1 << id;
        else a[id >>> 5] &= ~(1 << id);
    }

    private void setLevel(int id, boolean lvl) {
        put(level, id, lvl);
        gateway(id);
        update();
    }

    /** Level-triggered gateway: forwards the input level unless the source is in service. */
    private void gateway(int id) {
        if (bit(inService, id)) return;
        put(pending, id, bit(level, id));
    }

    public boolean isPending(int id) { return bit(pending, id); }

    /** The source a claim by {@code context} would return now, without claiming it (0 if none). */
    public int bestPending(int context) {
        int best = 0, bestPriority = threshold[context];
        int[] en = enable[context];
        for (int w = 0; w < words; w++) {
            int candidates = pending[w] & en[w];
            while (candidates != 0) {
                int id = (w << 5) + Integer.numberOfTrailingZeros(candidates);
                candidates &= candidates - 1;
                if (priority[id] > bestPriority) {
                    best = id;
                    bestPriority = priority[id];
                }
            }
        }
        return best;
    }

    private void update() {
        for (int c = 0; c < contexts; c++) setOutput(c, bestPending(c) != 0);
    }

    private void setOutput(int context, boolean lvl) {
        if (outputLevel[context] != lvl) {
            outputLevel[context] = lvl;
            outputs.get(context).set(lvl);
        }
    }

    public int claim(int context) {
        int id = bestPending(context);
        if (id != 0) {
            put(pending, id, false);
            put(inService, id, true);
            update();
        }
        return id;
    }

    public void complete(int context, int id) {
        // The spec ignores completions for sources not enabled for the context.
        if (id <= 0 || id >= sources || !bit(enable[context], id)) return;
        put(inService, id, false);
        gateway(id);
        update();
    }

    @Override
    public long read(long offset, int size) {
        if (size != 4 || (offset & 3) != 0) return 0;
        if (offset < PlicRegister.PENDING.base) {
            int id = (int) (offset >>> 2);
            return id < sources ? priority[id] : 0;
        }
        if (offset < PlicRegister.ENABLE.base) {
            int w = (int) ((offset - PlicRegister.PENDING.base) >>> 2);
            return w < words ? pending[w] & 0xffff_ffffL : 0;
        }
        if (offset < PlicRegister.THRESHOLD.base) {
            long rel = offset - PlicRegister.ENABLE.base;
            int c = (int) (rel / PlicRegister.ENABLE.stride), w = (int) ((rel % PlicRegister.ENABLE.stride) >>> 2);
            return c < contexts && w < words ? enable[c][w] & 0xffff_ffffL : 0;
        }
        long rel = offset - PlicRegister.THRESHOLD.base;
        int c = (int) (rel / PlicRegister.THRESHOLD.stride);
        if (c >= contexts) return 0;
        return switch ((int) (rel % PlicRegister.THRESHOLD.stride)) {
            case 0 -> threshold[c];
            case 4 -> claim(c);
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4 || (offset & 3) != 0) return;
        int v = (int) value;
        if (offset < PlicRegister.PENDING.base) {
            int id = (int) (offset >>> 2);
            if (id > 0 && id < sources) {
                priority[id] = v & MAX_PRIORITY;
                update();
            }
            return;
        }
        if (offset < PlicRegister.ENABLE.base) return; // pending bits are read-only
        if (offset < PlicRegister.THRESHOLD.base) {
            long rel = offset - PlicRegister.ENABLE.base;
            int c = (int) (rel / PlicRegister.ENABLE.stride), w = (int) ((rel % PlicRegister.ENABLE.stride) >>> 2);
            if (c < contexts && w < words) {
                int valid = w == words - 1 && (sources & 31) != 0 ? (1 << (sources & 31)) - 1 : -1;
                if (w == 0) valid &= ~1; // source 0 does not exist
                enable[c][w] = v & valid;
                update();
            }
            return;
        }
        long rel = offset - PlicRegister.THRESHOLD.base;
        int c = (int) (rel / PlicRegister.THRESHOLD.stride);
        if (c >= contexts) return;
        switch ((int) (rel % PlicRegister.THRESHOLD.stride)) {
            case 0 -> {
                threshold[c] = v & MAX_PRIORITY;
                update();
            }
            case 4 -> complete(c, v);
            default -> { }
        }
    }
}
