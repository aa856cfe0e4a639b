package org.multios.kernel.syscall;

/**
 * Syscall numbers of the asm-generic table (include/uapi/asm-generic/unistd.h), which riscv64
 * and arm64 share.
 */
public final class Sys {
    private Sys() {}
    /** Storage calls (asm-generic numbers). */
    public static final int UMOUNT2 = 39, MOUNT = 40, SYNCFS = 267;
    public static final int GETCWD = 17, DUP = 23, DUP3 = 24, FCNTL = 25, IOCTL = 29, MKDIRAT = 34, UNLINKAT = 35,
            SYMLINKAT = 36, LINKAT = 37, RENAMEAT = 38, STATFS = 43, FSTATFS = 44, TRUNCATE = 45, FTRUNCATE = 46, FACCESSAT = 48, CHDIR = 49, FCHDIR = 50,
            FCHMOD = 52, FCHMODAT = 53, FCHOWNAT = 54, FCHOWN = 55, OPENAT = 56, CLOSE = 57, PIPE2 = 59, GETDENTS64 = 61,
            LSEEK = 62, READ = 63, WRITE = 64, READV = 65, WRITEV = 66, PREAD64 = 67, PWRITE64 = 68, PSELECT6 = 72,
            PPOLL = 73, READLINKAT = 78, NEWFSTATAT = 79, FSTAT = 80, SYNC = 81, FSYNC = 82, FDATASYNC = 83,
            UTIMENSAT = 88, EXIT = 93, EXIT_GROUP = 94, SET_TID_ADDRESS = 96, FUTEX = 98, SET_ROBUST_LIST = 99,
            GET_ROBUST_LIST = 100, NANOSLEEP = 101, GETITIMER = 102, SETITIMER = 103, CLOCK_GETTIME = 113, CLOCK_GETRES = 114,
            CLOCK_NANOSLEEP = 115, SCHED_SETAFFINITY = 122, SCHED_GETAFFINITY = 123, SCHED_YIELD = 124, KILL = 129, TKILL = 130,
            TGKILL = 131, SIGALTSTACK = 132, RT_SIGSUSPEND = 133, RT_SIGACTION = 134, RT_SIGPROCMASK = 135,
            RT_SIGPENDING = 136, RT_SIGTIMEDWAIT = 137, RT_SIGRETURN = 139, SETPRIORITY = 140, GETPRIORITY = 141,
            SETPGID = 154, GETPGID = 155, GETSID = 156, SETSID = 157, UNAME = 160, GETRLIMIT = 163, SETRLIMIT = 164,
            GETRUSAGE = 165, UMASK = 166, PRCTL = 167, GETTIMEOFDAY = 169, GETPID = 172, GETPPID = 173, GETUID = 174,
            GETEUID = 175, GETGID = 176, GETEGID = 177, GETTID = 178, SYSINFO = 179, BRK = 214, MUNMAP = 215,
            MREMAP = 216, CLONE = 220, EXECVE = 221, MMAP = 222, MPROTECT = 226, MSYNC = 227, MADVISE = 233, WAIT4 = 260,
            PRLIMIT64 = 261, RENAMEAT2 = 276, GETRANDOM = 278, MEMBARRIER = 283, STATX = 291, RSEQ = 293,
            CLONE3 = 435, FACCESSAT2 = 439, RISCV_HWPROBE = 258;
    public static final int SYSLOG = 116, REBOOT = 142, SETHOSTNAME = 161, SETDOMAINNAME = 162;
    /**
     * Kernel-internal numbers (above every real table) for calls an architecture keeps that
     * asm-generic dropped, and for x86_64's own struct stat; arch ports translate to them
     * (x86 X86SyscallTable), {@link LegacySyscalls} implements them.
     */
    public static final int LEGACY_POLL = 1007, LEGACY_SELECT = 1023, LEGACY_PAUSE = 1034, LEGACY_ALARM = 1037,
            LEGACY_DUP2 = 1033, LEGACY_GETDENTS = 1078, LEGACY_TIME = 1201, X86_FSTAT = 1005, X86_NEWFSTATAT = 1262;
}
