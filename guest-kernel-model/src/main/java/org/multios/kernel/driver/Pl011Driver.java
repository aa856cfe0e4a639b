package org.multios.kernel.driver;

import java.util.function.IntConsumer;
import org.multios.core.bus.PhysicalBus;

/**
 * An Arm PL011 UART driven by MMIO (PrimeCell UART r1p5, ARM DDI 0183): 8N1 with FIFOs,
 * output by polling UARTFR.TXFF then writing UARTDR, input from the receive and receive-timeout
 * interrupts (UARTIMSC RXIM | RTIM) draining UARTDR while UARTFR.RXFE is clear. The arm64
 * counterpart of {@link Ns16550Driver}.
 */
public final class Pl011Driver {
    static final int DR = 0x00, FR = 0x18, LCR_H = 0x2c, CR = 0x30, IFLS = 0x34, IMSC = 0x38, ICR = 0x44;
    static final int FR_RXFE = 1 << 4, FR_TXFF = 1 << 5;
    /** Receive (RXIM) and receive-timeout (RTIM) interrupts: a byte, or bytes left below the FIFO level. */
    static final int INT_RX = 1 << 4, INT_RT = 1 << 6;
    private final PhysicalBus bus;
    private final long base;
    private IntConsumer receiver = b -> {};

    public Pl011Driver(PhysicalBus bus, long base) {
        this.bus = bus;
        this.base = base;
    }

    /** Programs the line (8N1, FIFOs on; UART, TX and RX enabled) and enables the receive interrupts. */
    public void init(IntConsumer receiver) {
        this.receiver = receiver;
        bus.write(base + CR, 4, 0);                     // disabled while the line is programmed
        bus.write(base + LCR_H, 4, 0x70);               // WLEN = 8 bits, FEN
        bus.write(base + IFLS, 4, 0);                   // RX interrupt at 1/8 full (the timeout covers fewer bytes)
        bus.write(base + ICR, 4, 0x7ff);
        bus.write(base + IMSC, 4, INT_RX | INT_RT);
        bus.write(base + CR, 4, 0x301);                 // UARTEN, TXE, RXE
    }

    /** One byte out (waits while the transmit FIFO is full, bounded so a dead UART cannot hang the kernel). */
    public void putc(int b) {
        for (int spin = 0; spin < 100_000 && (bus.read(base + FR, 4) & FR_TXFF) != 0; spin++) Thread.onSpinWait();
        bus.write(base + DR, 4, b & 0xff);
    }

    /** The UART's interrupt: hands every received byte to the receiver, then clears the RX causes. */
    public void onInterrupt() {
        for (int n = 0; n < 4096 && (bus.read(base + FR, 4) & FR_RXFE) == 0; n++) receiver.accept((int) bus.read(base + DR, 4) & 0xff);
        bus.write(base + ICR, 4, INT_RX | INT_RT);
    }
}
