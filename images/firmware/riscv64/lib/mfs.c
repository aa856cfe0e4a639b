/* A read-only MFS reader (docs/mfs.md) for the boot stages. Every metadata block it uses is
 * verified (magic, CRC-32C, home block; inodes by their seeded CRC-32C), a committed journal
 * transaction is applied in memory (as a read-only mount does). LZ4-compressed extents are
 * decoded; Zstandard and encrypted data are refused with a clear message rather than read wrong. */
#include "fw.h"

#define MAXBS 65536u
#define S_IFMT 0170000u
#define S_IFREG 0100000u
#define S_IFDIR 0040000u
#define MAX_OVERLAY 8192u

static uint64_t part_off, part_size;
static uint32_t bs;
static uint64_t total, journal_start, journal_blocks, inode_start, inode_blocks, inode_count, data_start;
static uint8_t blk[MAXBS] FW_NOINIT __attribute__((aligned(8)));     /* scratch for one metadata block */
static uint8_t dirblk[MAXBS] FW_NOINIT __attribute__((aligned(8)));
static uint64_t overlay_home[MAX_OVERLAY] FW_NOINIT;
static uint32_t overlay_count;

uint32_t mfs_block_size(void) { return bs; }

static uint32_t magic4(const char *s) { return le32(s); }

static void raw_block(uint64_t b, void *buf) {
    if (b >= total) fw_die("mfs: corrupt metadata: block %lu is outside the volume (%lu blocks)", b, total);
    disk_read(part_off + b * bs, buf, bs);
}

/* In-place metadata goes through the journal overlay (the newest committed image wins). */
static void meta_block(uint64_t b, void *buf) {
    for (uint32_t i = 0; i < overlay_count; i++)
        if (overlay_home[i] == b) { raw_block(journal_start + 1 + i, buf); return; }
    raw_block(b, buf);
}

/* CRC-32C of a block whose checksum field (4 bytes at at) counts as zero. */
static uint32_t crc_skip(const uint8_t *b, uint32_t len, uint32_t at) {
    static const uint8_t zero[4];
    uint32_t c = crc32c(0, b, at);
    c = crc32c(c, zero, 4);
    return crc32c(c, b + at + 4, len - at - 4);
}

static int header_ok(const uint8_t *b, const char *magic, uint64_t home) {
    return le32(b) == magic4(magic) && le32(b + 4) == crc_skip(b, bs, 4) && le64(b + 8) == home;
}

static void verify(const uint8_t *b, const char *magic, uint64_t home, const char *what, uint64_t ino) {
    if (le32(b) != magic4(magic)) fw_die("mfs: corrupt %s (block %lu, inode %lu): bad magic", what, home, ino);
    if (le32(b + 4) != crc_skip(b, bs, 4)) fw_die("mfs: corrupt %s (block %lu, inode %lu): checksum mismatch", what, home, ino);
    if (le64(b + 8) != home) fw_die("mfs: corrupt %s (block %lu, inode %lu): block belongs at %lu", what, home, ino, le64(b + 8));
}

/* Parses a superblock image; NULL when good, else why not. */
static const char *superblock(const uint8_t *b, uint64_t where) {
    if (memcmp(b, "MULTIMFS", 8) != 0) return "not an MFS volume (bad magic)";
    uint32_t size = le32(b + 16);
    if (size < 4096 || size > MAXBS || (size & (size - 1))) return "bad block size";
    if (le32(b + 8) != crc_skip(b, size, 8)) return "checksum mismatch";
    if (le32(b + 12) != 1) return "unsupported version";
    uint64_t t = le64(b + 24);
    if (t < 16 || t > part_size / size || (where && where != t - 1)) return "block count does not fit the partition";
    if (le64(b + 40) != 1 || le64(b + 48) < 4 || le64(b + 80) + le64(b + 88) != le64(b + 96) || le64(b + 96) >= t - 1
        || le64(b + 88) * (size / 256) != le64(b + 32))
        return "inconsistent region layout";
    if (le32(b + 20) & 1) fw_die("mfs: the boot volume is encrypted; the boot loader cannot read it");
    bs = size;
    total = t;
    inode_count = le64(b + 32);
    journal_start = le64(b + 40);
    journal_blocks = le64(b + 48);
    inode_start = le64(b + 80);
    inode_blocks = le64(b + 88);
    data_start = le64(b + 96);
    return 0;
}

