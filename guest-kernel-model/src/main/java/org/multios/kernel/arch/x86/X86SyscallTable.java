package org.multios.kernel.arch.x86;

import org.multios.kernel.syscall.Sys;

/**
 * The Linux x86_64 syscall table (arch/x86/entry/syscalls/syscall_64.tbl) mapped onto the
 * kernel's handlers, which use asm-generic numbers. Most calls only renumber; the legacy
 * path calls asm-generic dropped (open, stat, pipe, fork, mkdir, ...) are rewritten into
 * their *at / clone equivalents with the arguments moved as the generic call expects; those
 * with no generic form (poll, select, alarm, pause, time, dup2, getdents) and the stat family
 * (x86_64's struct stat is not asm-generic's) go to the kernel's Sys.LEGACY_* / Sys.X86_* calls.
 * A number with no mapping becomes {@link #UNMAPPED_BASE} + nr, which no handler knows,
 * so it ends in -ENOSYS and the "unknown syscall" log line shows the x86 number plus that base.
 */
final class X86SyscallTable {
    static final int UNMAPPED_BASE = 100_000;
    static final int ARCH_PRCTL = 158;
    private static final long AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;
    private static final long SIGCHLD = 17, CLONE_VM = 0x100, CLONE_VFORK = 0x4000;

    /** x86_64 number -> asm-generic number for calls whose arguments are unchanged. */
    private static final int[] RENUMBER = new int[512];

    private static void same(int x86, int generic) { RENUMBER[x86] = generic; }

    static {
        java.util.Arrays.fill(RENUMBER, -1);
        same(0, Sys.READ); same(1, Sys.WRITE); same(3, Sys.CLOSE); same(5, Sys.X86_FSTAT); same(8, Sys.LSEEK);
        same(9, Sys.MMAP); same(10, Sys.MPROTECT); same(11, Sys.MUNMAP); same(12, Sys.BRK);
        same(13, Sys.RT_SIGACTION); same(14, Sys.RT_SIGPROCMASK); same(15, Sys.RT_SIGRETURN); same(16, Sys.IOCTL);
        same(17, Sys.PREAD64); same(18, Sys.PWRITE64); same(19, Sys.READV); same(20, Sys.WRITEV);
        same(24, Sys.SCHED_YIELD); same(25, Sys.MREMAP); same(26, Sys.MSYNC); same(28, Sys.MADVISE); same(32, Sys.DUP);
        same(35, Sys.NANOSLEEP); same(103, Sys.SYSLOG); same(36, Sys.GETITIMER); same(38, Sys.SETITIMER); same(39, Sys.GETPID);
        // sockets 41-55 and accept4 288
        int[][] net = {{41, 198}, {42, 203}, {43, 202}, {44, 206}, {45, 207}, {46, 211}, {47, 212}, {48, 210}, {49, 200},
                {50, 201}, {51, 204}, {52, 205}, {53, 199}, {54, 208}, {55, 209}, {288, 242}};
        for (int[] n : net) same(n[0], n[1]);
        same(59, Sys.EXECVE); same(60, Sys.EXIT); same(61, Sys.WAIT4); same(62, Sys.KILL); same(63, Sys.UNAME);
        same(72, Sys.FCNTL); same(74, Sys.FSYNC); same(75, Sys.FDATASYNC); same(76, Sys.TRUNCATE); same(77, Sys.FTRUNCATE);
        same(79, Sys.GETCWD); same(80, Sys.CHDIR); same(81, Sys.FCHDIR); same(91, Sys.FCHMOD); same(93, Sys.FCHOWN);
        same(95, Sys.UMASK); same(96, Sys.GETTIMEOFDAY); same(97, Sys.GETRLIMIT); same(98, Sys.GETRUSAGE);
        same(99, Sys.SYSINFO); same(102, Sys.GETUID); same(104, Sys.GETGID); same(107, Sys.GETEUID); same(108, Sys.GETEGID);
        same(109, Sys.SETPGID); same(110, Sys.GETPPID); same(112, Sys.SETSID); same(121, Sys.GETPGID); same(124, Sys.GETSID);
        same(127, Sys.RT_SIGPENDING); same(128, Sys.RT_SIGTIMEDWAIT); same(130, Sys.RT_SIGSUSPEND); same(131, Sys.SIGALTSTACK);
        same(137, Sys.STATFS); same(138, Sys.FSTATFS); same(140, Sys.GETPRIORITY); same(141, Sys.SETPRIORITY);
        same(157, Sys.PRCTL); same(160, Sys.SETRLIMIT); same(162, Sys.SYNC); same(165, Sys.MOUNT); same(166, Sys.UMOUNT2);
        same(169, Sys.REBOOT); same(170, Sys.SETHOSTNAME); same(171, Sys.SETDOMAINNAME); same(186, Sys.GETTID);
        same(200, Sys.TKILL); same(202, Sys.FUTEX); same(203, Sys.SCHED_SETAFFINITY); same(204, Sys.SCHED_GETAFFINITY);
        same(217, Sys.GETDENTS64); same(218, Sys.SET_TID_ADDRESS); same(228, Sys.CLOCK_GETTIME); same(229, Sys.CLOCK_GETRES);
        same(230, Sys.CLOCK_NANOSLEEP); same(231, Sys.EXIT_GROUP); same(234, Sys.TGKILL); same(257, Sys.OPENAT);
        same(258, Sys.MKDIRAT); same(260, Sys.FCHOWNAT); same(262, Sys.X86_NEWFSTATAT); same(263, Sys.UNLINKAT);
        same(264, Sys.RENAMEAT); same(265, Sys.LINKAT); same(266, Sys.SYMLINKAT); same(267, Sys.READLINKAT);
        same(268, Sys.FCHMODAT); same(269, Sys.FACCESSAT); same(270, Sys.PSELECT6); same(271, Sys.PPOLL);
        same(273, Sys.SET_ROBUST_LIST); same(274, Sys.GET_ROBUST_LIST); same(280, Sys.UTIMENSAT); same(292, Sys.DUP3);
        same(293, Sys.PIPE2); same(302, Sys.PRLIMIT64); same(306, Sys.SYNCFS); same(316, Sys.RENAMEAT2);
        same(318, Sys.GETRANDOM); same(324, Sys.MEMBARRIER); same(332, Sys.STATX); same(334, Sys.RSEQ);
        same(435, Sys.CLONE3); same(439, Sys.FACCESSAT2);
        // calls asm-generic dropped, kept by the kernel under internal numbers (LegacySyscalls)
        same(7, Sys.LEGACY_POLL); same(23, Sys.LEGACY_SELECT); same(33, Sys.LEGACY_DUP2); same(34, Sys.LEGACY_PAUSE);
        same(37, Sys.LEGACY_ALARM); same(78, Sys.LEGACY_GETDENTS); same(201, Sys.LEGACY_TIME);
    }

