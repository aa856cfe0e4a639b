package org.multios.isa.riscv.trap;

/**
 * A synchronous exception raised while executing an instruction: the cause code of the
 * privileged spec ({@code mcause}/{@code scause} values) and the value for {@code xtval}.
 * <p>
 * Thrown without a stack trace: traps are guest control flow, and the run loop catches
 * them at the block boundary. The fast path never allocates; only a trap does.
 */
public final class RvTrap extends RuntimeException {
    // Exception causes (privileged spec, table "Machine cause register values").
    public static final int INSTRUCTION_ADDRESS_MISALIGNED = 0;
    public static final int INSTRUCTION_ACCESS_FAULT = 1;
    public static final int ILLEGAL_INSTRUCTION = 2;
    public static final int BREAKPOINT = 3;
    public static final int LOAD_ADDRESS_MISALIGNED = 4;
    public static final int LOAD_ACCESS_FAULT = 5;
    public static final int STORE_ADDRESS_MISALIGNED = 6;
    public static final int STORE_ACCESS_FAULT = 7;
    public static final int ECALL_FROM_U = 8;
    public static final int ECALL_FROM_S = 9;
    public static final int ECALL_FROM_M = 11;
    public static final int INSTRUCTION_PAGE_FAULT = 12;
    public static final int LOAD_PAGE_FAULT = 13;
    public static final int STORE_PAGE_FAULT = 15;

    // Interrupt numbers (bit positions in mip/mie; cause = bit | interrupt flag).
    public static final int IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11;
    public static final long INTERRUPT_FLAG = 1L << 63;

    /**
     * Not an architectural cause: the instruction completed, but it wrote to code the
     * running block was decoded from, so the block must end after it.
     */
    public static final int CODE_MODIFIED = -1;

    private static final RvTrap CODE_MODIFIED_SIGNAL = new RvTrap(CODE_MODIFIED, 0);

    public final int cause;
    public final long tval;

    public RvTrap(int cause, long tval) {
        super(null, null, false, false);
        this.cause = cause;
        this.tval = tval;
    }

    public static RvTrap illegal(int rawInsn) {
        return new RvTrap(ILLEGAL_INSTRUCTION, rawInsn & 0xffff_ffffL);
    }

    public static RvTrap codeModified() { return CODE_MODIFIED_SIGNAL; }

    @Override
    public String getMessage() {
        return String.format("%s (cause %d, tval 0x%x)", name(cause), cause, tval);
    }

    public static String name(int cause) {
        return switch (cause) {
            case INSTRUCTION_ADDRESS_MISALIGNED -> "instruction address misaligned";
            case INSTRUCTION_ACCESS_FAULT -> "instruction access fault";
            case ILLEGAL_INSTRUCTION -> "illegal instruction";
            case BREAKPOINT -> "breakpoint";
            case LOAD_ADDRESS_MISALIGNED -> "load address misaligned";
            case LOAD_ACCESS_FAULT -> "load access fault";
            case STORE_ADDRESS_MISALIGNED -> "store/AMO address misaligned";
            case STORE_ACCESS_FAULT -> "store/AMO access fault";
            case ECALL_FROM_U -> "environment call from U-mode";
            case ECALL_FROM_S -> "environment call from S-mode";
            case ECALL_FROM_M -> "environment call from M-mode";
            case INSTRUCTION_PAGE_FAULT -> "instruction page fault";
            case LOAD_PAGE_FAULT -> "load page fault";
            case STORE_PAGE_FAULT -> "store/AMO page fault";
            case CODE_MODIFIED -> "code modified";
            default -> "cause " + cause;
        };
    }
}
