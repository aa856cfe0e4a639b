package org.multios.boards.x86;

import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;

/**
 * The I/O APIC (Intel 82093AA datasheet; version 0x20 as QEMU's, with the EOI register at
 * 0x40): IOREGSEL at 0x00 and IOWIN at 0x10 reach the ID, version, arbitration registers and
 * 24 64-bit redirection entries. An edge-triggered input sends its message on a rising edge;
 * a level-triggered one while asserted and its remote IRR is clear, setting remote IRR until
 * the local APIC's EOI broadcast (or a write to the EOI register) names the vector, after
 * which a still-asserted line is delivered again. Masked inputs send nothing (a level input
 * unmasked while asserted is delivered then). Input lines are logical (asserted = true):
 * the polarity bit is stored for software, the wiring already gives logical levels, as in QEMU.
 * Fixed and lowest-priority delivery go to the one local APIC when the destination names it.
 */
public final class IoApic implements MmioDevice {
    public static final long BASE = 0xfec0_0000L, SIZE = 0x1000;
    public static final int PINS = 24;
    static final int VERSION_VALUE = (PINS - 1) << 16 | 0x20;
    static final long MASKED = 1L << 16, LEVEL = 1L << 15, REMOTE_IRR = 1L << 14, LOGICAL = 1L << 11;
    /** Bits software may write: vector, delivery mode, destination mode, polarity, trigger, mask, destination. */
    static final long WRITABLE = 0xff00_0000_0001_afffL;

    private final LocalApic lapic;
    private final long[] redirection = new long[PINS];
    private int levels;
    private int selector, id;

    public IoApic(LocalApic lapic) {
        this.lapic = lapic;
        lapic.onEoiBroadcast(this::eoi);
        reset();
    }

    /** The input for global system interrupt {@code gsi} (0-23). */
    public InterruptLine input(int gsi) {
        if (gsi < 0 || gsi >= PINS) throw new IllegalArgumentException("IO-APIC has no pin " + gsi);
        return level -> setLevel(gsi, level);
    }

    private synchronized void setLevel(int pin, boolean level) {
        int bit = 1 << pin;
        boolean rising = level && (levels & bit) == 0;
        if (level) levels |= bit; else levels &= ~bit;
        long e = redirection[pin];
        if ((e & LEVEL) != 0) {
            if (level) service(pin);
        } else if (rising && (e & MASKED) == 0) {
            deliver(e);
        }
    }

    /** A level input: deliver if asserted, unmasked and not awaiting its EOI. */
    private void service(int pin) {
        long e = redirection[pin];
        if ((levels & (1 << pin)) == 0 || (e & MASKED) != 0 || (e & REMOTE_IRR) != 0) return;
        if (deliver(e)) redirection[pin] |= REMOTE_IRR;
    }

    private boolean deliver(long entry) {
        int mode = (int) (entry >> 8) & 7;
        if (mode != LocalApic.MODE_FIXED && mode != 1) return false; // SMI, NMI, INIT, ExtINT: not wired here
        int destination = (int) (entry >>> 56);
        boolean forUs = (entry & LOGICAL) != 0 ? lapic.matchesLogical(destination)
                : destination == lapic.id() || destination == 0xff;
        if (!forUs) return false;
        lapic.accept((int) entry & 0xff, (entry & LEVEL) != 0);
        return true;
    }

    /** The EOI broadcast of {@code vector}: clears remote IRR of level entries with that vector. */
    public synchronized void eoi(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            long e = redirection[pin];
            if ((e & LEVEL) != 0 && (e & REMOTE_IRR) != 0 && (e & 0xff) == vector) {
                redirection[pin] = e & ~REMOTE_IRR;
                service(pin);
            }
        }
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset == 0) return selector;
        if (offset != 0x10) return 0;
        return switch (selector) {
            case 0 -> (long) id << 24;
            case 1 -> VERSION_VALUE;
            case 2 -> (long) id << 24; // arbitration ID
            default -> {
                int pin = (selector - 0x10) >> 1;
                if (selector < 0x10 || pin >= PINS) yield 0xffff_ffffL;
                long e = redirection[pin];
                yield (selector & 1) == 0 ? e & 0xffff_ffffL : e >>> 32;
            }
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) value;
        if (offset == 0) {
            selector = v & 0xff;
            return;
        }
        if (offset == 0x40) {
            eoi(v & 0xff);
            return;
        }
        if (offset != 0x10) return;
        if (selector == 0) {
            id = v >>> 24 & 0xf;
            return;
        }
        int pin = (selector - 0x10) >> 1;
        if (selector < 0x10 || pin >= PINS) return;
        long e = redirection[pin];
        long written = (selector & 1) == 0 ? (e & ~0xffff_ffffL) | (v & 0xffff_ffffL)
                : (e & 0xffff_ffffL) | ((long) v << 32);
        long next = (e & ~WRITABLE) | (written & WRITABLE);
        if ((next & LEVEL) == 0) next &= ~REMOTE_IRR; // remote IRR means nothing for edge entries
        redirection[pin] = next;
        if ((next & LEVEL) != 0) service(pin);
    }

    @Override
    public synchronized void reset() {
        java.util.Arrays.fill(redirection, MASKED);
        selector = 0;
        id = 0;
        // levels are the wires' state, not registers: a reset does not change them
    }
}