/* A complete transaction in the journal (descriptor, images, commit with SHA-256) is applied
 * in memory; an empty or torn one is ignored, as mount does. */
static void journal(int verbose) {
    overlay_count = 0;
    raw_block(journal_start, dirblk);
    if (!header_ok(dirblk, "MFJD", journal_start)) return;
    uint64_t seq = le64(dirblk + 16);
    uint32_t count = le32(dirblk + 24);
    uint64_t cap = journal_blocks - 2;
    if ((bs - 32) / 8 < cap) cap = (bs - 32) / 8;
    if (count == 0 || count > cap || count > MAX_OVERLAY) return;
    struct sha256 sum;
    sha256_init(&sum);
    sha256_update(&sum, dirblk, bs);
    for (uint32_t i = 0; i < count; i++) overlay_home[i] = le64(dirblk + 32 + 8 * i);
    for (uint32_t i = 0; i < count; i++) {
        raw_block(journal_start + 1 + i, blk);
        sha256_update(&sum, blk, bs);
    }
    uint8_t digest[32];
    sha256_final(&sum, digest);
    raw_block(journal_start + 1 + count, blk);
    if (!header_ok(blk, "MFJC", journal_start + 1 + count)) return;
    if (le64(blk + 16) != seq || le32(blk + 24) != count || memcmp(blk + 32, digest, 32) != 0) return;
    for (uint32_t i = 0; i < count; i++)
        if (overlay_home[i] < journal_start + journal_blocks || overlay_home[i] >= total)
            fw_die("mfs: corrupt journal: it names block %lu outside the metadata", overlay_home[i]);
    overlay_count = count;
    if (verbose) fw_log("mfs: journal transaction %lu (%u blocks) applied in memory", seq, count);
}

void mfs_mount(uint64_t off, uint64_t size, int verbose) {
    part_off = off;
    part_size = size;
    overlay_count = 0;
    disk_read(off, blk, 4096);
    const char *why = "not an MFS volume (bad magic)";
    if (memcmp(blk, "MULTIMFS", 8) == 0) {
        uint32_t claimed = le32(blk + 16);
        if (claimed >= 4096 && claimed <= MAXBS && !(claimed & (claimed - 1)) && claimed <= size) {
            disk_read(off, blk, claimed);
            why = superblock(blk, 0);
        } else why = "bad block size";
    }
    if (why) {
        const char *primary = why;
        for (uint32_t s = 4096; s <= MAXBS && why; s *= 2) {
            if (size / s < 2) break;
            disk_read(off + (size / s - 1) * s, blk, s);
            if (le32(blk + 16) == s) why = superblock(blk, size / s - 1);
        }
        if (why) fw_die("mfs: boot partition: superblock: %s; no valid backup superblock either", primary);
        fw_log("mfs: primary superblock bad (%s), using the backup", primary);
    }
    char label[33];
    memcpy(label, blk + 120, 32);
    label[32] = 0;
    for (int i = 0; i < 32; i++) if (label[i] && (label[i] < 32 || label[i] > 126)) label[i] = '?';
    if (verbose) fw_log("mfs: volume '%s', %u-byte blocks, %lu blocks", label, bs, total);
    journal(verbose);
}

