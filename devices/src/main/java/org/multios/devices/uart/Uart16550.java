package org.multios.devices.uart;

import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.devices.console.ConsoleBackend;

/**
 * An NS16550A UART as QEMU's {@code virt} machine has it (reg-shift 0, byte registers,
 * 16-byte FIFOs), after the PC16550D datasheet. Transmission is instantaneous: a byte written
 * to THR goes straight to the {@link ConsoleBackend}, so THR/TSR are always empty again by the
 * next access. Input is pulled from the back end by a periodic virtual-clock event, so the
 * guest sees input at deterministic virtual times given the times the host queued it.
 * <p>
 * Interrupts follow the datasheet's priorities (line status, received data, character timeout,
 * THR empty, modem status) and drive one level-sensitive line. As in QEMU, MCR.OUT2 does not
 * gate the line (it does only on PC motherboards).
 */
public final class Uart16550 implements MmioDevice {
    /** Size of the register window on the virt machine. */
    public static final long WINDOW = 0x100;
    public static final int FIFO_SIZE = 16;
    /** Default input poll period: 1 ms of virtual time. */
    public static final long DEFAULT_POLL_NANOS = 1_000_000;

    // IER bits
    static final int IER_ERBFI = 0x01, IER_ETBEI = 0x02, IER_ELSI = 0x04, IER_EDSSI = 0x08;
    // IIR values
    static final int IIR_NO_INT = 0x01, IIR_RLS = 0x06, IIR_RDA = 0x04, IIR_CTI = 0x0c, IIR_THRE = 0x02,
            IIR_MSI = 0x00, IIR_FIFO_ENABLED = 0xc0;
    // FCR bits
    static final int FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04;
    // LCR bits
    static final int LCR_DLAB = 0x80;
    // MCR bits
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    // LSR bits
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10,
            LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_ERROR_IN_FIFO = 0x80;
    static final int LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;
    // MSR bits
    static final int MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08,
            MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
    static final int MSR_DELTAS = 0x0f;

    private final ConsoleBackend backend;
    private final InterruptLine irq;
    private final VirtualClock clock;
    private final long pollNanos;
    private TimerEvent pollEvent;

    private int ier, lcr, mcr, scr, dll, dlm;
    private int lsrErrors;
    private int msr;
    private boolean fifoEnabled;
    private int triggerLevel = 1;
    private final int[] rx = new int[FIFO_SIZE];
    private int rxHead, rxCount;
    private boolean thrInterrupt;
    private boolean timeoutInterrupt;
    private boolean rxActivity;
    private boolean irqLevel;

    public Uart16550(ConsoleBackend backend, InterruptLine irq, VirtualClock clock) {
        this(backend, irq, clock, DEFAULT_POLL_NANOS);
    }

    public Uart16550(ConsoleBackend backend, InterruptLine irq, VirtualClock clock, long pollNanos) {
        this.backend = backend;
        this.irq = irq;
        this.clock = clock;
        this.pollNanos = pollNanos;
        powerOn();
    }

    private void powerOn() {
        ier = lcr = mcr = scr = 0;
        dll = 0x0c; // 9600 baud at 1.8432 MHz, a common power-on divisor; software reprograms it
        dlm = 0;
        lsrErrors = 0;
        msr = MSR_DCD | MSR_DSR | MSR_CTS; // a connected line, as QEMU reports it
        fifoEnabled = false;
        triggerLevel = 1;
        rxHead = rxCount = 0;
        thrInterrupt = false;
        timeoutInterrupt = false;
        rxActivity = false;
        updateIrq();
    }

    @Override
    public void reset() {
        powerOn();
        clock.cancel(pollEvent);
        pollEvent = clock.scheduleIn(pollNanos, this::pollTick);
    }

    /** Starts the input poll without a full machine reset (boards call {@link #reset} instead). */
    public void start() {
        if (pollEvent == null) pollEvent = clock.scheduleIn(pollNanos, this::pollTick);
    }

    private void pollTick() {
        backend.flush();
        boolean loop = (mcr & MCR_LOOP) != 0;
        if (!loop) {
            int b;
            while (rxCount < rxCapacity() && (b = backend.poll()) >= 0) receive(b);
        }
        // Character timeout (FIFO mode): data below the trigger level and no activity for a
        // whole poll period (far longer than the datasheet's four character times).
        if (fifoEnabled && rxCount > 0 && rxCount < triggerLevel && !rxActivity) timeoutInterrupt = true;
        rxActivity = false;
        updateIrq();
        pollEvent = clock.schedule(pollEvent.deadline() + pollNanos, this::pollTick);
    }

    private int rxCapacity() { return fifoEnabled ? FIFO_SIZE : 1; }

    /** A byte arriving on the receive line (from the host or the loopback path). */
    void receive(int b) {
        rxActivity = true;
        if (rxCount == rxCapacity()) {
            // Overrun: in FIFO mode the new character is lost; in 16450 mode it overwrites RBR.
            lsrErrors |= LSR_OE;
            if (!fifoEnabled) rx[rxHead] = b & 0xff;
            return;
        }
        rx[(rxHead + rxCount) % FIFO_SIZE] = b & 0xff;
        rxCount++;
    }

    private int readRbr() {
        if (rxCount == 0) return 0;
        int b = rx[rxHead];
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        timeoutInterrupt = false;
        rxActivity = true;
        return b;
    }

