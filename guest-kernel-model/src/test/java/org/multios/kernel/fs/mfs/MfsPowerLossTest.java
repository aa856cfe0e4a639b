package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Power loss, harsher than SIGKILL: writes not yet flushed may be lost, kept, or torn at 512-byte
 * sectors, in any combination. After each simulated loss the image must mount without problems,
 * fsck clean, hold every file exactly as of the last fsync unless it changed since, and hold in
 * every file only a state that file really had.
 */
class MfsPowerLossTest {
    /** Durable bytes plus the writes issued since the last flush. */
    static final class PowerLossDevice implements BlockDevice {
        final byte[] durable, view;
        final List<long[]> pending = new ArrayList<>(); // {offset, length}
        final List<byte[]> pendingData = new ArrayList<>();
        int writes, crashAt = -1;
        byte[] captured;
        Random crashRandom;

        PowerLossDevice(int size) {
            durable = new byte[size];
            view = new byte[size];
        }

        public long size() { return view.length; }
        public boolean isReadOnly() { return false; }
        public String name() { return "powerloss"; }

        public void read(long o, byte[] b, int f, int l) throws IOException {
            checkRange(o, l);
            System.arraycopy(view, (int) o, b, f, l);
        }

        public void write(long o, byte[] b, int f, int l) throws IOException {
            checkRange(o, l);
            System.arraycopy(b, f, view, (int) o, l);
            pending.add(new long[] {o, l});
            pendingData.add(Arrays.copyOfRange(b, f, f + l));
            if (++writes == crashAt) captured = crash(crashRandom); // the power fails right after this write // the power fails right after this write
        }

        public void flush() {
            System.arraycopy(view, 0, durable, 0, view.length);
            pending.clear();
            pendingData.clear();
        }

        /** The disk after a power cut: each unflushed sector independently kept or lost. */
        byte[] crash(Random r) {
            byte[] img = durable.clone();
            int mode = r.nextInt(3); // 0: lose all, 1: keep a random prefix of the writes, 2: random sectors
            int prefix = r.nextInt(pending.size() + 1);
            for (int i = 0; i < pending.size(); i++) {
                long o = pending.get(i)[0];
                byte[] d = pendingData.get(i);
                for (int s = 0; s < d.length; s += 512) {
                    boolean keep = mode == 1 ? i < prefix : mode == 2 && r.nextBoolean();
                    if (keep) System.arraycopy(d, s, img, (int) o + s, Math.min(512, d.length - s));
                }
            }
            return img;
        }
    }

    static int hash(byte[] b) { return Arrays.hashCode(b); }
    static final int ABSENT = 0x7fffffff;