static void read_inode(uint64_t ino, struct mfs_inode *n) {
    uint32_t ipb = bs / 256;
    if (ino == 0 || ino >= inode_count) fw_die("mfs: corrupt metadata: inode number %lu out of range", ino);
    uint64_t tb = inode_start + ino / ipb;
    meta_block(tb, blk);
    const uint8_t *r = blk + (ino % ipb) * 256;
    uint8_t seed[8];
    put_le64(seed, ino);
    if (crc32c(crc32c(0, seed, 8), r, 252) != le32(r + 252))
        fw_die("mfs: corrupt inode table (block %lu, inode %lu): inode checksum mismatch", tb, ino);
    memcpy(n->raw, r, 256);
    n->ino = ino;
    n->mode = le16(r);
    n->size = le64(r + 16);
    n->extent_count = le32(r + 64);
    n->overflow = le64(r + 72);
    if (n->mode == 0) fw_die("mfs: corrupt metadata: directory entry names free inode %lu", ino);
}

struct extent { uint64_t lstart, pstart; uint32_t llen, plen, stored, algorithm; };

/* Calls fn for each extent of n (inline first, then the overflow chain); fn returns nonzero to stop. */
static void extents(const struct mfs_inode *n, int (*fn)(const struct extent *, void *), void *ctx) {
    static uint8_t ext[MAXBS] FW_NOINIT __attribute__((aligned(8)));
    uint32_t inl = n->extent_count < 4 ? n->extent_count : 4;
    uint64_t left = n->extent_count;
    const uint8_t *src = n->raw + 80;
    uint32_t avail = inl;
    uint64_t next = n->overflow, hops = 0;
    for (;;) {
        for (uint32_t i = 0; i < avail; i++, left--) {
            const uint8_t *e = src + 32 * i;
            struct extent x = {le64(e), le64(e + 8), le32(e + 16), le32(e + 20), le32(e + 24), e[28]};
            if (x.llen == 0 || x.plen == 0 || x.pstart < data_start || x.pstart + x.plen > total - 1)
                fw_die("mfs: corrupt metadata: inode %lu has an extent outside the data space", n->ino);
            if (x.stored && (x.stored > (uint64_t)x.plen * bs || x.plen >= x.llen || (uint64_t)x.llen * bs > MAXBS))
                fw_die("mfs: corrupt metadata: inode %lu has a bad compressed extent", n->ino);
            if (fn(&x, ctx)) return;
        }
        if (left == 0) return;
        if (next < data_start || next >= total - 1 || ++hops > 100000) fw_die("mfs: corrupt metadata: inode %lu: extent chain broken at block %lu", n->ino, next);
        raw_block(next, ext);
        verify(ext, "MFEX", next, "extent block", n->ino);
        if (le64(ext + 16) != n->ino) fw_die("mfs: corrupt extent block %lu: belongs to inode %lu, not %lu", next, le64(ext + 16), n->ino);
        avail = le32(ext + 32);
        if (avail == 0 || avail > (bs - 40) / 32 || avail > left) fw_die("mfs: corrupt extent block %lu: count %u", next, avail);
        src = ext + 40;
        next = le64(ext + 24);
    }
}

struct find { uint64_t logical, phys; int found; };
static int find_fn(const struct extent *x, void *ctx) {
    struct find *f = ctx;
    if (f->logical >= x->lstart && f->logical < x->lstart + x->llen && x->stored == 0) {
        f->phys = x->pstart + (f->logical - x->lstart);
        f->found = 1;
        return 1;
    }
    return 0;
}

