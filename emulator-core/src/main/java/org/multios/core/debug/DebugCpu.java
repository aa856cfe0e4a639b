package org.multios.core.debug;

import org.multios.core.machine.Cpu;

/**
 * One CPU as a debugger sees it; each ISA module implements it over its CPU class.
 * <p>
 * Every method except {@link #cpu()}, {@link #index()} and {@link #description()} is called only while the
 * machine is paused (so at an instruction boundary), from the debugger's thread.
 */
public interface DebugCpu {
    /** Value {@link #translate} returns for an address with no valid mapping. */
    long NO_TRANSLATION = -1L;

    /** The CPU the machine runs (the stub pauses and resumes it through the Machine). */
    Cpu cpu();

    default int index() { return cpu().index(); }

    /** Register set and target description (the same object for every CPU of one type). */
    TargetDescription description();

    long pc();

    /** Moves the program counter ({@code c ADDR}, {@code s ADDR}). */
    void setPc(long pc);

    /**
     * Reads register {@code regnum} as target-endian (little-endian) bytes of the size the
     * description gives; null if the register does not exist.
     */
    byte[] readRegister(int regnum);

    /** Writes a register from little-endian bytes; false if it does not exist or refuses the value. */
    boolean writeRegister(int regnum, byte[] value);

    /**
     * Translates a virtual data address the way a load ({@code write == false}) or store by
     * the current privilege level would, without side effects: no accessed/dirty updates, no
     * TLB fills, no faults. Returns the physical address or {@link #NO_TRANSLATION}.
     */
    long translate(long vaddr, boolean write);

    /** True if data addresses are currently translated (paging on); false if virtual == physical. */
    boolean translating();

    /** Installs (or with null removes) the hooks the CPU consults; see {@link DebugHooks}. */
    void setDebugHooks(DebugHooks hooks);

    /** Drops cached translations so that watched pages leave the TLB fast path. */
    void flushTlb();

    /** Short text for thread lists and {@code qThreadExtraInfo}, e.g. {@code "hart 0, M-mode"}. */
    String threadInfo();

    /** Text for {@code monitor info registers}: every register including system ones. */
    String infoRegisters();

    /** Text for {@code monitor info tlb}. */
    default String infoTlb() { return "no TLB information for this CPU\n"; }

    /** Text for {@code monitor info mem}: the current virtual-to-physical mappings. */
    default String infoMem() { return "no memory-mapping information for this CPU\n"; }
}