    private boolean rxDataInterrupt() {
        return fifoEnabled ? rxCount >= triggerLevel : rxCount > 0;
    }

    /** The IIR value for the highest-priority pending interrupt (without the FIFO bits). */
    private int interruptId() {
        if ((ier & IER_ELSI) != 0 && (lsrErrors & LSR_ERRORS) != 0) return IIR_RLS;
        if ((ier & IER_ERBFI) != 0 && rxDataInterrupt()) return IIR_RDA;
        if ((ier & IER_ERBFI) != 0 && timeoutInterrupt && rxCount > 0) return IIR_CTI;
        if ((ier & IER_ETBEI) != 0 && thrInterrupt) return IIR_THRE;
        if ((ier & IER_EDSSI) != 0 && (msr & MSR_DELTAS) != 0) return IIR_MSI;
        return IIR_NO_INT;
    }

    private void updateIrq() {
        boolean level = interruptId() != IIR_NO_INT;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    private int lsr() {
        int v = lsrErrors | LSR_THRE | LSR_TEMT;
        if (rxCount > 0) v |= LSR_DR;
        if (fifoEnabled && (lsrErrors & (LSR_PE | LSR_FE | LSR_BI)) != 0) v |= LSR_ERROR_IN_FIFO;
        return v;
    }

    private boolean dlab() { return (lcr & LCR_DLAB) != 0; }

    @Override
    public long read(long offset, int size) {
        if (offset < 0 || offset > 7) return 0;
        Uart16550Register r = Uart16550Register.forRead((int) offset, dlab());
        int v = switch (r) {
            case RBR -> readRbr();
            case DLL -> dll;
            case DLM -> dlm;
            case IER -> ier;
            case IIR -> {
                int id = interruptId();
                // Reading IIR while it reports THR empty acknowledges that interrupt.
                if (id == IIR_THRE) thrInterrupt = false;
                yield id | (fifoEnabled ? IIR_FIFO_ENABLED : 0);
            }
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> {
                int v2 = lsr();
                lsrErrors = 0; // error bits clear on read
                yield v2;
            }
            case MSR -> {
                int v2 = msr;
                msr &= ~MSR_DELTAS;
                yield v2;
            }
            case SCR -> scr;
            default -> 0;
        };
        updateIrq();
        return v & 0xff;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset < 0 || offset > 7) return;
        int v = (int) value & 0xff;
        Uart16550Register r = Uart16550Register.forWrite((int) offset, dlab());
        switch (r) {
            case THR -> transmit(v);
            case DLL -> dll = v;
            case DLM -> dlm = v;
            case IER -> {
                int old = ier;
                ier = v & 0x0f;
                // Enabling ETBEI while THR is empty raises the THRE interrupt at once.
                if ((ier & IER_ETBEI) != 0 && (old & IER_ETBEI) == 0) thrInterrupt = true;
            }
            case FCR -> writeFcr(v);
            case LCR -> lcr = v;
            case MCR -> writeMcr(v & 0x1f);
            case SCR -> scr = v;
            default -> { /* LSR and MSR are read-only (factory test writes ignored) */ }
        }
        updateIrq();
    }

    private void transmit(int b) {
        thrInterrupt = false;
        if ((mcr & MCR_LOOP) != 0) {
            receive(b);
        } else {
            backend.write(b);
        }
        // The byte left THR at once, so THR is empty again.
        thrInterrupt = true;
    }

    private void writeFcr(int v) {
        boolean enable = (v & FCR_ENABLE) != 0;
        if (enable != fifoEnabled) {
            // Changing the FIFO mode resets both FIFOs.
            rxHead = rxCount = 0;
            timeoutInterrupt = false;
        }
        fifoEnabled = enable;
        if (!enable) {
            triggerLevel = 1;
            return;
        }
        if ((v & FCR_CLEAR_RX) != 0) {
            rxHead = rxCount = 0;
            timeoutInterrupt = false;
        }
        // FCR_CLEAR_TX: the transmit FIFO is always empty here.
        triggerLevel = switch (v >>> 6) {
            case 0 -> 1;
            case 1 -> 4;
            case 2 -> 8;
            default -> 14;
        };
    }

    private void writeMcr(int v) {
        mcr = v;
        int status;
        if ((v & MCR_LOOP) != 0) {
            // Loopback: the modem inputs follow the modem outputs.
            status = ((v & MCR_RTS) != 0 ? MSR_CTS : 0) | ((v & MCR_DTR) != 0 ? MSR_DSR : 0)
                    | ((v & MCR_OUT1) != 0 ? MSR_RI : 0) | ((v & MCR_OUT2) != 0 ? MSR_DCD : 0);
        } else {
            status = MSR_DCD | MSR_DSR | MSR_CTS;
        }
        int old = msr & 0xf0;
        int deltas = 0;
        if (((old ^ status) & MSR_CTS) != 0) deltas |= MSR_DCTS;
        if (((old ^ status) & MSR_DSR) != 0) deltas |= MSR_DDSR;
        if ((old & MSR_RI) != 0 && (status & MSR_RI) == 0) deltas |= MSR_TERI;
        if (((old ^ status) & MSR_DCD) != 0) deltas |= MSR_DDCD;
        msr = status | (msr & MSR_DELTAS) | deltas;
    }

    /** Current level of the interrupt output (for tests and debugging). */
    public boolean irqLevel() { return irqLevel; }

    /** Divisor latch value (DLM:DLL). */
    public int divisor() { return (dlm << 8) | dll; }
}
