package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multios.kernel.fs.mfs.MfsException.Errno;

/**
 * Must show 4: MFS against a model (paths → nodes; hard links share a node) over long seeded
 * random sequences of create, write, truncate, unlink, mkdir, rmdir, rename, link, fsync,
 * remount, snapshot create/rollback/delete. Every operation's outcome (success or errno) must
 * match the model's, and the whole tree is compared at intervals and at the end.
 */
class MfsModelPropertyTest {
    static final class Node {
        byte[] data = new byte[0];
        final boolean dir;
        Node(boolean dir) { this.dir = dir; }
    }

    /** The model: sorted paths ("/" is the root). */
    static TreeMap<String, Node> copy(TreeMap<String, Node> m) {
        IdentityHashMap<Node, Node> map = new IdentityHashMap<>();
        TreeMap<String, Node> out = new TreeMap<>();
        for (Map.Entry<String, Node> e : m.entrySet()) {
            out.put(e.getKey(), map.computeIfAbsent(e.getValue(), n -> {
                Node c = new Node(n.dir);
                c.data = n.data.clone();
                return c;
            }));
        }
        return out;
    }

    static String parent(String p) { int i = p.lastIndexOf('/'); return i == 0 ? "/" : p.substring(0, i); }
    static String name(String p) { return p.substring(p.lastIndexOf('/') + 1); }
    static String join(String d, String n) { return d.equals("/") ? "/" + n : d + "/" + n; }

    TreeMap<String, Node> model = new TreeMap<>();
    Map<String, TreeMap<String, Node>> snapModels = new TreeMap<>();
    MfsVolume v;
    Random r;

    @ParameterizedTest(name = "seed {0}, {1}-byte blocks, {2}, encrypted {3}")
    @CsvSource({"1, 4096, NONE, false", "2, 16384, LZ4, false", "3, 4096, ZSTD, true", "4, 65536, NONE, false"})
    void matchesTheModel(long seed, int bs, String comp, boolean enc) throws Exception {
        r = new Random(seed);
        char[] pass = enc ? "pw".toCharArray() : null;
        MfsFormatOptions fo = MfsFormatOptions.defaults().withBlockSize(bs).withCompression(Compression.valueOf(comp)).withInodes(4096);
        if (enc) fo = fo.withPassphrase(pass, 1000);
        MemoryBlockDevice d = new MemoryBlockDevice(96 << 20);
        MfsVolume.format(d, fo);
        MfsMountOptions mo = MfsMountOptions.defaults().withPassphrase(pass);
        v = MfsVolume.mount(d, mo);
        model.put("/", new Node(true));
        model.put("/lost+found", new Node(true));
        int ops = 2500;
        for (int i = 0; i < ops; i++) {
            String what = step(i);
            if (what.equals("remount")) {
                v.close();
                v = MfsVolume.mount(d, mo);
                assertTrue(v.mountProblems().isEmpty(), v.mountProblems().toString());
            }
            if (i % 250 == 249 || Boolean.getBoolean("mfs.checkEveryOp")) compareAll("after op " + i + " (" + what + ")");
        }
        compareAll("at the end");
        FsckReport rep = Fsck.check(v, false);
        assertTrue(rep.clean(), rep.problems.toString());
        v.close();
    }

