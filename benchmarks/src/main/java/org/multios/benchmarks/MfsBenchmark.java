package org.multios.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MFS on a host-file-backed volume beside the host file system doing the same thing
 * ({@code fs=mfs} vs {@code fs=host}, in the same temporary directory): file creation rate,
 * sequential write and read in 1 MiB calls (ops/s × 1 MiB = MiB/s), and write-4-KiB-then-fsync
 * latency. Run: {@code java -jar benchmarks/target/benchmarks.jar MfsBenchmark}.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MfsBenchmark {
    static final int CHUNK = 1 << 20;
    static final long FILE_LIMIT = 128L << 20;

    @Param({"mfs", "host"})
    public String fs;

    Path dir, img;
    FileBlockDevice dev;
    MfsVolume vol;
    long createDir, bigIno, syncIno;
    Path hostCreateDir, hostBig, hostSync;
    FileChannel hostBigCh, hostSyncCh;
    final byte[] chunk = new byte[CHUNK], page = new byte[4096];
    long writeOff, readOff, createCount;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        new java.util.Random(1).nextBytes(chunk);
        dir = Files.createTempDirectory("mfsbench");
        if (fs.equals("mfs")) {
            img = dir.resolve("volume.img");
            dev = FileBlockDevice.create(img, 1L << 30);
            MfsVolume.format(dev, MfsFormatOptions.defaults().withInodes(1 << 20));
            vol = MfsVolume.mount(dev, MfsMountOptions.defaults());
            bigIno = vol.create(MfsVolume.ROOT, "big", 0644, 0, 0);
            syncIno = vol.create(MfsVolume.ROOT, "sync", 0644, 0, 0);
            for (long off = 0; off < FILE_LIMIT; off += CHUNK) vol.write(bigIno, off, chunk, 0, CHUNK);
            vol.sync();
        } else {
            hostBig = dir.resolve("big");
            hostSync = dir.resolve("sync");
            hostBigCh = FileChannel.open(hostBig, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            hostSyncCh = FileChannel.open(hostSync, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            for (long off = 0; off < FILE_LIMIT; off += CHUNK) hostBigCh.write(ByteBuffer.wrap(chunk), off);
            hostBigCh.force(false);
        }
    }

    @Setup(Level.Iteration)
    public void freshDirectory() throws IOException {
        createCount = 0;
        if (fs.equals("mfs")) createDir = vol.mkdir(MfsVolume.ROOT, "d" + System.nanoTime(), 0755, 0, 0);
        else hostCreateDir = Files.createDirectory(dir.resolve("d" + System.nanoTime()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (vol != null) vol.close();
        if (dev != null) dev.close();
        if (hostBigCh != null) hostBigCh.close();
        if (hostSyncCh != null) hostSyncCh.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Empty files per second (creation is journaled; commits batch as the journal fills). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long createFile() throws IOException {
        String name = "f" + createCount++;
        if (fs.equals("mfs")) return vol.create(createDir, name, 0644, 0, 0);
        Files.createFile(hostCreateDir.resolve(name));
        return createCount;
    }

    /** 1 MiB sequential writes (the file wraps at 128 MiB); ops/s equals MiB/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void sequentialWrite() throws IOException {
        if (writeOff >= FILE_LIMIT) writeOff = 0;
        if (fs.equals("mfs")) vol.write(bigIno, writeOff, chunk, 0, CHUNK);
        else hostBigCh.write(ByteBuffer.wrap(chunk), writeOff);
        writeOff += CHUNK;
    }

    /** 1 MiB sequential reads; ops/s equals MiB/s. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int sequentialRead() throws IOException {
        if (readOff >= FILE_LIMIT) readOff = 0;
        byte[] b = new byte[CHUNK];
        int n = fs.equals("mfs") ? vol.read(bigIno, readOff, b, 0, CHUNK) : hostBigCh.read(ByteBuffer.wrap(b), readOff);
        readOff += CHUNK;
        return n;
    }

    /** Write 4 KiB at the end of a file, then fsync: MFS commits its journal and flushes the image file. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void fsync4k() throws IOException {
        if (fs.equals("mfs")) {
            long size = vol.stat(syncIno).size();
            if (size >= (64L << 20)) vol.truncate(syncIno, 0);
            vol.write(syncIno, size >= (64L << 20) ? 0 : size, page, 0, page.length);
            vol.fsync(syncIno);
        } else {
            hostSyncCh.write(ByteBuffer.wrap(page));
            hostSyncCh.force(false);
        }
    }
}
