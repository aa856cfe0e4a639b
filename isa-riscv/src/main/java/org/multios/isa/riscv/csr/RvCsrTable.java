package org.multios.isa.riscv.csr;

import org.multios.isa.riscv.trap.RvTrap;

/**
 * The CSR table: number → name, extra access rule and read/write behaviour (WARL masks).
 * Numbers and names follow the privileged spec's CSR listing. CSRs not listed raise an
 * illegal-instruction exception.
 */
public final class RvCsrTable {
    private RvCsrTable() {}

    public interface Reader { long read(RvCsrFile f); }

    public interface Writer { void write(RvCsrFile f, long v); }

    /** Extra rule beyond the number's privilege/read-only bits; false = illegal instruction. */
    public interface Guard { boolean allowed(RvCsrFile f, int priv, int number); }

    public record Csr(int number, String name, Guard guard, Reader reader, Writer writer) {}

    public static final int FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;
    public static final int CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02;
    public static final int SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a;
    public static final int STIMECMP = 0x14d;
    public static final int SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, SATP = 0x180;
    public static final int MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14, MCONFIGPTR = 0xf15;
    public static final int MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305;
    public static final int MCOUNTEREN = 0x306, MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320;
    public static final int MSCRATCH = 0x340, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344;
    public static final int PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0;
    public static final int MCYCLE = 0xb00, MINSTRET = 0xb02;
    public static final int TSELECT = 0x7a0, TDATA1 = 0x7a1, TDATA2 = 0x7a2, TDATA3 = 0x7a3, TINFO = 0x7a4;

    private static final Csr[] TABLE = new Csr[4096];

    private static void def(int number, String name, Guard guard, Reader r, Writer w) {
        if (TABLE[number] != null) throw new IllegalStateException("CSR defined twice: " + name);
        TABLE[number] = new Csr(number, name, guard, r, w);
    }

    public static Csr get(int number) { return TABLE[number & 0xfff]; }

    public static String name(int number) {
        Csr c = get(number);
        return c == null ? String.format("csr0x%03x", number) : c.name();
    }

    // ---- guards ----

    /** FP CSRs exist only while mstatus.FS is not Off. */
    private static final Guard FP = (f, p, n) -> (f.mstatus & Mstatus.FS) != 0;

    /** cycle/time/instret/hpmcounterN: enabled for S by mcounteren, for U also by scounteren. */
    private static final Guard COUNTER = (f, p, n) -> {
        long bit = 1L << (n & 31);
        if (p < 3 && (f.mcounteren & bit) == 0) return false;
        return p != 0 || (f.scounteren & bit) != 0;
    };

    /**
     * stimecmp (Sstc): below M it needs menvcfg.STCE and mcounteren.TM, else it is an illegal
     * instruction (Sstc spec, "stimecmp").
     */
    private static final Guard SSTC = (f, p, n) -> p == 3 || (f.menvcfg < 0 && (f.mcounteren & 2) != 0);

    /** satp in S-mode traps when mstatus.TVM is set. */
    private static final Guard TVM = (f, p, n) -> p == 3 || (f.mstatus & Mstatus.TVM) == 0;

    private static final Writer IGNORE = (f, v) -> {};

