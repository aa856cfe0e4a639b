package org.multios.kernel.fs.mfs;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link MfsCrashConsistencyTest}: runs create / append / rename / replace /
 * delete / fsync on an MFS image until it is killed. Every file's bytes are a function of its id
 * (written in its first 8 bytes) and its appends have sizes fixed by (id, n), so a checker can
 * tell whether a file holds exactly a state it once had. Before touching a path it logs
 * {@code M path}; after an fsync it logs {@code S path id length} (one write(2) per line).
 */
public final class MfsCrashWorkload {
    static byte streamByte(long id, long i) {
        long x = id * 0x9E3779B97F4A7C15L + i * 0xC2B2AE3D27D4EB4FL;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        return (byte) (x >>> 32);
    }

    /** Size of the n-th write to file id (the first write also carries the 8-byte header). */
    static int chunk(long id, int n) {
        long x = (id * 31 + n) * 0x9E3779B97F4A7C15L;
        return 1 + (int) ((x >>> 40) % 24000);
    }

    static byte[] bytes(long id, long from, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            long pos = from + i;
            b[i] = pos < 8 ? (byte) (id >>> (8 * pos)) : streamByte(id, pos);
        }
        return b;
    }

    record F(String path, long id, long len, int writes) {}

    public static void main(String[] args) throws Exception {
        Path img = Path.of(args[0]);
        long seed = Long.parseLong(args[2]);
        Random r = new Random(seed);
        try (FileOutputStream log = new FileOutputStream(args[1], true);
             FileBlockDevice dev = new FileBlockDevice(img, false)) {
            MfsVolume v = MfsVolume.mount(dev, MfsMountOptions.defaults());
            List<F> files = new ArrayList<>();
            String[] dirs = {"/a", "/b"};
            for (String d : dirs) {
                long dino;
                try {
                    dino = v.resolve(d, true);
                } catch (MfsException e) {
                    dino = v.mkdir(MfsVolume.ROOT, d.substring(1), 0755, 0, 0);
                }
                for (MfsDirEntry e : v.readdir(dino)) {
                    MfsStat st = v.stat(e.ino());
                    byte[] h = new byte[8];
                    long id = -1;
                    if (st.size() >= 8) {
                        v.read(e.ino(), 0, h, 0, 8);
                        id = MetaBlock.le(h).getLong(0);
                    }
                    int n = 0;
                    for (long l = st.size() >= 8 ? 8 : 0; id >= 0 && l < st.size(); ) l += chunk(id, n++);
                    files.add(new F(d + "/" + e.name(), id, st.size(), n));
                }
            }
            System.out.println("ready");
            System.out.flush();
            long idBase = seed * 1_000_000L;
            int counter = 0;
            while (true) {
                int op = r.nextInt(100);
                if (op < 35 && !files.isEmpty()) { // append
                    int k = r.nextInt(files.size());
                    F f = files.get(k);
                    if (f.id() < 0) continue;
                    line(log, "M " + f.path());
                    int c = chunk(f.id(), f.writes());
                    long ino = v.resolve(f.path(), false);
                    v.write(ino, f.len(), bytes(f.id(), f.len(), c), 0, c);
                    files.set(k, new F(f.path(), f.id(), f.len() + c, f.writes() + 1));
                } else if (op < 50 || files.isEmpty()) { // create
                    long id = idBase + counter++;
                    String p = dirs[r.nextInt(2)] + "/f" + id;
                    line(log, "M " + p);
                    long ino = v.create(v.resolve(p.substring(0, 2), true), p.substring(3), 0644, 0, 0);
                    int c = 8 + chunk(id, 0);
                    v.write(ino, 0, bytes(id, 0, c), 0, c);
                    files.add(new F(p, id, c, 1));
                } else if (op < 58) { // move to the other directory
                    int k = r.nextInt(files.size());
                    F f = files.get(k);
                    String to = (f.path().startsWith("/a") ? "/b" : "/a") + f.path().substring(2);
                    line(log, "M " + f.path());
                    line(log, "M " + to);
                    v.rename(v.resolve(f.path().substring(0, 2), true), f.path().substring(3), v.resolve(to.substring(0, 2), true), to.substring(3));
                    files.set(k, new F(to, f.id(), f.len(), f.writes()));
                } else if (op < 65) { // atomic replace: new content under a temporary name, renamed over the old
                    int k = r.nextInt(files.size());
                    F f = files.get(k);
                    long id = idBase + counter++;
                    String dir = f.path().substring(0, 2), tmp = dir + "/tmp" + id;
                    line(log, "M " + tmp);
                    line(log, "M " + f.path());
                    long d = v.resolve(dir, true);
                    long ino = v.create(d, tmp.substring(3), 0644, 0, 0);
                    int c = 8 + chunk(id, 0);
                    v.write(ino, 0, bytes(id, 0, c), 0, c);
                    v.rename(d, tmp.substring(3), d, f.path().substring(3));
                    files.set(k, new F(f.path(), id, c, 1));
                } else if (op < 72) { // delete
                    int k = r.nextInt(files.size());
                    F f = files.remove(k);
                    line(log, "M " + f.path());
                    v.unlink(v.resolve(f.path().substring(0, 2), true), f.path().substring(3));
                } else { // fsync
                    F f = files.get(r.nextInt(files.size()));
                    v.fsync(v.resolve(f.path(), false));
                    line(log, "S " + f.path() + " " + f.id() + " " + f.len());
                }
            }
        }
    }

    static void line(FileOutputStream log, String s) throws java.io.IOException {
        log.write((s + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