    private X86SyscallTable() {}

    /**
     * Writes the generic number and its six arguments into {@code out[0..6]} for the x86 call
     * {@code nr} with arguments {@code a}.
     */
    static void translate(long nr, long[] a, long[] out) {
        out[0] = UNMAPPED_BASE + (nr & 0xffff);
        System.arraycopy(a, 0, out, 1, 6);
        if (nr < 0 || nr >= RENUMBER.length) return;
        int n = (int) nr;
        if (RENUMBER[n] >= 0) {
            out[0] = RENUMBER[n];
            return;
        }
        switch (n) {
            case 2 -> set(out, Sys.OPENAT, AT_FDCWD, a[0], a[1], a[2]);                       // open
            case 4 -> set(out, Sys.X86_NEWFSTATAT, AT_FDCWD, a[0], a[1], 0);                   // stat
            case 6 -> set(out, Sys.X86_NEWFSTATAT, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW); // lstat
            case 21 -> set(out, Sys.FACCESSAT, AT_FDCWD, a[0], a[1], 0);                       // access
            case 22 -> set(out, Sys.PIPE2, a[0], 0);                                           // pipe
            case 56 -> set(out, Sys.CLONE, a[0], a[1], a[2], a[4], a[3]);                      // clone: tls and ctid swap
            case 57 -> set(out, Sys.CLONE, SIGCHLD, 0, 0, 0, 0);                               // fork
            case 58 -> set(out, Sys.CLONE, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);      // vfork
            case 82 -> set(out, Sys.RENAMEAT, AT_FDCWD, a[0], AT_FDCWD, a[1]);                 // rename
            case 83 -> set(out, Sys.MKDIRAT, AT_FDCWD, a[0], a[1]);                            // mkdir
            case 84 -> set(out, Sys.UNLINKAT, AT_FDCWD, a[0], AT_REMOVEDIR);                   // rmdir
            case 85 -> set(out, Sys.OPENAT, AT_FDCWD, a[0], 0x241, a[1]);                      // creat: O_CREAT|O_WRONLY|O_TRUNC
            case 86 -> set(out, Sys.LINKAT, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);                // link
            case 87 -> set(out, Sys.UNLINKAT, AT_FDCWD, a[0], 0);                              // unlink
            case 88 -> set(out, Sys.SYMLINKAT, a[0], AT_FDCWD, a[1]);                          // symlink
            case 89 -> set(out, Sys.READLINKAT, AT_FDCWD, a[0], a[1], a[2]);                   // readlink
            case 90 -> set(out, Sys.FCHMODAT, AT_FDCWD, a[0], a[1], 0);                        // chmod
            case 92 -> set(out, Sys.FCHOWNAT, AT_FDCWD, a[0], a[1], a[2], 0);                  // chown
            case 94 -> set(out, Sys.FCHOWNAT, AT_FDCWD, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW); // lchown
            case 111 -> set(out, Sys.GETPGID, 0);                                              // getpgrp
            default -> { }
        }
    }

    private static void set(long[] out, int generic, long... args) {
        out[0] = generic;
        java.util.Arrays.fill(out, 1, 7, 0);
        System.arraycopy(args, 0, out, 1, args.length);
    }
}
