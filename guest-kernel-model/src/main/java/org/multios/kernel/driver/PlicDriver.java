package org.multios.kernel.driver;

import java.util.HashMap;
import java.util.Map;
import org.multios.core.bus.PhysicalBus;

/**
 * The RISC-V PLIC (riscv-plic-spec 1.0.0) driven by MMIO for one hart context (the hart's
 * S-mode context, found through the device tree's {@code interrupts-extended}): per-source
 * priority, the context's enable bits and threshold, claim/complete around each handler.
 */
public final class PlicDriver implements InterruptController {
    static final long PRIORITY = 0x0, ENABLE = 0x2000, ENABLE_STRIDE = 0x80, THRESHOLD = 0x200000, CONTEXT_STRIDE = 0x1000,
            CLAIM = 0x200004;
    private final PhysicalBus bus;
    private final long base;
    private final int context;
    private final int sources;
    private final Map<Integer, Runnable> handlers = new HashMap<>();

    public PlicDriver(PhysicalBus bus, long base, int context, int sources) {
        this.bus = bus;
        this.base = base;
        this.context = context;
        this.sources = sources;
        bus.write(base + THRESHOLD + CONTEXT_STRIDE * context, 4, 0); // every priority > 0 gets through
    }

    public int context() { return context; }

    @Override
    public void enable(int source, Runnable handler) {
        if (source <= 0 || source >= sources) throw new IllegalArgumentException("PLIC source " + source + " out of range 1.." + (sources - 1));
        handlers.put(source, handler);
        bus.write(base + PRIORITY + 4L * source, 4, 1);
        long word = base + ENABLE + ENABLE_STRIDE * context + 4L * (source / 32);
        bus.write(word, 4, bus.read(word, 4) | (1L << (source % 32)));
    }

    @Override
    public void handlePending() {
        long claim = base + CLAIM + CONTEXT_STRIDE * context;
        // Bounded: a source that re-asserts at once is served again on the next trap.
        for (int n = 0; n < sources; n++) {
            int id = (int) bus.read(claim, 4);
            if (id == 0) return;
            Runnable h = handlers.get(id);
            if (h != null) h.run();
            bus.write(claim, 4, id);
        }
    }
}
