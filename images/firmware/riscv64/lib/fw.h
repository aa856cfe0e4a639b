/*
 * Shared library of the MultiOS boot stages (stage 1 in M-mode, stage 2 in S-mode): console,
 * printf, timestamps, device tree, PCI, NVMe, GPT, MFS (read-only), checksums, ELF.
 * Freestanding: no libc. Every failure goes through fw_die, which prints one clear line and
 * halts the hart in a wfi loop, so a broken disk never ends in a silent hang.
 */
#ifndef FW_H
#define FW_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#define read_csr(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define write_csr(name, v) __asm__ volatile("csrw " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define set_csr(name, v) __asm__ volatile("csrs " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define clear_csr(name, v) __asm__ volatile("csrc " #name ", %0" :: "r"((uint64_t)(v)) : "memory")

/* Large buffers that are always written before being read live outside .bss (not cleared). */
#define FW_NOINIT __attribute__((section(".noinit")))

static inline void mmio_w8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline uint8_t mmio_r8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline void mmio_w16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline uint16_t mmio_r16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline void mmio_w32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_r32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void fw_fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
static inline uint64_t fw_rdtime(void) { uint64_t t; __asm__ volatile("rdtime %0" : "=r"(t)); return t; }

/* ---- string.c ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t fw_strlen(const char *s);
int fw_strcmp(const char *a, const char *b);
int fw_strncmp(const char *a, const char *b, size_t n);
char *fw_strlcpy(char *d, const char *s, size_t cap);
static inline uint16_t le16(const void *p) { const uint8_t *b = p; return (uint16_t)(b[0] | b[1] << 8); }
static inline uint32_t le32(const void *p) { const uint8_t *b = p; return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static inline uint64_t le64(const void *p) { return le32(p) | (uint64_t)le32((const uint8_t *)p + 4) << 32; }
static inline void put_le32(void *p, uint32_t v) { uint8_t *b = p; for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i)); }
static inline void put_le64(void *p, uint64_t v) { put_le32(p, (uint32_t)v); put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32)); }
static inline uint32_t be32(const void *p) { const uint8_t *b = p; return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]; }
static inline uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

/* ---- console.c ---- */
/* Which stage prints ("stage1", "stage2"): prefixes every stage line and error. */
extern const char *fw_stage_name;
void fw_console_init(const void *fdt);      /* UART from /chosen/stdout-path (0x10000000 until then) */
void fw_putc(char c);
void fw_puts(const char *s);
int fw_getc(void);                          /* -1 when no byte is waiting */
int fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fw_vprintf(const char *fmt, va_list ap);
int fw_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "[   1.234567] stageN: " + text + newline. */
void fw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "[...] stageN: error: " + text, then fw_halt. */
void fw_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Parks the hart for good: interrupts off, wfi loop. Each stage provides it. */
void fw_halt(void) __attribute__((noreturn));
/* Sleeps (wfi, no trap taken) until rdtime reaches until, or earlier. Each stage provides it. */
void fw_nap(uint64_t until);
void fw_timebase_init(const void *fdt);     /* timebase-frequency from /cpus */
extern uint64_t fw_timebase_hz;
uint64_t fw_uptime_us(void);

/* ---- fdt.c ---- */
#define FDT_MAGIC 0xd00dfeedu
int fdt_valid(const void *fdt);             /* 0 when the header is sane */
uint32_t fdt_size(const void *fdt);
/* Node offsets are structure-block offsets of FDT_BEGIN_NODE tokens; -1 = none. */
int fdt_path(const void *fdt, const char *path);            /* "/soc/serial@10000000", unit address optional */
int fdt_next_node(const void *fdt, int node, int *depth);   /* depth-first; -1 at the end */
const char *fdt_name(const void *fdt, int node);
const void *fdt_prop(const void *fdt, int node, const char *name, int *len);
int fdt_parent(const void *fdt, int node);
int fdt_compatible(const void *fdt, int node, const char *compat);
int fdt_find_compatible(const void *fdt, const char *compat);
int fdt_cells(const void *fdt, int node, const char *which, int dflt);   /* #address-cells of node */
uint64_t fdt_read_cells(const uint32_t *p, int cells);
/* reg entry i of node (using the parent's cell counts); 0 on success. */
int fdt_reg(const void *fdt, int node, int i, uint64_t *base, uint64_t *size);
/* Memory reservation block entry i; 0 on success. */
int fdt_memreserve(const void *fdt, int i, uint64_t *base, uint64_t *size);

