package org.multios.kernel.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.multios.core.elf.ElfFile;
import org.multios.core.elf.ElfFormatException;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.arch.ArchPort;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.mm.Vma;

/**
 * Loads a static ELF executable (ET_EXEC, or ET_DYN without an interpreter: static-pie) into
 * a fresh address space and builds the Linux initial stack: argc, argv, envp, auxv, strings,
 * AT_RANDOM bytes (System V ABI; Linux fs/binfmt_elf.c create_elf_tables).
 */
public final class ElfExec {
    public static final long STACK_TOP = 0x3f_ffff_0000L, STACK_SIZE = 8L << 20;
    public static final long TRAMPOLINE = 0x3f_ffff_f000L;
    public static final long MMAP_BASE = 0x3f_f000_0000L;
    public static final long PIE_BASE = 0x2a_aaaa_a000L;
    static final int AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
            AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17,
            AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31;

    /** The result: entry point and initial stack pointer. */
    public record Image(long entry, long sp) {}

    /** Thrown with a one-line reason when the file is not something we can run. */
    public static final class NotExecutable extends KernelException {
        public final String reason;
        public NotExecutable(int errno, String reason) { super(errno); this.reason = reason; }
        @Override public String getMessage() { return reason; }
    }

    public static ElfFile check(byte[] file, ArchPort port) {
        if (!ElfFile.looksLikeElf(file)) throw new NotExecutable(Errno.ENOEXEC, "not an ELF executable");
        try {
            ElfFile elf = ElfFile.parse(file);
            elf.requireMachine(port.elfMachine());
            if (elf.interpreter().isPresent()) throw new NotExecutable(Errno.ENOEXEC, "dynamic executables are not supported yet");
            return elf;
        } catch (ElfFormatException e) {
            throw new NotExecutable(Errno.ENOEXEC, e.getMessage());
        }
    }

    public static Image load(ElfFile elf, byte[] file, AddressSpace as, ArchPort port, List<String> argv, List<String> envp,
                             String execfn, byte[] random16) {
        long bias = elf.type() == ElfFile.ET_DYN ? PIE_BASE : 0;
        ByteBuffer h = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(32);
        int phentsize = h.getShort(54) & 0xffff, phnum = h.getShort(56) & 0xffff;
        long phdr = 0, brk = 0;
        for (ElfFile.Segment s : elf.segments()) {
            long start = (s.vaddr() + bias) & -4096L;
            long end = (s.vaddr() + bias + s.memSize() + 4095) & -4096L;
            if (end <= start || end > ElfExec.MMAP_BASE) throw new NotExecutable(Errno.ENOEXEC, "segment outside the user address space");
            int prot = PageTable.PROT_USER;
            if (s.readable()) prot |= PageTable.PROT_READ;
            if (s.writable()) prot |= PageTable.PROT_WRITE;
            if (s.executable()) prot |= PageTable.PROT_EXEC;
            long dataOffset = s.fileOffset() - ((s.vaddr() + bias) - start);
            try {
                as.add(new Vma(start, end, prot & ~PageTable.PROT_USER, 0, file, dataOffset, s.fileOffset() + s.fileSize(), "exe"));
            } catch (IllegalArgumentException e) {
                throw new NotExecutable(Errno.ENOEXEC, "overlapping segments");
            }
            if (phoff >= s.fileOffset() && phoff + (long) phentsize * phnum <= s.fileOffset() + s.fileSize()) {
                phdr = s.vaddr() + bias + (phoff - s.fileOffset());
            }
            brk = Math.max(brk, end);
        }
        as.initBrk(brk);
        as.setMmapBase(MMAP_BASE);
        as.add(Vma.anonymous(STACK_TOP - STACK_SIZE, STACK_TOP, PageTable.PROT_READ | PageTable.PROT_WRITE, Vma.STACK, "[stack]"));
        byte[] tramp = port.sigreturnTrampoline();
        as.add(new Vma(TRAMPOLINE, TRAMPOLINE + 4096, PageTable.PROT_READ | PageTable.PROT_EXEC, 0, tramp, 0, tramp.length, "[vdso]"));

        // Strings first (top of stack), then the vectors below them.
        long sp = STACK_TOP;
        sp = push(as, sp, (execfn + "\0").getBytes(StandardCharsets.UTF_8));
        long execfnAddr = sp;
        long[] envAddr = new long[envp.size()];
        for (int i = envp.size() - 1; i >= 0; i--) { sp = push(as, sp, (envp.get(i) + "\0").getBytes(StandardCharsets.UTF_8)); envAddr[i] = sp; }
        long[] argAddr = new long[argv.size()];
        for (int i = argv.size() - 1; i >= 0; i--) { sp = push(as, sp, (argv.get(i) + "\0").getBytes(StandardCharsets.UTF_8)); argAddr[i] = sp; }
        String platform = port.platform();
        long platformAddr = 0;
        if (platform != null) { sp = push(as, sp, (platform + "\0").getBytes(StandardCharsets.UTF_8)); platformAddr = sp; }
        sp = push(as, sp & -16L, random16);
        long randomAddr = sp;
        long[][] aux = {
                {AT_PHDR, phdr}, {AT_PHENT, phentsize}, {AT_PHNUM, phnum}, {AT_PAGESZ, 4096}, {AT_BASE, 0}, {AT_FLAGS, 0},
                {AT_ENTRY, elf.entry() + bias}, {AT_UID, 0}, {AT_EUID, 0}, {AT_GID, 0}, {AT_EGID, 0},
                {AT_HWCAP, port.hwcap()}, {AT_CLKTCK, 100}, {AT_SECURE, 0}, {AT_RANDOM, randomAddr}, {AT_HWCAP2, 0},
                {AT_EXECFN, execfnAddr}, {platform != null ? AT_PLATFORM : AT_NULL, platformAddr}, {AT_NULL, 0}};
        int words = 1 + argv.size() + 1 + envp.size() + 1 + aux.length * 2;
        sp = (sp - 8L * words) & -16L;
        ByteBuffer b = ByteBuffer.allocate(8 * words).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(argv.size());
        for (long a : argAddr) b.putLong(a);
        b.putLong(0);
        for (long e : envAddr) b.putLong(e);
        b.putLong(0);
        for (long[] a : aux) { b.putLong(a[0]); b.putLong(a[1]); }
        if (!as.write(sp, b.array(), 0, b.capacity())) throw new KernelException(Errno.E2BIG);
        return new Image(elf.entry() + bias, sp);
    }

    private static long push(AddressSpace as, long sp, byte[] data) {
        sp -= data.length;
        if (sp < STACK_TOP - STACK_SIZE / 4 || !as.write(sp, data, 0, data.length)) throw new KernelException(Errno.E2BIG);
        return sp;
    }
}
