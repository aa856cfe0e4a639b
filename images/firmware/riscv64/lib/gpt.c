/* GUID Partition Table (UEFI 2.10, chapter 5): primary header at LBA 1, backup at the last LBA,
 * both with CRC-32 over the header and over the partition entry array. */
#include "fw.h"

/* 6d756c74-696f-5342-8000-6d66732d6274 ("MULTIOS_BOOT" in GptPartition), on-disk byte order:
 * the first three fields little-endian, the rest as written. */
const uint8_t GPT_TYPE_MULTIOS_BOOT[16] = {0x74, 0x6c, 0x75, 0x6d, 0x6f, 0x69, 0x42, 0x53,
                                           0x80, 0x00, 0x6d, 0x66, 0x73, 0x2d, 0x62, 0x74};

#define MAX_ARRAY (32u * 1024)
static uint8_t sector[4096] FW_NOINIT __attribute__((aligned(8)));
static uint8_t array[MAX_ARRAY] FW_NOINIT __attribute__((aligned(8)));

/* Reads and checks the header at lba; NULL (and *why set) when it is not a valid GPT header. */
static const char *load(uint64_t lba, uint64_t nlba, uint32_t *count, uint32_t *esize) {
    uint32_t bs = nvme_block_size;
    disk_read(lba * bs, sector, bs);
    if (memcmp(sector, "EFI PART", 8) != 0) return "no 'EFI PART' signature";
    uint32_t hsize = le32(sector + 12);
    if (hsize < 92 || hsize > bs) return "bad header size";
    uint32_t stored = le32(sector + 16);
    put_le32(sector + 16, 0);
    if (crc32_zlib(0, sector, hsize) != stored) return "header CRC32 mismatch";
    if (le64(sector + 24) != lba) return "header names another LBA as its own";
    uint64_t entries = le64(sector + 72);
    *count = le32(sector + 80);
    *esize = le32(sector + 84);
    if (*count == 0 || *esize < 128 || (*esize & 7) || (uint64_t)*count * *esize > MAX_ARRAY) return "bad partition entry array geometry";
    if (entries < 2 || entries + ((uint64_t)*count * *esize + bs - 1) / bs > nlba) return "partition entry array outside the disk";
    uint32_t want = le32(sector + 88);
    disk_read(entries * bs, array, (uint64_t)*count * *esize);
    if (crc32_zlib(0, array, (uint64_t)*count * *esize) != want) return "partition entry array CRC32 mismatch";
    return 0;
}

void gpt_find(const uint8_t type[16], const char *what, struct gpt_part *out, int verbose) {
    uint64_t nlba = nvme_ns_blocks;
    uint32_t count, esize;
    if (nlba < 68) fw_die("disk too small for a GPT (%lu blocks)", nlba);
    const char *primary = load(1, nlba, &count, &esize);
    if (primary) {
        const char *backup = load(nlba - 1, nlba, &count, &esize);
        if (backup) {
            if (fw_strcmp(primary, "no 'EFI PART' signature") == 0 && fw_strcmp(backup, primary) == 0)
                fw_die("no GPT on the disk (no 'EFI PART' header at LBA 1 or at the last LBA)");
            fw_die("no valid GPT on the disk: primary header: %s; backup header: %s", primary, backup);
        }
        fw_log("gpt: primary header bad (%s), using the backup", primary);
    }
    if (verbose) {
        int used = 0;
        for (uint32_t i = 0; i < count; i++) {
            static const uint8_t zero[16];
            if (memcmp(array + i * esize, zero, 16) != 0) used++;
        }
        fw_log("gpt: %d partition%s", used, used == 1 ? "" : "s");
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = array + i * esize;
        if (memcmp(e, type, 16) != 0) continue;
        memcpy(out->type, e, 16);
        memcpy(out->unique, e + 16, 16);
        out->first_lba = le64(e + 32);
        out->last_lba = le64(e + 40);
        out->index = (int)i + 1;
        int n = 0;
        for (; n < 36 && le16(e + 56 + 2 * n); n++) {
            uint16_t ch = le16(e + 56 + 2 * n);
            out->name[n] = ch < 128 ? (char)ch : '?';
        }
        out->name[n] = 0;
        if (out->last_lba < out->first_lba || out->last_lba >= nlba)
            fw_die("gpt: %s partition %d lies outside the disk", what, out->index);
        if (verbose)
            fw_log("gpt: %s partition %d '%s': LBA %lu-%lu (%lu MiB)", what, out->index, out->name,
                   out->first_lba, out->last_lba, ((out->last_lba - out->first_lba + 1) * nvme_block_size) >> 20);
        return;
    }
    fw_die("no %s partition on the disk (GPT has no partition of type 6d756c74-696f-5342-8000-6d66732d6274)", what);
}
