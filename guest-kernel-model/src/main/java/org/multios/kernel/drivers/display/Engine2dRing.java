package org.multios.kernel.drivers.display;

import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.drivers.nvme.PolledWait;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The kernel's side of the display's 2D engine (BAR 4, docs/display.md): a 64-entry command ring
 * in one page of RAM, commands written there and announced through TAIL. The console waits for
 * the ring to drain after each batch (polling in virtual time, as the NVMe driver does), so what
 * the CPU draws next lands on top of the engine's work, never under it.
 */
final class Engine2dRing {
    static final int ID = 0x00, CONTROL = 0x08, STATUS = 0x0c, RING_LO = 0x10, RING_HI = 0x14, RING_LOG2 = 0x18,
            HEAD = 0x1c, TAIL = 0x20, ERROR = 0x30;
    static final int ENGINE_ID = 0x3144324d; // "M2D1"
    static final int CTRL_RUN = 1, CTRL_RESET = 2, STATUS_IDLE = 1, STATUS_ERROR = 2;
    static final int OP_FILL = 1, OP_COPY = 2, LOG2_ENTRIES = 6, ENTRIES = 1 << LOG2_ENTRIES, CMD = 64;
    /** Virtual time a batch may take before the engine is declared broken (a full-screen copy is ~2 ms). */
    static final long TIMEOUT_NANOS = 1_000_000_000L;

    private final PhysicalBus bus;
    private final long regs;
    private final PhysicalMemory mem;
    private final long ring;
    private final PolledWait wait;
    private int tail;
    private final byte[] cmd = new byte[CMD];

    private Engine2dRing(PhysicalBus bus, long regs, PhysicalMemory mem, long ring, PolledWait wait) {
        this.bus = bus;
        this.regs = regs;
        this.mem = mem;
        this.ring = ring;
        this.wait = wait;
    }

    /** Resets and starts the engine at {@code regs}; null when it is not there (QEMU's bochs-display) or no page is free. */
    static Engine2dRing start(PhysicalBus bus, long regs, PhysicalMemory mem, PageFrameAllocator frames, PolledWait wait) {
        if ((int) bus.read(regs + ID, 4) != ENGINE_ID) return null;
        long page = frames.allocate();
        if (page < 0) return null;
        mem.zeroPage(page);
        bus.write(regs + CONTROL, 4, CTRL_RESET);
        bus.write(regs + RING_LO, 4, page & 0xffff_ffffL);
        bus.write(regs + RING_HI, 4, page >>> 32);
        bus.write(regs + RING_LOG2, 4, LOG2_ENTRIES);
        bus.write(regs + CONTROL, 4, CTRL_RUN);
        return new Engine2dRing(bus, regs, mem, page, wait);
    }

    /** Queues a solid fill of a rectangle of the 32-bit surface at video-memory offset 0. */
    void fill(int pitch, int x, int y, int w, int h, int rgb) {
        java.util.Arrays.fill(cmd, (byte) 0);
        cmd[0] = OP_FILL;
        cmd[1] = (byte) 0xf0; // PATCOPY
        cmd[2] = 32;
        put32(4, w); put32(8, h); put32(12, rgb);
        put32(24, pitch); put32(28, x); put32(32, y);
        push();
    }

    /** Queues a screen-to-screen copy (memmove semantics for overlaps) on the same surface. */
    void copy(int pitch, int sx, int sy, int dx, int dy, int w, int h) {
        java.util.Arrays.fill(cmd, (byte) 0);
        cmd[0] = OP_COPY;
        cmd[1] = (byte) 0xcc; // SRCCOPY
        cmd[2] = 32;
        put32(4, w); put32(8, h);
        put32(24, pitch); put32(28, dx); put32(32, dy);
        put32(36, pitch); put32(48, sx); put32(52, sy);
        push();
    }

    /** Rings the doorbell and waits until the engine has executed everything; false on an error or timeout. */
    boolean submitAndWait() {
        bus.write(regs + TAIL, 4, tail);
        long deadline = wait.clock().preciseNanos() + TIMEOUT_NANOS;
        boolean ok = wait.until(() -> (int) bus.read(regs + HEAD, 4) == tail && (bus.read(regs + STATUS, 4) & STATUS_IDLE) != 0
                || (bus.read(regs + STATUS, 4) & STATUS_ERROR) != 0, deadline);
        return ok && (bus.read(regs + STATUS, 4) & STATUS_ERROR) == 0;
    }

    int error() { return (int) bus.read(regs + ERROR, 4); }

    private void push() {
        if (((tail + 1) & (ENTRIES - 1)) == (int) bus.read(regs + HEAD, 4)) submitAndWait(); // ring full: drain first
        mem.write(ring + (long) tail * CMD, cmd, 0, CMD);
        tail = (tail + 1) & (ENTRIES - 1);
    }

    private void put32(int at, int v) {
        cmd[at] = (byte) v; cmd[at + 1] = (byte) (v >>> 8); cmd[at + 2] = (byte) (v >>> 16); cmd[at + 3] = (byte) (v >>> 24);
    }
}