/* ---- pci.c ---- */
struct pci_host {
    uint64_t ecam, ecam_size;
    uint64_t mem_base, mem_size;            /* 32-bit memory window (PCI address = CPU address) */
    uint64_t io_pci, io_cpu, io_size;       /* I/O window */
};
void pci_host_from_fdt(const void *fdt, struct pci_host *h);
uint32_t pci_cfg_r32(const struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, unsigned reg);
void pci_cfg_w32(const struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v);
uint16_t pci_cfg_r16(const struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, unsigned reg);
void pci_cfg_w16(const struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint16_t v);
/* Enumerates bus 0, sizes and assigns every BAR into the windows, enables decoding and bus
 * mastering, logging each function. Returns the number of functions found. */
int pci_enumerate(const struct pci_host *h);
/* Finds the first function of a class code (base<<16|sub<<8|prog-if); 0 = found. */
int pci_find_class(const struct pci_host *h, uint32_t cls, unsigned *dev, unsigned *fn);
uint64_t pci_bar64(const struct pci_host *h, unsigned dev, unsigned fn, unsigned bar);

/* ---- nvme.c ---- */
/* Brings up the controller at MMIO base bar: reset, admin queue, Identify, one polled I/O
 * queue pair. Logs the model and the namespace size. */
void nvme_init(uintptr_t bar, int verbose);
extern uint64_t nvme_ns_blocks;
extern uint32_t nvme_block_size;
/* Reads len bytes from byte offset off of namespace 1 into dst (any alignment). */
void disk_read(uint64_t off, void *dst, uint64_t len);
/* Disables the controller (its queues live in the caller's memory, about to be given away). */
void nvme_disable(void);

/* ---- hash.c ---- */
uint32_t crc32_zlib(uint32_t crc, const void *p, size_t n);   /* start with 0 */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);       /* start with 0 */
struct sha256 { uint32_t h[8]; uint8_t buf[64]; uint64_t len; unsigned fill; };
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[32]);

/* ---- lz4.c ---- */
/* Decodes one LZ4 block; returns the decoded length or -1 when the block is malformed. */
long lz4_decompress(const uint8_t *src, size_t srclen, uint8_t *dst, size_t cap);

/* ---- gpt.c ---- */
struct gpt_part {
    uint8_t type[16], unique[16];
    uint64_t first_lba, last_lba;
    char name[37];                          /* UTF-16LE name, ASCII part */
    int index;                              /* 1-based entry number */
};
/* Reads the GPT (primary, else backup) and finds the partition of the given type GUID
 * (on-disk byte order); dies with a clear message when there is none. */
void gpt_find(const uint8_t type[16], const char *what, struct gpt_part *out, int verbose);
extern const uint8_t GPT_TYPE_MULTIOS_BOOT[16];

/* ---- mfs.c ---- */
struct mfs_inode {
    uint64_t ino, size, overflow;
    uint32_t mode, extent_count;
    uint8_t raw[256];
};
/* Mounts the MFS volume at byte offset part_off (size part_size) read-only: superblock (or
 * its backup), journal applied in memory. */
void mfs_mount(uint64_t part_off, uint64_t part_size, int verbose);
/* Resolves an absolute path; 0 = found (inode filled), -1 = no such file (other problems die). */
int mfs_lookup(const char *path, struct mfs_inode *out);
/* Reads len bytes at offset of a regular file into dst (holes read as zeroes). */
void mfs_read(const struct mfs_inode *n, const char *path, uint64_t off, void *dst, uint64_t len);
uint32_t mfs_block_size(void);

/* ---- elf.c ---- */
struct elf_image {
    uint64_t entry, lo, hi;                 /* entry point; physical span of PT_LOAD segments */
    unsigned segments;
};
/* Loads a RISC-V ELF64 executable from an MFS file at its physical addresses. check(lo,hi)
 * vets each segment's range before anything is written (dies when it must not be loaded). */
void elf_load(const struct mfs_inode *n, const char *path, struct elf_image *img,
              void (*check)(uint64_t lo, uint64_t hi, const char *path));
