package org.multios.devices.display;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.MmioDevice;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * The display's 2D engine (BAR 4): a command ring in guest memory that software fills and
 * announces by writing {@code TAIL}; the engine fetches 64-byte commands by DMA, draws into video
 * memory (FILL, COPY, BLIT with any of the 256 ternary raster operations, as GDI's ROP3 codes
 * define them), signals FENCEs and raises an interrupt on completion or error. Work takes virtual
 * time proportional to the pixels touched, so a driver really does wait for its fences. The
 * register and command layouts are documented in docs/display.md.
 */
public final class Engine2d implements MmioDevice {
    /** What the engine needs from its PCI function. */
    public interface Host {
        void dmaRead(long address, byte[] dst, int from, int length);
        void dmaWrite(long address, byte[] src, int from, int length);
        void interrupt(boolean level);
    }

    public static final int REG_ID = 0x00, REG_VERSION = 0x04, REG_CONTROL = 0x08, REG_STATUS = 0x0c, REG_RING_LO = 0x10,
            REG_RING_HI = 0x14, REG_RING_LOG2 = 0x18, REG_HEAD = 0x1c, REG_TAIL = 0x20, REG_FENCE = 0x24,
            REG_IRQ_STATUS = 0x28, REG_IRQ_ENABLE = 0x2c, REG_ERROR = 0x30, REG_ERROR_AT = 0x34, REG_FENCE_HI = 0x38;
    public static final int ID = 0x3144324d; // "M2D1" in memory order
    public static final int VERSION = 0x0001_0000;
    public static final int CONTROL_RUN = 1, CONTROL_RESET = 2;
    public static final int STATUS_IDLE = 1, STATUS_ERROR = 2, STATUS_RUNNING = 4;
    public static final int IRQ_FENCE = 1, IRQ_ERROR = 2, IRQ_IDLE = 4;
    public static final int OP_NOP = 0, OP_FILL = 1, OP_COPY = 2, OP_BLIT = 3, OP_FENCE = 4;
    public static final int FLAG_SRC_GUEST = 1, FLAG_FENCE_IRQ = 2, FLAG_FENCE_WRITE = 4;
    public static final int ERR_NONE = 0, ERR_OPCODE = 1, ERR_BOUNDS = 2, ERR_DMA = 3, ERR_RING = 4, ERR_FORMAT = 5;
    public static final int COMMAND_BYTES = 64;
    /** Virtual time per command and per pixel: a few hundred megapixels per second, like a simple blitter. */
    static final long NANOS_PER_COMMAND = 200, PICOS_PER_PIXEL = 2_500;

    private final VirtualClock clock;
    private final Vram vram;
    private final Host host;
    private long ringBase;
    private int ringLog2 = 8, head, tail, control, irqStatus, irqEnable, error, errorAt;
    private long fence;
    private TimerEvent pending;
    private long commandsDone, pixelsDone;

    public Engine2d(VirtualClock clock, Vram vram, Host host) {
        this.clock = clock;
        this.vram = vram;
        this.host = host;
    }

    @Override
    public long read(long offset, int size) {
        if (size != 4) return 0;
        return switch ((int) offset) {
            case REG_ID -> ID;
            case REG_VERSION -> VERSION;
            case REG_CONTROL -> control;
            case REG_STATUS -> status();
            case REG_RING_LO -> ringBase & 0xffff_ffffL;
            case REG_RING_HI -> ringBase >>> 32;
            case REG_RING_LOG2 -> ringLog2;
            case REG_HEAD -> head;
            case REG_TAIL -> tail;
            case REG_FENCE -> fence & 0xffff_ffffL;
            case REG_FENCE_HI -> fence >>> 32;
            case REG_IRQ_STATUS -> irqStatus;
            case REG_IRQ_ENABLE -> irqEnable;
            case REG_ERROR -> error;
            case REG_ERROR_AT -> errorAt;
            default -> 0;
        } & 0xffff_ffffL;
    }

