package org.multios.kernel.proc;

/** struct sigaction as the kernel keeps it (handler 0 = SIG_DFL, 1 = SIG_IGN). */
public record SigAction(long handler, long flags, long restorer, long mask) {
    public static final SigAction DEFAULT = new SigAction(0, 0, 0, 0);
    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_ONSTACK = 0x08000000L,
            SA_RESTART = 0x10000000L, SA_NODEFER = 0x40000000L, SA_RESETHAND = 0x80000000L, SA_RESTORER = 0x04000000L;
}
