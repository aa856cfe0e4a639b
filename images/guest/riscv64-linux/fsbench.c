/*
 * fsbench: a small file-system benchmark that runs unchanged inside MultiOS (root on MFS over
 * the kernel's NVMe driver), on the host (host gcc), under qemu-riscv64 on a host directory, or
 * in another guest. Four phases, each framed by a "begin" and an "end" line on stdout so that a
 * harness outside can time it with its own clock (under `multios boot` the guest's clock is
 * virtual: it counts retired guest instructions, not the host's work):
 *
 *   create  N files of FILE_BYTES each (open O_CREAT|O_EXCL, write, close) in DIR/files
 *   write   SEQ_MIB MiB written sequentially to DIR/seq in CHUNK_KIB KiB calls (no fsync)
 *   flush   one fsync of DIR/seq (what the write phase left dirty goes to the disk)
 *   read    DIR/seq read back in CHUNK_KIB KiB calls; nothing is dropped from any cache first,
 *           and the first word of every 4 KiB block is checked (the data really came back)
 *   fsync   FSYNCS times: append 4 KiB to DIR/log, then fsync it; each one timed
 *
 * Every "end" line gives ops, bytes, ns (CLOCK_MONOTONIC) and cpu_ns (CLOCK_PROCESS_CPUTIME_ID)
 * as this program sees them; "fsync_lat" gives the guest-clock distribution of one append+fsync.
 * The files are left in DIR (a harness checks them afterwards). Exit status 0 on success, 1 on
 * any failed system call (named on stderr), 2 on bad usage.
 *
 * With -t each append+fsync is followed by a "fsbench tick N" line (printed after its guest-clock
 * reading, so the guest's own latencies exclude it): a harness that timestamps those lines gets
 * the distribution of one operation in host time, each interval including one short console write.
 *
 * Usage: fsbench [-t] [-n FILES] [-z FILE_BYTES] [-m SEQ_MIB] [-c CHUNK_KIB] [-s FSYNCS] DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long files = 1000, file_bytes = 512, seq_mib = 32, chunk_kib = 64, fsyncs = 200;
static int ticks; /* -t: a "fsbench tick N" line after each append+fsync, for an outside clock */
static const char *dir;

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "fsbench: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static uint64_t t0, c0;

static void begin(const char *phase)
{
    printf("fsbench begin %s\n", phase);
    fflush(stdout);
    t0 = clock_ns(CLOCK_MONOTONIC);
    c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static uint64_t end(const char *phase, long ops, long long bytes)
{
    uint64_t ns = clock_ns(CLOCK_MONOTONIC) - t0, cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("fsbench end %s ops=%ld bytes=%lld ns=%llu cpu_ns=%llu\n", phase, ops, bytes,
           (unsigned long long)ns, (unsigned long long)cpu);
    fflush(stdout);
    return ns;
}

static void write_all(int fd, const char *buf, size_t len, const char *path)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write", path);
        }
        buf += n;
        len -= (size_t)n;
    }
}