    @Test
    void survivesPowerLossAtRandomPoints() throws Exception {
        Random r = new Random(77);
        crashes = 0;
        for (int run = 0; run < 12; run++) {
            PowerLossDevice dev = new PowerLossDevice(8 << 20);
            MfsVolume.format(dev, MfsFormatOptions.defaults().withInodes(256));
            dev.flush();
            MfsVolume v = MfsVolume.mount(dev, MfsMountOptions.defaults());
            Map<String, byte[]> model = new HashMap<>(), synced = new HashMap<>();
            Map<String, Set<Integer>> allowed = new HashMap<>(); // contents each path may show after a crash
            Set<String> changedSinceSync = new HashSet<>();
            for (int j = 0; j < 6; j++) allowedOf(allowed, "f" + j).add(ABSENT); // nothing exists before the first commit
            int ops = 20 + r.nextInt(150);
            dev.crashRandom = r;
            dev.crashAt = dev.writes + 1 + r.nextInt(60);
            for (int i = 0; i < ops; i++) {
                String p = "f" + r.nextInt(6);
                int k = r.nextInt(10);
                if (k < 4) {
                    byte[] old = model.getOrDefault(p, null);
                    long ino = old == null ? v.create(MfsVolume.ROOT, p, 0644, 0, 0) : v.resolve("/" + p, false);
                    if (old == null) old = new byte[0];
                    int off = r.nextInt(old.length + 1), len = 1 + r.nextInt(r.nextBoolean() ? 9000 : 200);
                    byte[] x = new byte[len];
                    r.nextBytes(x);
                    if (old.length == 0) allowedOf(allowed, p).add(hash(new byte[0]));
                    v.write(ino, off, x, 0, len);
                    byte[] n = Arrays.copyOf(old, Math.max(old.length, off + len));
                    System.arraycopy(x, 0, n, off, len);
                    model.put(p, n);
                } else if (k < 5 && model.containsKey(p)) {
                    int size = r.nextInt(model.get(p).length + 1);
                    v.truncate(v.resolve("/" + p, false), size);
                    model.put(p, Arrays.copyOf(model.get(p), size));
                } else if (k < 6 && model.containsKey(p)) {
                    v.unlink(MfsVolume.ROOT, p);
                    model.remove(p);
                } else if (k < 7 && model.containsKey(p)) {
                    String q = "f" + r.nextInt(6);
                    if (!q.equals(p)) {
                        v.rename(MfsVolume.ROOT, p, MfsVolume.ROOT, q);
                        model.put(q, model.remove(p));
                        changedSinceSync.add(q);
                        allowedOf(allowed, q).add(hash(model.get(q)));
                    }
                } else {
                    v.fsync(MfsVolume.ROOT);
                    if (dev.captured != null) { // cut during this fsync: it may or may not have committed
                        midCommit++;
                        verifyCaptured(dev, r, "run " + run + " op " + i + " (fsync)", synced, allowed, changedSinceSync);
                    }
                    synced = copy(model);
                    changedSinceSync.clear();
                    allowed.clear();
                    for (Map.Entry<String, byte[]> e : model.entrySet()) allowedOf(allowed, e.getKey()).add(hash(e.getValue()));
                    for (int j = 0; j < 6; j++) if (!model.containsKey("f" + j)) allowedOf(allowed, "f" + j).add(ABSENT);
                    continue;
                }
                changedSinceSync.add(p);
                allowedOf(allowed, p).add(model.containsKey(p) ? hash(model.get(p)) : ABSENT);
                if (dev.captured != null) verifyCaptured(dev, r, "run " + run + " op " + i, synced, allowed, changedSinceSync);
            }
            for (int c = 0; c < 4; c++) {
                verify(dev.crash(r), "run " + run + " end crash " + c, synced, allowed, changedSinceSync);
                crashes++;
            }
            v.close();
        }
        assertTrue(checkedIntact > 100, "checked " + checkedIntact);
        assertTrue(midCommit > 10, "power cuts inside a commit: " + midCommit);
        System.out.println("power-loss test: " + crashes + " simulated power cuts (" + midCommit + " during a commit), " + checkedIntact + " unchanged files checked intact");
    }

    int crashes, checkedIntact, midCommit;

    void verifyCaptured(PowerLossDevice dev, Random r, String where, Map<String, byte[]> synced, Map<String, Set<Integer>> allowed,
                        Set<String> changed) throws Exception {
        verify(dev.captured, where, synced, allowed, changed);
        crashes++;
        dev.captured = null;
        dev.crashAt = dev.writes + 1 + r.nextInt(60);
    }

    void verify(byte[] img, String where, Map<String, byte[]> synced, Map<String, Set<Integer>> allowed, Set<String> changedSinceSync) throws Exception {
        try (MfsVolume w = MfsVolume.mount(new MemoryBlockDevice(img), MfsMountOptions.defaults())) {
            assertTrue(w.mountProblems().isEmpty(), where + ": " + w.mountProblems());
            FsckReport rep = Fsck.check(w, false);
            assertTrue(rep.clean(), where + ": " + rep.problems);
            for (int j = 0; j < 6; j++) {
                String p = "f" + j;
                int got;
                try {
                    long ino = w.resolve("/" + p, false);
                    byte[] b = new byte[(int) w.stat(ino).size()];
                    if (b.length > 0) w.read(ino, 0, b, 0, b.length);
                    got = hash(b);
                } catch (MfsException e) {
                    assertEquals(MfsException.Errno.ENOENT, e.errno(), where + " " + p);
                    got = ABSENT;
                }
                if (!changedSinceSync.contains(p)) {
                    int want = synced.containsKey(p) ? hash(synced.get(p)) : ABSENT;
                    assertEquals(want, got, where + ": " + p + " differs from its fsynced state");
                    checkedIntact++;
                } else {
                    assertTrue(allowed.getOrDefault(p, Set.of(ABSENT)).contains(got), where + ": " + p + " holds a state it never had");
                }
            }
        }
    }

    static Set<Integer> allowedOf(Map<String, Set<Integer>> m, String p) { return m.computeIfAbsent(p, x -> new HashSet<>()); }

    static Map<String, byte[]> copy(Map<String, byte[]> m) {
        Map<String, byte[]> c = new HashMap<>();
        for (Map.Entry<String, byte[]> e : m.entrySet()) c.put(e.getKey(), e.getValue().clone());
        return c;
    }
}