    static {
        // Floating point (writes mark FS dirty).
        def(FFLAGS, "fflags", FP, f -> f.fflags, (f, v) -> { f.fflags = (int) v & 0x1f; f.cpu.markFpDirty(); });
        def(FRM, "frm", FP, f -> f.frm, (f, v) -> { f.frm = (int) v & 7; f.cpu.markFpDirty(); });
        def(FCSR, "fcsr", FP, f -> (f.frm << 5) | f.fflags,
                (f, v) -> { f.fflags = (int) v & 0x1f; f.frm = (int) (v >>> 5) & 7; f.cpu.markFpDirty(); });

        // Unprivileged counters (read-only shadows).
        def(CYCLE, "cycle", COUNTER, RvCsrFile::mcycle, null);
        def(TIME, "time", COUNTER, f -> f.cpu.time(), null);
        def(INSTRET, "instret", COUNTER, RvCsrFile::minstret, null);
        for (int i = 3; i < 32; i++) def(0xc00 + i, "hpmcounter" + i, COUNTER, f -> 0, null);

        // Supervisor.
        def(SSTATUS, "sstatus", null, f -> f.readMstatus() & Mstatus.SSTATUS_MASK,
                (f, v) -> f.writeMstatus((f.mstatus & ~Mstatus.SSTATUS_WRITABLE) | (v & Mstatus.SSTATUS_WRITABLE)));
        def(SIE, "sie", null, f -> f.mie & f.mideleg, (f, v) -> f.mie = (f.mie & ~f.mideleg) | (v & f.mideleg & RvCsrFile.S_INTERRUPTS));
        def(STVEC, "stvec", null, f -> f.stvec, (f, v) -> f.stvec = legalTvec(f.stvec, v));
        def(SCOUNTEREN, "scounteren", null, f -> f.scounteren, (f, v) -> f.scounteren = v & 0xffff_ffffL);
        def(SENVCFG, "senvcfg", null, f -> f.senvcfg, (f, v) -> f.senvcfg = v & 1); // FIOM only
        def(SSCRATCH, "sscratch", null, f -> f.sscratch, (f, v) -> f.sscratch = v);
        def(SEPC, "sepc", null, f -> f.sepc, (f, v) -> f.sepc = v & ~1L);
        def(SCAUSE, "scause", null, f -> f.scause, (f, v) -> f.scause = v);
        def(STVAL, "stval", null, f -> f.stval, (f, v) -> f.stval = v);
        def(SIP, "sip", null, f -> f.mip() & f.mideleg,
                (f, v) -> { long m = f.mideleg & (1L << RvTrap.IRQ_SSI); f.mipSoftware = (f.mipSoftware & ~m) | (v & m); });
        def(STIMECMP, "stimecmp", SSTC, f -> f.stimecmp, (f, v) -> { f.stimecmp = v; f.updateSstc(); });
        def(SATP, "satp", TVM, f -> f.satp, RvCsrTable::writeSatp);

        // Machine information.
        def(MVENDORID, "mvendorid", null, f -> 0, null);
        def(MARCHID, "marchid", null, f -> 0, null);
        def(MIMPID, "mimpid", null, f -> 0, null);
        def(MHARTID, "mhartid", null, f -> f.cpu.index(), null);
        def(MCONFIGPTR, "mconfigptr", null, f -> 0, null);

        // Machine trap setup and handling.
        def(MSTATUS, "mstatus", null, RvCsrFile::readMstatus, RvCsrFile::writeMstatus);
        def(MISA, "misa", null, f -> RvCsrFile.MISA, IGNORE); // WARL, fixed extensions
        def(MEDELEG, "medeleg", null, f -> f.medeleg, (f, v) -> f.medeleg = v & RvCsrFile.DELEGABLE_EXCEPTIONS);
        def(MIDELEG, "mideleg", null, f -> f.mideleg, (f, v) -> f.mideleg = v & RvCsrFile.S_INTERRUPTS);
        def(MIE, "mie", null, f -> f.mie, (f, v) -> f.mie = v & RvCsrFile.ALL_INTERRUPTS);
        def(MTVEC, "mtvec", null, f -> f.mtvec, (f, v) -> f.mtvec = legalTvec(f.mtvec, v));
        def(MCOUNTEREN, "mcounteren", null, f -> f.mcounteren, (f, v) -> f.mcounteren = v & 0xffff_ffffL);
        // FIOM and STCE (Sstc); the rest is hard-wired to zero.
        def(MENVCFG, "menvcfg", null, f -> f.menvcfg, (f, v) -> { f.menvcfg = v & (1 | RvCsrFile.MENVCFG_STCE); f.updateSstc(); });
        def(MCOUNTINHIBIT, "mcountinhibit", null, f -> f.mcountinhibit, RvCsrFile::writeMcountinhibit);
        for (int i = 3; i < 32; i++) def(0x320 + i, "mhpmevent" + i, null, f -> 0, IGNORE);
        def(MSCRATCH, "mscratch", null, f -> f.mscratch, (f, v) -> f.mscratch = v);
        def(MEPC, "mepc", null, f -> f.mepc, (f, v) -> f.mepc = v & ~1L);
        def(MCAUSE, "mcause", null, f -> f.mcause, (f, v) -> f.mcause = v);
        def(MTVAL, "mtval", null, f -> f.mtval, (f, v) -> f.mtval = v);
        // With menvcfg.STCE set, STIP is read-only (the Sstc comparator drives it).
        def(MIP, "mip", null, RvCsrFile::mip, (f, v) -> {
            long m = RvCsrFile.S_INTERRUPTS & (f.menvcfg < 0 ? ~RvCsrFile.STIP : -1L);
            f.mipSoftware = (f.mipSoftware & ~m) | (v & m);
        });

        // PMP: on RV64 only the even pmpcfg registers exist.
        for (int i = 0; i < 16; i += 2) {
            int idx = i;
            // Pmp takes the CSR's own number N: pmpcfg2 holds entries 8..15.
            def(PMPCFG0 + i, "pmpcfg" + i, null, f -> f.cpu.mmu().pmp.readCfg(idx),
                    (f, v) -> { f.cpu.mmu().pmp.writeCfg(idx, v); f.cpu.mmu().flushAll(); });
        }
        for (int i = 0; i < 64; i++) {
            int idx = i;
            def(PMPADDR0 + i, "pmpaddr" + i, null, f -> f.cpu.mmu().pmp.readAddr(idx),
                    (f, v) -> { f.cpu.mmu().pmp.writeAddr(idx, v); f.cpu.mmu().flushAll(); });
        }

        // Machine counters.
        def(MCYCLE, "mcycle", null, RvCsrFile::mcycle, RvCsrFile::writeMcycle);
        def(MINSTRET, "minstret", null, RvCsrFile::minstret, RvCsrFile::writeMinstret);
        for (int i = 3; i < 32; i++) def(0xb00 + i, "mhpmcounter" + i, null, f -> 0, IGNORE);

        // Sdtrig with no triggers: tselect is hard-wired to 0 and tdata1 reports type 0
        // ("no trigger at this tselect"); tinfo says only type 0 exists.
        def(TSELECT, "tselect", null, f -> 0, IGNORE);
        def(TDATA1, "tdata1", null, f -> 0, IGNORE);
        def(TDATA2, "tdata2", null, f -> 0, IGNORE);
        def(TDATA3, "tdata3", null, f -> 0, IGNORE);
        def(TINFO, "tinfo", null, f -> 1, IGNORE);
    }

    /** xtvec: MODE 0 (direct) or 1 (vectored); a reserved mode leaves the register unchanged. */
    private static long legalTvec(long old, long v) {
        if ((v & 3) >= 2) return old;
        return v & ~2L;
    }

    /** satp: Bare, Sv39 or Sv48; other modes make the whole write have no effect (WARL). */
    private static void writeSatp(RvCsrFile f, long v) {
        long mode = v >>> 60;
        if (mode != 0 && mode != 8 && mode != 9) return;
        f.satp = v; // MODE, ASID (16 bits) and PPN (44 bits) are all implemented
        f.cpu.statusChanged();
    }
}
