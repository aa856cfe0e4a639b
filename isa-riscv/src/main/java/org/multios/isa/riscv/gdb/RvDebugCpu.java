package org.multios.isa.riscv.gdb;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.core.mmu.SoftTlb;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrTable;

/** One RISC-V hart as GDB sees it, over {@link RvCpu}'s public state. */
public final class RvDebugCpu implements DebugCpu {
    private static final String[] PRIV_NAMES = {"U", "S", "?", "M"};
    private final RvCpu cpu;
    private final RvPageTableView pageTables;

    public RvDebugCpu(RvCpu cpu) {
        this.cpu = cpu;
        this.pageTables = new RvPageTableView(cpu.bus());
    }

    public RvCpu rvCpu() { return cpu; }

    @Override public Cpu cpu() { return cpu; }
    @Override public TargetDescription description() { return RvTargetDescription.RV64; }
    @Override public long pc() { return cpu.pc(); }
    @Override public void setPc(long pc) { cpu.setPc(pc); }

    @Override
    public byte[] readRegister(int regnum) {
        var r = description().register(regnum);
        if (r == null) return null;
        long v;
        if (regnum < 32) v = cpu.xreg(regnum);
        else if (regnum == RvTargetDescription.PC) v = cpu.pc();
        else if (regnum < RvTargetDescription.FIRST_CSR) v = cpu.freg(regnum - RvTargetDescription.FIRST_FPR);
        else if (regnum == RvTargetDescription.PRIV) v = cpu.privilege();
        else {
            try {
                v = cpu.readCsr(regnum - RvTargetDescription.FIRST_CSR);
            } catch (RuntimeException e) {
                return null; // a CSR the table names but the hart cannot read: GDB shows it unavailable
            }
        }
        return le(v, r.byteSize());
    }

    @Override
    public boolean writeRegister(int regnum, byte[] value) {
        var r = description().register(regnum);
        if (r == null || value.length != r.byteSize()) return false;
        long v = 0;
        for (int i = value.length - 1; i >= 0; i--) v = v << 8 | (value[i] & 0xff);
        if (regnum < 32) cpu.setXreg(regnum, v);
        else if (regnum == RvTargetDescription.PC) cpu.setPc(v);
        else if (regnum < RvTargetDescription.FIRST_CSR) cpu.setFreg(regnum - RvTargetDescription.FIRST_FPR, v);
        else if (regnum == RvTargetDescription.PRIV) {
            if (v != 0 && v != 1 && v != 3) return false;
            cpu.setPrivilege((int) v);
        } else {
            try {
                cpu.writeCsr(regnum - RvTargetDescription.FIRST_CSR, v);
            } catch (IllegalArgumentException e) {
                return false; // read-only CSR
            }
        }
        return true;
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** Privilege whose translation data accesses use: MPRV makes M-mode loads use MPP's. */
    private int dataPrivilege() {
        int p = cpu.privilege();
        long mstatus = cpu.readCsr(RvCsrTable.MSTATUS);
        return p == 3 && (mstatus & Mstatus.MPRV) != 0 ? Mstatus.mpp(mstatus) : p;
    }

    @Override
    public boolean translating() {
        return dataPrivilege() != 3 && RvPageTableView.levels(cpu.readCsr(RvCsrTable.SATP)) != 0;
    }

    @Override
    public long translate(long vaddr, boolean write) {
        if (!translating()) return vaddr;
        long pa = pageTables.translate(cpu.readCsr(RvCsrTable.SATP), vaddr);
        return pa == -1 ? NO_TRANSLATION : pa;
    }

    @Override
    public void setDebugHooks(DebugHooks hooks) { cpu.setDebugHooks(hooks); }

    @Override
    public void flushTlb() { cpu.flushTlb(); }

    @Override
    public String threadInfo() {
        return "hart " + cpu.index() + ", " + PRIV_NAMES[cpu.privilege() & 3] + "-mode" + (cpu.isWaiting() ? ", wfi" : "");
    }

    @Override
    public String infoRegisters() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("pc       %016x   priv %s%n", cpu.pc(), PRIV_NAMES[cpu.privilege() & 3]));
        for (int i = 0; i < 32; i++) {
            sb.append(String.format("x%-2d/%-4s %016x%s", i, RvTargetDescription.XNAMES[i], cpu.xreg(i), i % 4 == 3 ? "\n" : "  "));
        }
        for (int i = 0; i < 32; i++) {
            sb.append(String.format("f%-2d/%-4s %016x%s", i, RvTargetDescription.FNAMES[i], cpu.freg(i), i % 4 == 3 ? "\n" : "  "));
        }
        int col = 0;
        for (int n = 0; n < 4096; n++) {
            RvCsrTable.Csr c = RvCsrTable.get(n);
            if (c == null || c.number() != n) continue;
            long v;
            try {
                v = cpu.readCsr(n);
            } catch (RuntimeException e) {
                continue; // named in the table but not readable on this hart
            }
            if (v == 0 && (c.name().startsWith("hpm") || c.name().startsWith("mhpm") || c.name().startsWith("pmpaddr"))) continue;
            sb.append(String.format("%-13s %016x%s", c.name(), v, ++col % 3 == 0 ? "\n" : "  "));
        }
        if (col % 3 != 0) sb.append('\n');
        return sb.toString();
    }

    @Override
    public String infoTlb() {
        SoftTlb t = cpu.mmu().fetchTlb();
        StringBuilder sb = new StringBuilder("soft TLB of the current privilege (" + PRIV_NAMES[cpu.privilege() & 3]
                + "-mode): virtual page -> physical page\n");
        int fetch = 0, load = 0, store = 0;
        for (int i = 0; i < SoftTlb.ENTRIES; i++) {
            if (t.fetchTag[i] != -1) {
                fetch++;
                sb.append(String.format("  fetch %016x -> %016x%n", t.fetchTag[i] << 12, t.fetchPhys[i]));
            }
            if (t.loadTag[i] != -1) load++;
            if (t.storeTag[i] != -1) {
                store++;
                sb.append(String.format("  store %016x -> %016x%n", t.storeTag[i] << 12, t.storePhys[i]));
            }
        }
        sb.append(String.format("%d fetch, %d load, %d store entries of %d%n", fetch, load, store, SoftTlb.ENTRIES));
        return sb.toString();
    }

    @Override
    public String infoMem() {
        long satp = cpu.readCsr(RvCsrTable.SATP);
        int levels = RvPageTableView.levels(satp);
        if (levels == 0) return "satp mode Bare: virtual addresses are physical\n";
        StringBuilder sb = new StringBuilder(String.format("Sv%d, root table at %016x%s%n", 12 + 9 * levels,
                (satp & ((1L << 44) - 1)) << 12, dataPrivilege() == 3 ? " (not in use: M-mode)" : ""));
        sb.append("virtual range                     physical         rwxugad\n");
        for (RvPageTableView.Mapping m : pageTables.mappings(satp)) sb.append(m.format());
        return sb.toString();
    }
}
