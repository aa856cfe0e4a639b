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
    /** The UART's register file as the platform reaches it: MMIO on riscv64, I/O ports on a PC. */
    public interface Registers {
        int read(int reg);

        void write(int reg, int value);
    }

    private final Registers regs;
    private IntConsumer receiver = b -> {};

    public Ns16550Driver(PhysicalBus bus, long base, int regShift) {
        this(new Registers() {
            @Override public int read(int r) { return (int) bus.read(base + ((long) r << regShift), 1); }
            @Override public void write(int r, int v) { bus.write(base + ((long) r << regShift), 1, v & 0xff); }
        });
    }

    /** A 16550 reached through regs (on a PC: port 0x3f8 + reg). */
    public Ns16550Driver(Registers regs) { this.regs = regs; }

    /** Programs the line (8N1, FIFOs on and cleared, DTR/RTS/OUT2) and enables the receive interrupt. */
    public void init(IntConsumer receiver) {
        this.receiver = receiver;
        regs.write(LCR, 0x03);
        regs.write(FCR, 0x07);
        regs.write(MCR, 0x0b);
        regs.write(IER, 0x01);
    }

    /** One byte out (waits for the transmit holding register, bounded so a dead UART cannot hang the kernel). */
    public void putc(int b) {
        for (int spin = 0; spin < 100_000 && (regs.read(LSR) & LSR_THRE) == 0; spin++) Thread.onSpinWait();
        regs.write(RBR_THR, b & 0xff);
    }

    /** The UART's interrupt: hands every received byte to the receiver. */
    public void onInterrupt() {
        for (int n = 0; n < 4096 && (regs.read(LSR) & LSR_DR) != 0; n++) receiver.accept(regs.read(RBR_THR));
    }
}
