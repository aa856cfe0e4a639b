package org.multios.devices.uart;

/**
 * The NS16550A register file (National Semiconductor PC16550D datasheet, table II), by
 * byte offset with reg-shift 0. Offsets 0 and 1 mean different registers when LCR.DLAB is
 * set, and offset 2 differs between read (IIR) and write (FCR).
 */
public enum Uart16550Register {
    /** Receiver Buffer Register (read, DLAB=0). */
    RBR(0),
    /** Transmitter Holding Register (write, DLAB=0). */
    THR(0),
    /** Divisor Latch LSB (DLAB=1). */
    DLL(0),
    /** Interrupt Enable Register (DLAB=0). */
    IER(1),
    /** Divisor Latch MSB (DLAB=1). */
    DLM(1),
    /** Interrupt Identification Register (read). */
    IIR(2),
    /** FIFO Control Register (write). */
    FCR(2),
    /** Line Control Register. */
    LCR(3),
    /** Modem Control Register. */
    MCR(4),
    /** Line Status Register. */
    LSR(5),
    /** Modem Status Register. */
    MSR(6),
    /** Scratch Register. */
    SCR(7);

    public final int offset;

    Uart16550Register(int offset) { this.offset = offset; }

    /** The register a read of {@code offset} reaches, or null beyond the register file. */
    public static Uart16550Register forRead(int offset, boolean dlab) {
        return switch (offset) {
            case 0 -> dlab ? DLL : RBR;
            case 1 -> dlab ? DLM : IER;
            case 2 -> IIR;
            case 3 -> LCR;
            case 4 -> MCR;
            case 5 -> LSR;
            case 6 -> MSR;
            case 7 -> SCR;
            default -> null;
        };
    }

    /** The register a write of {@code offset} reaches, or null beyond the register file. */
    public static Uart16550Register forWrite(int offset, boolean dlab) {
        return switch (offset) {
            case 0 -> dlab ? DLL : THR;
            case 1 -> dlab ? DLM : IER;
            case 2 -> FCR;
            case 3 -> LCR;
            case 4 -> MCR;
            case 5 -> LSR;
            case 6 -> MSR;
            case 7 -> SCR;
            default -> null;
        };
    }
}