/* The same from a file already in memory (network boot); check must keep segments off it. */
void elf_load_mem(const void *file, uint64_t size, const char *path, struct elf_image *img,
                  void (*check)(uint64_t lo, uint64_t hi, const char *path));

/* ---- tpm.c: TPM 2.0 over TIS (locality 0, polled) ---- */
int tpm_probe(const void *fdt);             /* 0 when a tcg,tpm-tis-mmio node exists */
int tpm_present(void);
uint64_t tpm_base(void);
void tpm_startup(void);                     /* TPM2_Startup(TPM_SU_CLEAR) */
void tpm_pcr_extend(unsigned pcr, const uint8_t digest[32]);
uint32_t tpm_load_p256(const uint8_t xy[64]);
uint32_t tpm_verify_p256(uint32_t key, const uint8_t digest[32], const uint8_t rs[64]);
void tpm_flush(uint32_t handle);

/* ---- tcglog.c: TCG crypto-agile event log, measurements, verified boot ---- */
#define EV_POST_CODE 0x1
#define EV_NO_ACTION 0x3
#define EV_SEPARATOR 0x4
#define EV_S_CRTM_CONTENTS 0x7
#define EV_PLATFORM_CONFIG_FLAGS 0xA
#define EV_IPL 0xD
/* Stage 1 keeps the log in the FIRMWARE range just below stage 2. */
#define TCGLOG_BASE 0x801F0000UL
#define TCGLOG_CAP 0x10000u
void tcglog_init(void *base, uint32_t cap);
void tcglog_attach(void *base, uint32_t used, uint32_t cap);
uint64_t tcglog_base(void);
uint32_t tcglog_size(void);
void tcglog_event(unsigned pcr, uint32_t type, const uint8_t digest[32], const void *event, uint32_t len);
/* Hashes data (SHA-256), extends pcr and logs an event whose data is the string event. */
void tcglog_measure(unsigned pcr, uint32_t type, const void *data, uint64_t len, const char *event);
void tcglog_separators(unsigned first, unsigned last);
void sha256_of(const void *p, uint64_t n, uint8_t out[32]);
int ecdsa_der_to_rs(const uint8_t *der, size_t len, uint8_t rs[64]);
const uint8_t *secure_boot_key(const void *fdt);
/* Dies unless PATH.sig on the boot partition is a valid signature of digest by key_xy. */
void secure_boot_verify(const uint8_t key_xy[64], const char *path, const uint8_t digest[32]);

/* ---- virtio_net.c: polled virtio-net (virtio 1.2 modern PCI, split queues) ---- */
int vnet_find(const struct pci_host *h, unsigned *dev, unsigned *fn);   /* 0 = found */
void vnet_init(const struct pci_host *h, unsigned dev, unsigned fn, int verbose);
void vnet_send(const void *frame, size_t len);
long vnet_recv(void *frame, size_t cap);    /* one frame, or -1 when none is waiting */
int vnet_pending(void);                     /* 1 when a received frame is waiting */
void vnet_shutdown(void);                   /* device reset: its rings are in our memory */
extern uint8_t vnet_mac[6];

/* ---- net.c: Ethernet, ARP, IPv4, UDP, DHCP client ---- */
/* The network boot's lease, handed from stage 1 to stage 2 in a4 (docs/boot.md). IPv4
 * addresses in host byte order. */
#define NETBOOT_MAGIC 0x3142454eu          /* "NEB1" */
struct netboot {
    uint32_t magic, ip, mask, router, server, dhcp_server;
    uint8_t mac[6], pad[2];
    char bootfile[128];
};
extern struct netboot net_cfg;
void ip_str(uint32_t ip, char buf[16]);
uint64_t net_ticks(uint64_t ms);
void dhcp_configure(int verbose);           /* fills net_cfg (mac set first) or dies */
void arp_resolve(uint32_t dst, uint8_t mac[6]);
void udp_send(uint32_t dst, const uint8_t dmac[6], uint16_t sport, uint16_t dport, const void *data, size_t len);
long udp_recv(uint16_t port, void *buf, size_t cap, uint32_t *src, uint16_t *sport, uint64_t deadline);

/* ---- tftp.c ---- */
/* Reads name from server into dst (at most cap bytes); returns its size. Dies on any error. */
uint64_t tftp_get(uint32_t server, const char *name, void *dst, uint64_t cap, int verbose);

#endif
