package org.multios.devices.block;

import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link OverlayCrashTest}: writes a deterministic stream of
 * writes (and write-zeroes) through a copy-on-write overlay, flushing every few
 * writes and printing "F k" once writes 0..k-1 are flushed. The parent kills it with
 * SIGKILL at some point and checks what survived.
 */
public final class OverlayCrashWriter {
    static final int FLUSH_EVERY = 5, MAX_OPS = 4000;

    /** Operation i: start block, block count, zeroes or data. */
    record Op(long lba, int nlb, boolean zero) {}

    static Op[] ops(long seed, long blocks) {
        Random r = new Random(seed);
        Op[] ops = new Op[MAX_OPS];
        for (int i = 0; i < MAX_OPS; i++) {
            int nlb = 1 + r.nextInt(r.nextInt(4) == 0 ? 300 : 24);
            long lba = (long) (r.nextDouble() * (blocks - nlb));
            ops[i] = new Op(lba, nlb, r.nextInt(8) == 0);
        }
        return ops;
    }

    /** The bytes write {@code i} puts in block {@code lba}: (i, lba) repeated. */
    static byte[] block(int i, long lba) {
        byte[] b = new byte[512];
        for (int o = 0; o < 512; o += 16) {
            for (int k = 0; k < 8; k++) {
                b[o + k] = (byte) (i >>> (8 * k));
                b[o + 8 + k] = (byte) (lba >>> (8 * k));
            }
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]), overlay = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        DiskImage d = DiskSpec.parse(base + ",overlay=" + overlay).open(false, w -> {});
        Op[] ops = ops(seed, d.size() / 512);
        for (int i = 0; i < MAX_OPS; i++) {
            Op op = ops[i];
            if (op.zero()) {
                d.writeZeroes(op.lba() * 512, op.nlb() * 512L);
            } else {
                byte[] data = new byte[op.nlb() * 512];
                for (int k = 0; k < op.nlb(); k++) System.arraycopy(block(i, op.lba() + k), 0, data, k * 512, 512);
                d.write(op.lba() * 512, data, 0, data.length);
            }
            if ((i + 1) % FLUSH_EVERY == 0) {
                d.flush();
                System.out.println("F " + (i + 1));
                System.out.flush();
            }
        }
        d.close();
        System.out.println("DONE");
    }
}