    private int status() {
        int s = 0;
        if (head == tail || error != ERR_NONE || (control & CONTROL_RUN) == 0) s |= STATUS_IDLE;
        if (error != ERR_NONE) s |= STATUS_ERROR;
        if ((control & CONTROL_RUN) != 0) s |= STATUS_RUNNING;
        return s;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4) return;
        int v = (int) value;
        switch ((int) offset) {
            case REG_CONTROL -> {
                if ((v & CONTROL_RESET) != 0) { reset(); return; }
                control = v & CONTROL_RUN;
                kick();
            }
            // The ring may only be moved while the engine is stopped: a live ring changing under it is a driver bug.
            case REG_RING_LO -> { if ((control & CONTROL_RUN) == 0) ringBase = (ringBase & ~0xffff_ffffL) | (v & 0xffff_ffc0L); }
            case REG_RING_HI -> { if ((control & CONTROL_RUN) == 0) ringBase = (ringBase & 0xffff_ffffL) | ((long) v << 32); }
            case REG_RING_LOG2 -> { if ((control & CONTROL_RUN) == 0) { ringLog2 = v; head = tail = 0; } }
            case REG_TAIL -> { tail = v; kick(); }
            case REG_IRQ_STATUS -> { irqStatus &= ~v; updateIrq(); }
            case REG_IRQ_ENABLE -> { irqEnable = v & (IRQ_FENCE | IRQ_ERROR | IRQ_IDLE); updateIrq(); }
            default -> { }
        }
    }

    @Override
    public void reset() {
        if (pending != null) clock.cancel(pending);
        pending = null;
        ringBase = 0;
        ringLog2 = 8;
        head = tail = control = irqStatus = irqEnable = error = errorAt = 0;
        fence = 0;
        updateIrq();
    }

    public long commandsDone() { return commandsDone; }
    public long pixelsDone() { return pixelsDone; }

    private void kick() {
        if (pending != null || error != ERR_NONE || (control & CONTROL_RUN) == 0 || head == tail) return;
        if (ringLog2 < 4 || ringLog2 > 16 || Integer.toUnsignedLong(tail) >= (1L << ringLog2)) { fail(ERR_RING); return; }
        pending = clock.scheduleIn(NANOS_PER_COMMAND, this::run);
    }

    /**
     * Executes the command at HEAD, then lets its cost in virtual time pass before the next one
     * starts: a FENCE therefore completes only after the drawing queued before it has had its time.
     */
    private void run() {
        pending = null;
        if (head == tail || error != ERR_NONE || (control & CONTROL_RUN) == 0) return;
        byte[] raw = new byte[COMMAND_BYTES];
        try {
            host.dmaRead(ringBase + (long) head * COMMAND_BYTES, raw, 0, COMMAND_BYTES);
        } catch (BusErrorException e) {
            fail(ERR_DMA);
            return;
        }
        Command c = Command.decode(raw);
        int err = execute(c);
        if (err != ERR_NONE) {
            fail(err);
            return;
        }
        boolean draws = c.opcode != OP_FENCE && c.opcode != OP_NOP;
        long px = draws ? (long) c.width * c.height : 0;
        pixelsDone += px;
        commandsDone++;
        head = (head + 1) & ((1 << ringLog2) - 1);
        if (head == tail) raise(IRQ_IDLE);
        else pending = clock.scheduleIn(NANOS_PER_COMMAND + px * PICOS_PER_PIXEL / 1000, this::run);
    }

    private int execute(Command c) {
        return switch (c.opcode) {
            case OP_NOP -> ERR_NONE;
            case OP_FILL -> draw(c, false);
            case OP_COPY, OP_BLIT -> draw(c, true);
            case OP_FENCE -> {
                fence = c.fence;
                if ((c.flags & FLAG_FENCE_WRITE) != 0) {
                    byte[] v = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(c.fence).array();
                    try {
                        host.dmaWrite(c.src, v, 0, 8);
                    } catch (BusErrorException e) {
                        yield ERR_DMA;
                    }
                }
                if ((c.flags & FLAG_FENCE_IRQ) != 0) raise(IRQ_FENCE);
                yield ERR_NONE;
            }
            default -> ERR_OPCODE;
        };
    }

    /** FILL (pattern only), COPY (source copy) and BLIT (any ROP3) over one rectangle. */
    private int draw(Command c, boolean hasSource) {
        int bpp = c.bytesPerPixel();
        if (bpp == 0) return ERR_FORMAT;
        int rop = switch (c.opcode) { case OP_FILL -> c.rop == 0 ? Rop3.PATCOPY : c.rop; case OP_COPY -> Rop3.SRCCOPY; default -> c.rop; };
        if (c.width == 0 || c.height == 0) return ERR_NONE;
        if (!inside(c.dst, c.dstPitch, c.dstX, c.dstY, c.width, c.height, bpp, vram.size())) return ERR_BOUNDS;
        boolean fromGuest = hasSource && (c.flags & FLAG_SRC_GUEST) != 0;
        if (hasSource && !fromGuest && !inside(c.src, c.srcPitch, c.srcX, c.srcY, c.width, c.height, bpp, vram.size())) return ERR_BOUNDS;
        if (fromGuest && !inside(c.src, c.srcPitch, c.srcX, c.srcY, c.width, c.height, bpp, Long.MAX_VALUE / 4)) return ERR_BOUNDS;
        int rowBytes = c.width * bpp;
        byte[] srcRow = new byte[rowBytes], dstRow = new byte[rowBytes];
        // Overlapping VRAM copies must read each source row before it is overwritten: walk bottom-up when
        // the destination lies below the source (each row is read whole first, so left/right overlap is safe).
        boolean bottomUp = hasSource && !fromGuest && rowAddress(c.dst, c.dstPitch, c.dstX, c.dstY, bpp) > rowAddress(c.src, c.srcPitch, c.srcX, c.srcY, bpp);
        for (int i = 0; i < c.height; i++) {
            int row = bottomUp ? c.height - 1 - i : i;
            long d = rowAddress(c.dst, c.dstPitch, c.dstX, c.dstY + row, bpp);
            if (hasSource) {
                long s = rowAddress(c.src, c.srcPitch, c.srcX, c.srcY + row, bpp);
                if (fromGuest) {
                    try {
                        host.dmaRead(s, srcRow, 0, rowBytes);
                    } catch (BusErrorException e) {
                        return ERR_DMA;
                    }
                } else {
                    vram.copyOut(s, srcRow, 0, rowBytes);
                }
            }
            if (rop == Rop3.SRCCOPY) {
                vram.copyIn(d, srcRow, 0, rowBytes);
                continue;
            }
            vram.copyOut(d, dstRow, 0, rowBytes);
            for (int x = 0; x < rowBytes; x += bpp) {
                int dv = pixel(dstRow, x, bpp), sv = hasSource ? pixel(srcRow, x, bpp) : 0;
                put(dstRow, x, bpp, Rop3.apply(rop, c.color, sv, dv));
            }
            vram.copyIn(d, dstRow, 0, rowBytes);
        }
        return ERR_NONE;
    }

    private static long rowAddress(long base, int pitch, int x, int y, int bpp) {
        return base + (long) y * pitch + (long) x * bpp;
    }

    /** The whole rectangle lies in [0, limit) and rows do not overlap each other. */
    private static boolean inside(long base, int pitch, int x, int y, int w, int h, int bpp, long limit) {
        if (base < 0 || pitch < 0 || x < 0 || y < 0 || w < 0 || h < 0) return false;
        long rowBytes = (long) w * bpp;
        if (h > 1 && pitch < rowBytes) return false;
        long last = rowAddress(base, pitch, x, y + h - 1, bpp) + rowBytes;
        return last <= limit && last > base;
    }

    private static int pixel(byte[] b, int at, int bpp) {
        return bpp == 4 ? (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24
                : (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static void put(byte[] b, int at, int bpp, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        if (bpp == 4) {
            b[at + 2] = (byte) (v >>> 16);
            b[at + 3] = (byte) (v >>> 24);
        }
    }

    private void fail(int code) {
        error = code;
        errorAt = head;
        raise(IRQ_ERROR);
    }

    private void raise(int bits) {
        irqStatus |= bits;
        updateIrq();
    }

    private void updateIrq() { host.interrupt((irqStatus & irqEnable) != 0); }

    /** One 64-byte ring entry (little-endian), as docs/display.md lays it out. */
    record Command(int opcode, int rop, int format, int flags, int width, int height, int color,
                   long dst, int dstPitch, int dstX, int dstY, int srcPitch, long src, int srcX, int srcY, long fence) {
        static Command decode(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            return new Command(b.get(0) & 0xff, b.get(1) & 0xff, b.get(2) & 0xff, b.get(3) & 0xff, b.getInt(4), b.getInt(8),
                    b.getInt(12), b.getLong(16), b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36), b.getLong(40),
                    b.getInt(48), b.getInt(52), b.getLong(56));
        }

        /** 32 → 4 bytes, 16 → 2 bytes; anything else is not a pixel format the engine knows. */
        int bytesPerPixel() { return format == 32 ? 4 : format == 16 ? 2 : 0; }
    }
}
