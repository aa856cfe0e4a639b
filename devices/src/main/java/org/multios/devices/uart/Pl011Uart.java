package org.multios.devices.uart;

import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.devices.console.ConsoleBackend;

/**
 * An Arm PrimeCell UART (PL011, r1p5) as QEMU's arm virt machine has it at 0x09000000,
 * after the PL011 Technical Reference Manual (DDI 0183). Transmission is instantaneous:
 * a byte written to UARTDR goes straight to the {@link ConsoleBackend}, so the transmit
 * FIFO always reads as empty. Input is pulled from the back end by a periodic
 * virtual-clock event into a 16-entry receive FIFO (1 entry with FIFOs disabled).
 * <p>
 * Interrupts: the raw status (UARTRIS) has receive (RX, at the FIFO trigger level),
 * receive timeout (RT, data below the level for a poll period), transmit (TX, raised
 * when a byte is sent, as in QEMU) and the error bits; UARTMIS = RIS & IMSC drives one
 * level-sensitive line (UARTINTR).
 */
public final class Pl011Uart implements MmioDevice {
    public static final long WINDOW = 0x1000;
    public static final int FIFO_SIZE = 16;
    public static final long DEFAULT_POLL_NANOS = 1_000_000;

    // register offsets
    static final int DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02c,
            CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03c, MIS = 0x040, ICR = 0x044, DMACR = 0x048;
    // UARTFR bits
    static final int FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
    // interrupt bits (UARTIMSC/RIS/MIS/ICR)
    static final int INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6, INT_OE = 1 << 10;
    static final int LCR_FEN = 1 << 4;
    /** UARTPeriphID0-3 and UARTPCellID0-3 at 0xfe0..0xffc. */
    private static final int[] ID = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

    private final ConsoleBackend backend;
    private final InterruptLine irq;
    private final VirtualClock clock;
    private final long pollNanos;
    private TimerEvent pollEvent;

    private final int[] rx = new int[FIFO_SIZE];
    private int rxHead, rxCount;
    private int lcrH, cr, ifls, imsc, ris, ibrd, fbrd, ilpr, dmacr, rsr;
    private boolean rxActivity;
    private boolean level;

    public Pl011Uart(ConsoleBackend backend, InterruptLine irq, VirtualClock clock) {
        this(backend, irq, clock, DEFAULT_POLL_NANOS);
    }

    public Pl011Uart(ConsoleBackend backend, InterruptLine irq, VirtualClock clock, long pollNanos) {
        this.backend = backend;
        this.irq = irq;
        this.clock = clock;
        this.pollNanos = pollNanos;
        powerOn();
    }

    private void powerOn() {
        rxHead = rxCount = 0;
        lcrH = 0;
        cr = 0x300; // TXE and RXE set, UARTEN clear (TRM reset value)
        ifls = 0x12; // both trigger levels at 1/2
        imsc = ris = ibrd = fbrd = ilpr = dmacr = rsr = 0;
        rxActivity = false;
        update();
    }

    @Override
    public void reset() {
        powerOn();
        clock.cancel(pollEvent);
        pollEvent = clock.scheduleIn(pollNanos, this::pollTick);
    }

    /** Starts the input poll without a machine reset. */
    public void start() {
        if (pollEvent == null) pollEvent = clock.scheduleIn(pollNanos, this::pollTick);
    }

    private int capacity() { return (lcrH & LCR_FEN) != 0 ? FIFO_SIZE : 1; }

    private int rxTrigger() {
        if ((lcrH & LCR_FEN) == 0) return 1;
        return switch ((ifls >> 3) & 7) {
            case 0 -> 2;
            case 1 -> 4;
            case 2 -> 8;
            case 3 -> 12;
            default -> 14;
        };
    }

    private void pollTick() {
        backend.flush();
        if ((cr & 0x80) == 0) { // not in loopback: take host input
            int b;
            while (rxCount < capacity() && (b = backend.poll()) >= 0) receive(b);
        }
        if (rxCount > 0 && !rxActivity) ris |= INT_RT;
        rxActivity = false;
        update();
        pollEvent = clock.schedule(pollEvent.deadline() + pollNanos, this::pollTick);
    }

    void receive(int b) {
        rxActivity = true;
        if (rxCount == capacity()) {
            rsr |= 8; // overrun
            ris |= INT_OE;
            return;
        }
        rx[(rxHead + rxCount) % FIFO_SIZE] = b & 0xff;
        rxCount++;
        if (rxCount >= rxTrigger()) ris |= INT_RX;
    }

    private void update() {
        boolean l = (ris & imsc) != 0;
        if (l != level) {
            level = l;
            irq.set(l);
        }
    }

    @Override
    public long read(long offset, int size) {
        int off = (int) offset;
        if (off >= 0xfe0 && off < 0x1000) return ID[(off - 0xfe0) >> 2];
        return switch (off) {
            case DR -> readDr();
            case RSR -> rsr;
            case FR -> (rxCount == 0 ? FR_RXFE : 0) | (rxCount == capacity() ? FR_RXFF : 0) | FR_TXFE;
            case ILPR -> ilpr;
            case IBRD -> ibrd;
            case FBRD -> fbrd;
            case LCR_H -> lcrH;
            case CR -> cr;
            case IFLS -> ifls;
            case IMSC -> imsc;
            case RIS -> ris;
            case MIS -> ris & imsc;
            case DMACR -> dmacr;
            default -> 0;
        };
    }

    private int readDr() {
        if (rxCount == 0) return 0;
        int b = rx[rxHead];
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        rxActivity = true;
        if (rxCount < rxTrigger()) ris &= ~INT_RX;
        if (rxCount == 0) ris &= ~INT_RT;
        update();
        return b;
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value;
        switch ((int) offset) {
            case DR -> {
                int b = v & 0xff;
                if ((cr & 0x80) != 0) receive(b); // loopback
                else backend.write(b);
                ris |= INT_TX;
            }
            case RSR -> rsr = 0; // UARTECR: any write clears the errors
            case ILPR -> ilpr = v & 0xff;
            case IBRD -> ibrd = v & 0xffff;
            case FBRD -> fbrd = v & 0x3f;
            case LCR_H -> {
                if (((lcrH ^ v) & LCR_FEN) != 0) { rxHead = rxCount = 0; } // FIFOs flush when FEN changes
                lcrH = v & 0xff;
            }
            case CR -> cr = v & 0xffff;
            case IFLS -> ifls = v & 0x3f;
            case IMSC -> imsc = v & 0x7ff;
            case ICR -> ris &= ~v;
            case DMACR -> dmacr = v & 7;
            default -> { }
        }
        update();
    }
}
