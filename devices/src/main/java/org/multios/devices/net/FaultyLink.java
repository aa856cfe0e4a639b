package org.multios.devices.net;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A test back end wrapper that makes the wire unreliable (issue 8, Must show 5):
 * {@code --net BACKEND,...,loss=P,dup=P,reorder=P,seed=N}. Each direction (guest to network,
 * network to guest) has its own {@link Direction} with its own random stream from the seed;
 * every frame draws exactly three numbers in a fixed order (lose? duplicate? hold back?), so
 * the decisions depend only on the seed and the frame's position in its direction — a run
 * that sends the same frames sees the same faults.
 * <ul>
 * <li>loss: the frame is dropped.</li>
 * <li>dup: the frame leaves twice, back to back.</li>
 * <li>reorder: the frame is held back and leaves right after the next frame of its direction
 *     (a swap with its successor). A held frame on an idle link waits for the next frame, as a
 *     frame delayed on a real link would; only one frame is held at a time.</li>
 * </ul>
 * Frames are never altered. The pcap tap, when asked for, sits outside this wrapper: the
 * capture shows the guest's view (what it sent, what it was given).
 */
public final class FaultyLink implements NetBackend {
    /** The fault probabilities (each 0..1) and the seed. */
    public record Faults(double loss, double dup, double reorder, long seed) {
        public Faults {
            check("loss", loss);
            check("dup", dup);
            check("reorder", reorder);
        }

        private static void check(String what, double p) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + " must be a probability between 0 and 1, not " + p);
        }

        public static final Faults NONE = new Faults(0, 0, 0, 0);

        public boolean any() { return loss > 0 || dup > 0 || reorder > 0; }
    }

    /** One direction of the link: decides the fate of each frame from its own random stream. */
    public static final class Direction {
        private final Faults f;
        private final SplittableRandom random;
        private byte[] held;
        private long frames, dropped, duplicated, reordered;

        /** {@code stream} separates the two directions' random sequences under one seed. */
        public Direction(Faults f, int stream) {
            this.f = f;
            this.random = new SplittableRandom(f.seed() * 0x9E3779B97F4A7C15L + stream);
        }

        /** The frames that leave, in order, when frame arrives (possibly none). */
        public synchronized List<byte[]> pass(byte[] frame) {
            frames++;
            boolean lose = random.nextDouble() < f.loss();
            boolean dup = random.nextDouble() < f.dup();
            boolean hold = random.nextDouble() < f.reorder();
            List<byte[]> out = new ArrayList<>(3);
            if (lose) {
                dropped++;
                return out;
            }
            if (hold && held == null) {
                reordered++;
                held = frame;
                if (dup) {
                    duplicated++;
                    out.add(frame);   // one copy now, the other after the next frame
                }
                return out;
            }
            out.add(frame);
            if (dup) {
                duplicated++;
                out.add(frame);
            }
            if (held != null) {
                out.add(held);
                held = null;
            }
            return out;
        }

        /** The held-back frame, if any (released, e.g. when the link closes or a test drains it). */
        public synchronized List<byte[]> flush() {
            List<byte[]> out = held == null ? List.of() : List.of(held);
            held = null;
            return out;
        }

        public synchronized long frames() { return frames; }
        public synchronized long dropped() { return dropped; }
        public synchronized long duplicated() { return duplicated; }
        public synchronized long reordered() { return reordered; }

        @Override
        public synchronized String toString() {
            return frames + " frames, " + dropped + " dropped, " + duplicated + " duplicated, " + reordered + " reordered";
        }
    }

    private final NetBackend inner;
    private final Direction toNetwork, toGuestDir;
    private volatile FrameSink toGuest = frame -> {};

    public FaultyLink(NetBackend inner, Faults faults) {
        this.inner = inner;
        this.toNetwork = new Direction(faults, 1);
        this.toGuestDir = new Direction(faults, 2);
        inner.attach(frame -> {
            for (byte[] f : toGuestDir.pass(frame)) toGuest.deliver(f);
        });
    }

    @Override
    public void attach(FrameSink sink) { toGuest = sink; }

    @Override
    public void transmit(byte[] frame) {
        for (byte[] f : toNetwork.pass(frame)) inner.transmit(f);
    }

    @Override
    public boolean mayDeliver() { return inner.mayDeliver(); }

    /** Guest-to-network direction (counters). */
    public Direction outbound() { return toNetwork; }

    /** Network-to-guest direction (counters). */
    public Direction inbound() { return toGuestDir; }

    private boolean closed;

    /** Closes the wrapped back end and reports what the link did (one line on stderr, as the pcap tap reports). */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        inner.close();
        System.err.println("multios: faulty link: to the network " + toNetwork + "; to the guest " + toGuestDir);
    }
}
