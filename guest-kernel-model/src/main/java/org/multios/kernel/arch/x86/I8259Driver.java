package org.multios.kernel.arch.x86;

import java.util.function.IntSupplier;
import org.multios.isa.x86.IoPorts;
import org.multios.kernel.driver.InterruptController;

/**
 * The PC's two cascaded 8259A PICs as a booted x86 kernel drives them (8259A datasheet; Linux's
 * i8259.c does the same): ICW1-4 put IRQ 0-7 at vectors 32-39 and IRQ 8-15 at 40-47, slave on
 * IRQ 2, edge-triggered; every line masked until a driver enables it. The vector the CPU took
 * tells which IRQ fired (X86Port.entryVector), so no poll of the ISR is needed; EOI goes to the
 * slave too for IRQ 8-15.
 */
public final class I8259Driver implements InterruptController {
    static final int MASTER = 0x20, SLAVE = 0xa0, EOI = 0x20;
    public static final int VECTOR_BASE = 32;
    private final IoPorts io;
    private final IntSupplier vector;
    private final Runnable[] handlers = new Runnable[16];
    private int mask = 0xfffb; // everything masked but the cascade

    public I8259Driver(IoPorts io, IntSupplier vector) {
        this.io = io;
        this.vector = vector;
        io.out(MASTER, 1, 0x11);
        io.out(SLAVE, 1, 0x11);
        io.out(MASTER + 1, 1, VECTOR_BASE);
        io.out(SLAVE + 1, 1, VECTOR_BASE + 8);
        io.out(MASTER + 1, 1, 0x04);
        io.out(SLAVE + 1, 1, 0x02);
        io.out(MASTER + 1, 1, 0x01);
        io.out(SLAVE + 1, 1, 0x01);
        writeMask();
    }

    private void writeMask() {
        io.out(MASTER + 1, 1, mask & 0xff);
        io.out(SLAVE + 1, 1, (mask >> 8) & 0xff);
    }

    /** Unmasks irq (0-15); handler may be null for a line another part of the kernel acknowledges (the timer). */
    @Override
    public void enable(int irq, Runnable handler) {
        if (irq < 0 || irq > 15) throw new IllegalArgumentException("8259 IRQ " + irq);
        handlers[irq] = handler;
        mask &= ~(1 << irq);
        if (irq >= 8) mask &= ~(1 << 2);
        writeMask();
    }

    @Override
    public void handlePending() {
        int irq = vector.getAsInt() - VECTOR_BASE;
        if (irq < 0 || irq > 15) return;
        Runnable h = handlers[irq];
        if (h != null) h.run();
        eoi(irq);
    }

    /** End of interrupt for irq (the slave first when it came through the cascade). */
    public void eoi(int irq) {
        if (irq >= 8) io.out(SLAVE, 1, EOI);
        io.out(MASTER, 1, EOI);
    }
}