    List<String> paths(boolean dirs) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : model.entrySet()) if (e.getValue().dir == dirs) out.add(e.getKey());
        return out;
    }

    <T> T pick(List<T> l) { return l.get(r.nextInt(l.size())); }

    String freshName() { return "n" + r.nextInt(40); }

    long ino(String p) throws Exception { return v.resolve(p, false); }

    /** Runs an operation on MFS and checks its errno against the model's expectation (null = success). */
    void expect(Errno want, String what, Op op) throws Exception {
        Errno got = null;
        try {
            op.run();
        } catch (MfsException e) {
            got = e.errno();
        }
        assertEquals(want, got, what);
    }

    interface Op { void run() throws Exception; }

    String step(int i) throws Exception {
        int k = r.nextInt(100);
        List<String> files = paths(false), dirs = paths(true);
        if (k < 15) { // create
            String p = join(pick(dirs), freshName());
            Errno want = model.containsKey(p) ? Errno.EEXIST : null;
            expect(want, "create " + p, () -> v.create(ino(parent(p)), name(p), 0644, 0, 0));
            if (want == null) model.put(p, new Node(false));
            return "create";
        }
        if (k < 40 && !files.isEmpty()) { // write
            String p = pick(files);
            Node n = model.get(p);
            int off = r.nextInt(n.data.length + 1 + (r.nextBoolean() ? 70000 : 100));
            int len = r.nextInt(r.nextInt(10) == 0 ? 200000 : 5000);
            byte[] x = new byte[len];
            if (r.nextBoolean()) r.nextBytes(x);
            else Arrays.fill(x, (byte) ('a' + r.nextInt(26))); // compressible
            v.write(ino(p), off, x, 0, len);
            if (len > 0) {
                if (off + len > n.data.length) n.data = Arrays.copyOf(n.data, off + len);
                System.arraycopy(x, 0, n.data, off, len);
            }
            return "write";
        }
        if (k < 46 && !files.isEmpty()) {
            String p = pick(files);
            Node n = model.get(p);
            int size = r.nextInt(n.data.length + 10000);
            v.truncate(ino(p), size);
            n.data = Arrays.copyOf(n.data, size);
            return "truncate";
        }
        if (k < 54 && !files.isEmpty()) {
            String p = pick(files);
            v.unlink(ino(parent(p)), name(p));
            model.remove(p);
            return "unlink";
        }
        if (k < 60) {
            String p = join(pick(dirs), "d" + r.nextInt(8));
            Errno want = model.containsKey(p) ? Errno.EEXIST : null;
            expect(want, "mkdir " + p, () -> v.mkdir(ino(parent(p)), name(p), 0755, 0, 0));
            if (want == null) model.put(p, new Node(true));
            return "mkdir";
        }
        if (k < 64 && dirs.size() > 2) {
            String p = pick(dirs);
            if (p.equals("/") || p.equals("/lost+found")) return "skip";
            boolean empty = model.subMap(p + "/", p + "0").isEmpty();
            expect(empty ? null : Errno.ENOTEMPTY, "rmdir " + p, () -> v.rmdir(ino(parent(p)), name(p)));
            if (empty) model.remove(p);
            return "rmdir";
        }
        if (k < 78) {
            List<String> all = new ArrayList<>(model.keySet());
            all.remove("/");
            all.remove("/lost+found");
            if (all.isEmpty()) return "skip";
            String src = pick(all);
            String dst = join(pick(dirs), r.nextBoolean() ? freshName() : "d" + r.nextInt(8));
            rename(src, dst);
            return "rename";
        }
        if (k < 84 && !files.isEmpty()) {
            String src = pick(files);
            String dst = join(pick(dirs), freshName());
            Errno want = model.containsKey(dst) ? Errno.EEXIST : null;
            expect(want, "link " + src + " " + dst, () -> v.link(ino(src), ino(parent(dst)), name(dst)));
            if (want == null) model.put(dst, model.get(src));
            return "link";
        }
        if (k < 87 && !files.isEmpty()) {
            v.fsync(ino(pick(files)));
            return "fsync";
        }
        if (k < 89) return "remount";
        if (k < 93) {
            String s = "s" + r.nextInt(6);
            Errno want = snapModels.containsKey(s) ? Errno.EEXIST : null;
            expect(want, "snapshot create " + s, () -> v.snapshotCreate(s));
            if (want == null) snapModels.put(s, copy(model));
            return "snapshot";
        }
        if (k < 97 && !snapModels.isEmpty()) {
            String s = pick(new ArrayList<>(snapModels.keySet()));
            v.snapshotRollback(s);
            model = copy(snapModels.get(s));
            compareAll("right after rollback to " + s);
            return "rollback";
        }
        if (!snapModels.isEmpty()) {
            String s = pick(new ArrayList<>(snapModels.keySet()));
            v.snapshotDelete(s);
            snapModels.remove(s);
            return "snapshot delete";
        }
        return "skip";
    }

    void rename(String src, String dst) throws Exception {
        Node s = model.get(src), t = model.get(dst);
        Errno want = null;
        boolean noop = false;
        if (src.equals(dst)) noop = true;
        else if (s.dir && dst.startsWith(src + "/")) want = Errno.EINVAL;
        else if (t != null) {
            if (t == s) noop = true;
            else if (s.dir && !t.dir) want = Errno.ENOTDIR;
            else if (!s.dir && t.dir) want = Errno.EISDIR;
            else if (t.dir && !model.subMap(dst + "/", dst + "0").isEmpty()) want = Errno.ENOTEMPTY;
        }
        if (Boolean.getBoolean("mfs.trace")) System.out.println("rename " + src + " -> " + dst + " want " + want + " noop " + noop);
        expect(want, "rename " + src + " -> " + dst, () -> v.rename(ino(parent(src)), name(src), ino(parent(dst)), name(dst)));
        if (want != null || noop) return;
        model.remove(dst);
        TreeMap<String, Node> moved = new TreeMap<>();
        moved.put(dst, model.remove(src));
        if (s.dir) {
            for (Map.Entry<String, Node> e : new TreeMap<>(model.subMap(src + "/", src + "0")).entrySet()) {
                model.remove(e.getKey());
                moved.put(dst + e.getKey().substring(src.length()), e.getValue());
            }
        }
        model.putAll(moved);
    }

    void compareAll(String when) throws Exception {
        TreeMap<String, Node> seen = new TreeMap<>();
        walk("/", MfsVolume.ROOT, seen);
        assertEquals(model.keySet(), seen.keySet(), "paths " + when);
        IdentityHashMap<Node, Long> inodeOf = new IdentityHashMap<>();
        for (Map.Entry<String, Node> e : model.entrySet()) {
            long ino = v.resolve(e.getKey(), false);
            MfsStat st = v.stat(ino);
            assertEquals(e.getValue().dir, st.isDirectory(), e.getKey() + " type " + when);
            Long prev = inodeOf.put(e.getValue(), ino);
            if (prev != null) assertEquals(prev, ino, e.getKey() + " hard link " + when);
            if (!st.isDirectory()) {
                byte[] b = new byte[(int) st.size()];
                if (b.length > 0) v.read(ino, 0, b, 0, b.length);
                assertArrayEquals(e.getValue().data, b, e.getKey() + " content " + when);
            }
        }
    }

    void walk(String path, long ino, TreeMap<String, Node> seen) throws Exception {
        seen.put(path, null);
        for (MfsDirEntry e : v.readdir(ino)) {
            String p = join(path, e.name());
            if (e.type() == MfsDirEntry.DT_DIR) walk(p, e.ino(), seen);
            else seen.put(p, null);
        }
    }
}