static long number(const char *opt, const char *v, long min)
{
    char *e;
    long n = strtol(v, &e, 10);
    if (*v == 0 || *e != 0 || n < min) {
        fprintf(stderr, "fsbench: %s needs a number >= %ld, not '%s'\n", opt, min, v);
        exit(2);
    }
    return n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The stamp at the start of every 4 KiB block of DIR/seq: its offset, mixed so a block read
 * from the wrong place (or a hole) cannot pass. */
static uint64_t stamp(uint64_t off) { return (off >> 12) * 0x9e3779b97f4a7c15ull ^ 0x6673626e63680a01ull; }

int main(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != 0; i++) {
        const char *o = argv[i];
        if (strcmp(o, "-t") == 0) {
            ticks = 1;
            continue;
        }
        if (o[2] != 0 || i + 1 >= argc) {
            fprintf(stderr, "usage: fsbench [-t] [-n FILES] [-z FILE_BYTES] [-m SEQ_MIB] [-c CHUNK_KIB] [-s FSYNCS] DIR\n");
            return 2;
        }
        const char *v = argv[++i];
        switch (o[1]) {
        case 'n': files = number(o, v, 0); break;
        case 'z': file_bytes = number(o, v, 0); break;
        case 'm': seq_mib = number(o, v, 0); break;
        case 'c': chunk_kib = number(o, v, 4); break;
        case 's': fsyncs = number(o, v, 1); break;
        default:
            fprintf(stderr, "fsbench: unknown option %s\n", o);
            return 2;
        }
    }
    if (i + 1 != argc) {
        fprintf(stderr, "usage: fsbench [-t] [-n FILES] [-z FILE_BYTES] [-m SEQ_MIB] [-c CHUNK_KIB] [-s FSYNCS] DIR\n");
        return 2;
    }
    dir = argv[i];
    if (chunk_kib % 4 != 0) {
        fprintf(stderr, "fsbench: -c must be a multiple of 4 KiB\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("fsbench 1 dir=%s files=%ld file_bytes=%ld seq_mib=%ld chunk_kib=%ld fsyncs=%ld\n", dir, files,
           file_bytes, seq_mib, chunk_kib, fsyncs);

    size_t chunk = (size_t)chunk_kib << 10;
    char *buf = malloc(chunk > (size_t)file_bytes ? chunk : (size_t)file_bytes);
    if (buf == NULL) die("malloc", "buffer");
    for (size_t j = 0; j < chunk || j < (size_t)file_bytes; j++) buf[j] = (char)('a' + j % 26);
    char path[4096];

    if (mkdir(dir, 0755) < 0 && errno != EEXIST) die("mkdir", dir);
    snprintf(path, sizeof path, "%s/files", dir);
    if (mkdir(path, 0755) < 0 && errno != EEXIST) die("mkdir", path);

    /* create */
    begin("create");
    for (long n = 0; n < files; n++) {
        snprintf(path, sizeof path, "%s/files/f%06ld", dir, n);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0) die("create", path);
        write_all(fd, buf, (size_t)file_bytes, path);
        if (close(fd) < 0) die("close", path);
    }
    uint64_t create_ns = end("create", files, (long long)files * file_bytes);

    /* write */
    snprintf(path, sizeof path, "%s/seq", dir);
    long long total = (long long)seq_mib << 20;
    long chunks = (long)(total / (long long)chunk);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("create", path);
    begin("write");
    for (long c = 0; c < chunks; c++) {
        for (size_t b = 0; b < chunk; b += 4096) {
            uint64_t s = stamp((uint64_t)c * chunk + b);
            memcpy(buf + b, &s, sizeof s);
        }
        write_all(fd, buf, chunk, path);
    }
    uint64_t write_ns = end("write", chunks, total);

    /* flush */
    begin("flush");
    if (fsync(fd) < 0) die("fsync", path);
    end("flush", 1, 0);
    if (close(fd) < 0) die("close", path);

    /* read */
    fd = open(path, O_RDONLY);
    if (fd < 0) die("open", path);
    begin("read");
    long long got = 0;
    for (;;) {
        ssize_t n = read(fd, buf, chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read", path);
        }
        if (n == 0) break;
        for (ssize_t b = 0; b + 8 <= n; b += 4096) {
            uint64_t s;
            memcpy(&s, buf + b, sizeof s);
            if (s != stamp((uint64_t)(got + b))) {
                fprintf(stderr, "fsbench: %s: wrong data at offset %lld\n", path, got + b);
                return 1;
            }
        }
        got += n;
    }
    uint64_t read_ns = end("read", chunks, got);
    close(fd);
    if (got != total) {
        fprintf(stderr, "fsbench: %s: read %lld bytes, wrote %lld\n", path, got, total);
        return 1;
    }

    /* fsync */
    snprintf(path, sizeof path, "%s/log", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0) die("create", path);
    uint64_t *lat = malloc(sizeof *lat * (size_t)fsyncs);
    if (lat == NULL) die("malloc", "latencies");
    memset(buf, 'L', 4096);
    begin("fsync");
    for (long n = 0; n < fsyncs; n++) {
        uint64_t a = clock_ns(CLOCK_MONOTONIC);
        write_all(fd, buf, 4096, path);
        if (fsync(fd) < 0) die("fsync", path);
        lat[n] = clock_ns(CLOCK_MONOTONIC) - a;
        if (ticks) printf("fsbench tick %ld\n", n);
    }
    end("fsync", fsyncs, (long long)fsyncs * 4096);
    close(fd);
    qsort(lat, (size_t)fsyncs, sizeof *lat, cmp_u64);
    long p99 = (fsyncs * 99 + 99) / 100 - 1; /* nearest rank */
    printf("fsbench fsync_lat ops=%ld min_ns=%llu median_ns=%llu p99_ns=%llu max_ns=%llu\n", fsyncs,
           (unsigned long long)lat[0], (unsigned long long)lat[fsyncs / 2], (unsigned long long)lat[p99],
           (unsigned long long)lat[fsyncs - 1]);
    /* the guest clock's summary (virtual time under multios boot) */
    printf("fsbench summary create_per_s=%.0f write_mib_s=%.1f read_mib_s=%.1f fsync_median_us=%.1f fsync_p99_us=%.1f\n",
           create_ns ? files * 1e9 / create_ns : 0.0, write_ns ? seq_mib * 1e9 / write_ns : 0.0,
           read_ns ? seq_mib * 1e9 / read_ns : 0.0, lat[fsyncs / 2] / 1e3, lat[p99] / 1e3);
    printf("fsbench done\n");
    return 0;
}
