package org.multios.devices.display;

import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.devices.display.host.DisplayOutput;

/**
 * The scan-out: every 1/60 s of virtual time, if the mode or the video memory changed, the
 * current picture goes to the output (throttled to {@code minInterval} for costly outputs).
 * Driven by virtual time, so a deterministic run produces the same frames every time.
 */
public final class DisplayRefresh implements AutoCloseable {
    public static final long FRAME_NANOS = 16_666_667;

    private final VirtualClock clock;
    private final BochsDisplayFunction display;
    private final DisplayOutput output;
    private final long minInterval;
    private TimerEvent event;
    private long lastGeneration = -1, lastOutput = Long.MIN_VALUE / 2;
    private DisplayMode lastMode;
    private boolean closed;

    public DisplayRefresh(VirtualClock clock, BochsDisplayFunction display, DisplayOutput output, long minIntervalNanos) {
        this.clock = clock;
        this.display = display;
        this.output = output;
        this.minInterval = minIntervalNanos;
        event = clock.scheduleIn(FRAME_NANOS, this::tick);
    }

    private void tick() {
        event = null;
        if (closed) return;
        if (clock.nanos() - lastOutput >= minInterval) refresh();
        event = clock.scheduleIn(FRAME_NANOS, this::tick);
    }

    /** Sends the picture to the output if it changed since the last frame. */
    public void refresh() {
        DisplayMode mode = display.mode();
        long gen = display.vram().generation();
        if (gen == lastGeneration && java.util.Objects.equals(mode, lastMode)) return;
        long[] bytes = display.vram().takeDirty();
        int first = 0, end = mode == null ? 0 : mode.height();
        if (mode != null && mode.equals(lastMode)) {
            // Only the lines the written pages cover; nothing visible changed if they lie outside the picture.
            first = (int) Math.max(0, Math.min(end, Math.floorDiv(bytes[0] - mode.offset(), mode.stride())));
            end = (int) Math.max(0, Math.min(end, Math.ceilDiv(bytes[1] - mode.offset(), mode.stride())));
        }
        lastGeneration = gen;
        lastMode = mode;
        if (mode != null && first >= end) return;
        lastOutput = clock.nanos();
        output.frame(mode, display.vram(), first, end);
    }

    /** The last frame is shown, then the output closes. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (event != null) clock.cancel(event);
        refresh();
        output.close();
    }
}
