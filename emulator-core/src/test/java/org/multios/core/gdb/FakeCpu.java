package org.multios.core.gdb;

import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.debug.RegisterInfo;
import org.multios.core.debug.TargetDescription;
import org.multios.core.debug.TargetFeature;
import org.multios.core.machine.Cpu;
import org.multios.core.machine.Machine;

/**
 * A toy CPU for the stub's tests: 4-byte instructions {@code op | imm24 << 8} read from the
 * bus, four 64-bit registers, a pc and one 32-bit "status" register outside the g packet.
 * With {@code paging} on, virtual = physical + {@link #VOFF}.
 */
final class FakeCpu implements Cpu, DebugCpu {
    static final long CODE = 0x8000_0000L, DATA = 0x8000_8000L, VOFF = 0x10_0000_0000L;
    static final int NOP = 0, ADDI = 1, STORE = 2, LOAD = 3, JMP = 4, HALT = 5;

    static final TargetDescription DESCRIPTION = new TargetDescription("fake:64", List.of(
            new TargetFeature("org.multios.fake.core", "fake-core.xml", "", List.of(
                    new RegisterInfo(0, "r0", 64, "int", "general"),
                    new RegisterInfo(1, "r1", 64, "int", "general"),
                    new RegisterInfo(2, "r2", 64, "int", "general"),
                    new RegisterInfo(3, "r3", 64, "int", "general"),
                    new RegisterInfo(4, "pc", 64, "code_ptr", "general"))),
            new TargetFeature("org.multios.fake.sys", "fake-sys.xml", "", List.of(
                    new RegisterInfo(5, "status", 32, "int", "system")))), 5);

    static int insn(int op, int imm) { return op | imm << 8; }

    private final int index;
    private final PhysicalBus bus;
    private final Machine machine;
    final long[] r = new long[4];
    long pc = CODE;
    int status = 0x1234;
    boolean paging;
    volatile boolean exit;
    DebugHooks hooks;
    int tlbFlushes;
    long retired;

    FakeCpu(int index, PhysicalBus bus, Machine machine) {
        this.index = index;
        this.bus = bus;
        this.machine = machine;
    }

    private long phys(long v) { return paging ? v - VOFF : v; }

    private long virt(long p) { return paging ? p + VOFF : p; }

    // ---- Cpu ----
    @Override public int index() { return index; }
    @Override public void reset() { java.util.Arrays.fill(r, 0); pc = virt(CODE); }
    @Override public boolean isWaiting() { return false; }
    @Override public long pc() { return pc; }
    @Override public void requestExit() { exit = true; }

    @Override
    public long run(long max) {
        exit = false;
        long n = 0;
        while (n < max && !exit) {
            if (hooks != null && hooks.beforeInstruction(index, pc)) break;
            int w = (int) bus.read(phys(pc), 4);
            int imm = w >>> 8;
            long next = pc + 4;
            switch (w & 0xff) {
                case ADDI -> r[0] += imm;
                case STORE -> { access(virt(DATA) + imm, true); bus.write(DATA + imm, 8, r[0]); }
                case LOAD -> { access(virt(DATA) + imm, false); r[1] = bus.read(DATA + imm, 8); }
                case JMP -> next = virt(CODE) + imm;
                case HALT -> machine.stop((int) (r[0] & 0xff), "halt");
                default -> { }
            }
            pc = next;
            n++;
            retired++;
        }
        return n;
    }

    private void access(long vaddr, boolean write) {
        if (hooks != null && hooks.watchesPage(vaddr)) hooks.dataAccess(index, vaddr, 8, write);
    }

    // ---- DebugCpu ----
    @Override public Cpu cpu() { return this; }
    @Override public TargetDescription description() { return DESCRIPTION; }
    @Override public void setPc(long pc) { this.pc = pc; }

    @Override
    public byte[] readRegister(int regnum) {
        if (regnum == 5) return le(status, 4);
        if (regnum == 4) return le(pc, 8);
        return regnum >= 0 && regnum < 4 ? le(r[regnum], 8) : null;
    }

    @Override
    public boolean writeRegister(int regnum, byte[] v) {
        long x = 0;
        for (int i = v.length - 1; i >= 0; i--) x = x << 8 | (v[i] & 0xff);
        switch (regnum) {
            case 0, 1, 2, 3 -> r[regnum] = x;
            case 4 -> pc = x;
            case 5 -> status = (int) x;
            default -> { return false; }
        }
        return true;
    }

    static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    @Override
    public long translate(long vaddr, boolean write) {
        if (!paging) return vaddr;
        return Long.compareUnsigned(vaddr, VOFF) >= 0 ? vaddr - VOFF : NO_TRANSLATION;
    }

    @Override public boolean translating() { return paging; }
    @Override public void setDebugHooks(DebugHooks hooks) { this.hooks = hooks; }
    @Override public void flushTlb() { tlbFlushes++; }
    @Override public String threadInfo() { return "fake cpu " + index; }
    @Override public String infoRegisters() { return String.format("r0 %016x%npc %016x%n", r[0], pc); }
    @Override public String infoTlb() { return "tlb of fake cpu " + index + "\n"; }
}
