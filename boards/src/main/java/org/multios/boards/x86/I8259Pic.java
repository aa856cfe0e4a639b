package org.multios.boards.x86;

import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.isa.x86.InterruptSource;

/**
 * The pair of 8259A programmable interrupt controllers of a PC (Intel 8259A datasheet):
 * master at ports 0x20-0x21, slave at 0xA0-0xA1 cascaded on master IRQ 2. Initialization
 * command words ICW1-ICW4, mask (OCW1), EOI (OCW2), IRR/ISR reads (OCW3); edge-triggered
 * inputs with fixed priority (IRQ 0 highest); no special mask or rotation modes.
 */
public final class I8259Pic implements InterruptSource {
    /** One 8259A. */
    final class Chip implements MmioDevice {
        int irr, isr, imr = 0xff, vectorBase;
        int levels;
        int initStep;
        boolean icw4Needed, readIsr, singleMode;

        @Override
        public long read(long offset, int size) {
            if (offset == 1) return imr;
            return readIsr ? isr : irr;
        }

        @Override
        public void write(long offset, int size, long value) {
            synchronized (I8259Pic.this) {
                writeRegister(offset, value);
                update();
            }
        }

        private void writeRegister(long offset, long value) {
            int v = (int) value & 0xff;
            if (offset == 0) {
                if ((v & 0x10) != 0) { // ICW1
                    icw4Needed = (v & 1) != 0;
                    singleMode = (v & 2) != 0;
                    initStep = 2;
                    imr = 0;
                    isr = 0;
                    irr = 0;
                    readIsr = false;
                } else if ((v & 0x08) != 0) { // OCW3
                    if ((v & 2) != 0) readIsr = (v & 1) != 0;
                } else { // OCW2
                    int cmd = v >> 5;
                    if (cmd == 1 && isr != 0) isr &= isr - 1;              // non-specific EOI: highest priority in service
                    else if (cmd == 3) isr &= ~(1 << (v & 7));             // specific EOI
                }
            } else {
                switch (initStep) {
                    case 2 -> {
                        vectorBase = v & 0xf8;
                        initStep = singleMode ? (icw4Needed ? 4 : 0) : 3;
                    }
                    case 3 -> initStep = icw4Needed ? 4 : 0;
                    case 4 -> initStep = 0;
                    default -> imr = v;
                }
            }
        }

        /** Highest-priority requested, unmasked IRQ above everything in service, or -1. */
        int best() {
            int pending = irr & ~imr;
            for (int i = 0; i < 8; i++) {
                if ((isr & (1 << i)) != 0) return -1;
                if ((pending & (1 << i)) != 0) return i;
            }
            return -1;
        }

        void raise(int irq, boolean level) {
            int bit = 1 << irq;
            if (level && (levels & bit) == 0) irr |= bit; // rising edge
            if (level) levels |= bit; else levels &= ~bit;
        }

        @Override
        public void reset() {
            irr = isr = levels = 0;
            imr = 0xff;
            initStep = 0;
            readIsr = false;
        }
    }

    public final Chip master = new Chip(), slave = new Chip();
    /** The INTR output, recomputed on every change so the CPU polls it without taking the lock. */
    private volatile boolean output;

    private void update() {
        master.raise(2, slave.best() >= 0);
        output = master.best() >= 0;
    }

    /** The input line for ISA IRQ 0-15. */
    public InterruptLine irq(int n) {
        return level -> {
            synchronized (this) {
                if (n < 8) master.raise(n, level);
                else slave.raise(n - 8, level);
                update();
            }
        };
    }

    @Override
    public boolean pending() { return output; }

    @Override
    public synchronized int acknowledge() {
        int v = acknowledgeVector();
        update();
        return v;
    }

    private int acknowledgeVector() {
        int m = master.best();
        if (m < 0) return master.vectorBase + 7; // spurious
        master.irr &= ~(1 << m);
        master.isr |= 1 << m;
        if (m == 2) {
            int s = slave.best();
            if (s < 0) return slave.vectorBase + 7;
            slave.irr &= ~(1 << s);
            slave.isr |= 1 << s;
            master.raise(2, false);
            return slave.vectorBase + s;
        }
        return master.vectorBase + m;
    }

    public synchronized void reset() {
        master.reset();
        slave.reset();
        update();
    }
}
