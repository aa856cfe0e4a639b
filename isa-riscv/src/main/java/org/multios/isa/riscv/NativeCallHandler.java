package org.multios.isa.riscv;

/**
 * Receives the MultiOS native-call instruction ({@code custom-0}, see
 * {@link org.multios.isa.riscv.decode.RvOp#NATIVE_CALL}). When called, {@link RvCpu#pc()}
 * already points at the next instruction; the handler may change registers, CSRs
 * (through {@link RvCpu#writeCsr}) and the pc. Without a handler the instruction is illegal.
 */
@FunctionalInterface
public interface NativeCallHandler {
    void call(RvCpu cpu, int number);
}
