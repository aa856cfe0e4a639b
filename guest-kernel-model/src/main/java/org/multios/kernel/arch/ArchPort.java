package org.multios.kernel.arch;

import org.multios.kernel.mm.AddressSpace;

/**
 * What the arch-neutral kernel needs from one architecture: how a trapped CPU's state is
 * read and resumed, the page-table format, the syscall register convention, the signal
 * frame layout and the timer. The RISC-V port is {@code arch.riscv.RiscvPort}; the AArch64
 * and x86_64 ports implement the same interface.
 */
public interface ArchPort {
    String name();

    /** ELF e_machine of native executables. */
    int elfMachine();

    SyscallAbi abi();

    UserContext newContext();

    /** A fresh user page table sharing the kernel half. */
    PageTable newPageTable();

    /** Exclusive end of the user half of the address space. */
    long userTop();

    /** AT_HWCAP for the initial auxiliary vector. */
    long hwcap();

    /** AT_PLATFORM's string (Linux ELF_PLATFORM), or null for none (riscv64 has none). */
    default String platform() { return null; }

    /** Page the kernel maps into every process (user, read+exec) holding the sigreturn trampoline; its code. */
    byte[] sigreturnTrampoline();

    /** Decodes the trap the CPU has just taken. */
    Trap trap();

    /** True when the trap came from user mode (false: the idle loop was interrupted). */
    boolean trappedFromUser();

    /** Copies the trapped user state into ctx. */
    void saveUserState(UserContext ctx);

    /** Makes the trap return resume ctx in user mode on the page table pt. */
    void resumeUser(UserContext ctx, PageTable pt);

    /** Makes the trap return idle in kernel mode with interrupts on, until the next interrupt. */
    void resumeIdle();

    /** Drops cached translations after page-table changes. */
    void flushTlb();

    /**
     * Drops the cached translations of one address space after changes to its page table (a
     * port with ASID-tagged TLB entries keeps the other address spaces' entries).
     */
    default void flushTlb(PageTable pt) { flushTlb(); }

    /** Raises or clears the kernel's timer interrupt request. */
    void setTimerPending(boolean pending);

    /**
     * Whether the user's struct sigaction has an sa_restorer field between sa_flags and
     * sa_mask (arm64, x86_64: yes; riscv64: no, it returns through the vDSO/trampoline).
     */
    default boolean sigactionHasRestorer() { return false; }

    /** Pushes a signal frame for handler on the user stack at sp; false when the stack is not writable. */
    boolean pushSignalFrame(UserContext ctx, AddressSpace as, long sp, int sig, long handler, long restorer,
                            long blockedMask, int code, long faultAddr, int senderPid, long altStackSp, long altStackSize);

    /** Pops the frame rt_sigreturn finds at the user sp; returns the saved signal mask, or -1 when unreadable. */
    long popSignalFrame(UserContext ctx, AddressSpace as);

    /**
     * A syscall only this architecture has (x86_64 arch_prctl), handled before the generic
     * table; {@code Long.MIN_VALUE} when the trapped syscall is not one.
     */
    default long archSyscall(UserContext ctx, AddressSpace as) { return Long.MIN_VALUE; }
}