/* Looks name up in directory d; returns the inode number or 0. */
static uint64_t dir_lookup(const struct mfs_inode *d, const char *name, size_t len) {
    uint64_t buckets = d->size / bs;
    if (d->size % bs || buckets == 0 || (buckets & (buckets - 1)))
        fw_die("mfs: corrupt metadata: directory inode %lu has size %lu", d->ino, d->size);
    struct find f = {crc32c(0, name, len) & (buckets - 1), 0, 0};
    extents(d, find_fn, &f);
    if (!f.found) fw_die("mfs: corrupt metadata: directory inode %lu lacks bucket %lu", d->ino, f.logical);
    raw_block(f.phys, dirblk);
    verify(dirblk, "MFDR", f.phys, "directory block", d->ino);
    if (le64(dirblk + 16) != d->ino) fw_die("mfs: corrupt directory block %lu: belongs to inode %lu", f.phys, le64(dirblk + 16));
    uint32_t count = le32(dirblk + 32), used = le32(dirblk + 36);
    if (40 + (uint64_t)used > bs) fw_die("mfs: corrupt directory block %lu: header out of range", f.phys);
    uint32_t at = 40;
    for (uint32_t k = 0; k < count; k++) {
        if (at + 10 > 40 + used) fw_die("mfs: corrupt directory block %lu: entries overrun", f.phys);
        uint32_t nl = dirblk[at + 9];
        if (nl == 0 || at + 10 + nl > 40 + used) fw_die("mfs: corrupt directory block %lu: entry name out of range", f.phys);
        if (nl == len && memcmp(dirblk + at + 10, name, len) == 0) return le64(dirblk + at);
        at += 10 + nl;
    }
    return 0;
}

int mfs_lookup(const char *path, struct mfs_inode *out) {
    read_inode(1, out);
    const char *p = path;
    while (*p) {
        while (*p == '/') p++;
        if (!*p) break;
        size_t n = 0;
        while (p[n] && p[n] != '/') n++;
        if ((out->mode & S_IFMT) != S_IFDIR) return -1;
        uint64_t ino = dir_lookup(out, p, n);
        if (!ino) return -1;
        read_inode(ino, out);
        p += n;
    }
    return 0;
}

struct rd { const struct mfs_inode *n; const char *path; uint64_t off, len; uint8_t *dst; };

/* A compressed cluster (at most 64 KiB of file data): the stored bytes are read and decoded
 * whole, then the wanted part is copied. LZ4 only; Zstandard is refused by name. */
static void read_compressed(const struct extent *x, struct rd *r, uint64_t s, uint64_t e) {
    static uint8_t packed[MAXBS] FW_NOINIT __attribute__((aligned(8)));
    static uint8_t plain[MAXBS] FW_NOINIT __attribute__((aligned(8)));
    if (x->algorithm != 1)
        fw_die("%s is stored with Zstandard compression, which the boot loader cannot read (LZ4 or none only)", r->path);
    disk_read(part_off + x->pstart * bs, packed, x->stored);
    uint64_t want = (uint64_t)x->llen * bs;
    long got = lz4_decompress(packed, x->stored, plain, want);
    if (got < 0) fw_die("mfs: corrupt data: %s: LZ4 block at block %lu does not decode", r->path, x->pstart);
    memset(plain + got, 0, want - (uint64_t)got);
    memcpy(r->dst + (s - r->off), plain + (s - x->lstart * bs), e - s);
}

static int read_fn(const struct extent *x, void *ctx) {
    struct rd *r = ctx;
    uint64_t s = x->lstart * bs, e = (x->lstart + x->llen) * bs;
    if (s < r->off) s = r->off;
    if (e > r->off + r->len) e = r->off + r->len;
    if (s >= e) return 0;
    if (x->stored) read_compressed(x, r, s, e);
    else disk_read(part_off + x->pstart * bs + (s - x->lstart * bs), r->dst + (s - r->off), e - s);
    return 0;
}

void mfs_read(const struct mfs_inode *n, const char *path, uint64_t off, void *dst, uint64_t len) {
    if ((n->mode & S_IFMT) != S_IFREG) fw_die("%s is not a regular file", path);
    if (off > n->size || len > n->size - off) fw_die("%s: read of %lu bytes at %lu is past its end (%lu bytes)", path, len, off, n->size);
    memset(dst, 0, len);   /* holes read as zeroes */
    struct rd r = {n, path, off, len, dst};
    extents(n, read_fn, &r);
}
