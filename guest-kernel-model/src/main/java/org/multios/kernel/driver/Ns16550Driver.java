package org.multios.kernel.driver;

import java.util.function.IntConsumer;
import org.multios.core.bus.PhysicalBus;

/**
 * An NS16550A UART driven by MMIO (PC16550D datasheet): 8N1 with FIFOs, output by polling
 * LSR.THRE then writing THR, input from the received-data interrupt (IER.ERBFI) draining RBR
 * while LSR.DR is set. Register spacing follows the device tree's {@code reg-shift}.
 */
public final class Ns16550Driver {
    static final int RBR_THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5;
    static final int LSR_DR = 0x01, LSR_THRE = 0x20;
    private final PhysicalBus bus;
    private final long base;
    private final int shift;
    private IntConsumer receiver = b -> {};

    public Ns16550Driver(PhysicalBus bus, long base, int regShift) {
        this.bus = bus;
        this.base = base;
        this.shift = regShift;
    }

    private long reg(int r) { return base + ((long) r << shift); }

    /** Programs the line (8N1, FIFOs on and cleared, DTR/RTS/OUT2) and enables the receive interrupt. */
    public void init(IntConsumer receiver) {
        this.receiver = receiver;
        bus.write(reg(LCR), 1, 0x03);
        bus.write(reg(FCR), 1, 0x07);
        bus.write(reg(MCR), 1, 0x0b);
        bus.write(reg(IER), 1, 0x01);
    }

    /** One byte out (waits for the transmit holding register, bounded so a dead UART cannot hang the kernel). */
    public void putc(int b) {
        for (int spin = 0; spin < 100_000 && (bus.read(reg(LSR), 1) & LSR_THRE) == 0; spin++) Thread.onSpinWait();
        bus.write(reg(RBR_THR), 1, b & 0xff);
    }

    /** The UART's interrupt: hands every received byte to the receiver. */
    public void onInterrupt() {
        for (int n = 0; n < 4096 && (bus.read(reg(LSR), 1) & LSR_DR) != 0; n++) receiver.accept((int) bus.read(reg(RBR_THR), 1));
    }
}
