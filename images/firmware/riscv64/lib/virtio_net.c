/* A polled virtio-net driver for the boot stages (virtio 1.2, modern PCI transport, split
 * virtqueues): the capability list gives the common/notify/device config windows, queue 0
 * receives into QN fixed buffers, queue 1 sends one frame at a time and waits for it.
 * No interrupts are used (MSI-X vectors stay NO_VECTOR; nothing listens to INTx). */
#include "fw.h"

#define VENDOR_VIRTIO 0x1af4
#define DEV_NET_MODERN 0x1041
#define DEV_NET_TRANSITIONAL 0x1000   /* QEMU's virtio-net-pci: transitional, subsystem id 1 */

/* common configuration structure (virtio 1.2, 4.1.4.3) */
#define C_DFSELECT 0
#define C_DF 4
#define C_GFSELECT 8
#define C_GF 12
#define C_STATUS 20
#define C_QSELECT 22
#define C_QSIZE 24
#define C_QMSIX 26
#define C_QENABLE 28
#define C_QNOTIFYOFF 30
#define C_QDESC 32
#define C_QDRIVER 40
#define C_QDEVICE 48

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40
#define S_FAILED 0x80

#define F_MAC 5                       /* feature bits */
#define F_VERSION_1 32

#define QN 16                         /* entries per queue */
#define HDR 12                        /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define BUF 1536                      /* header + a 1514-byte frame, rounded */
#define D_WRITE 2

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct avail { uint16_t flags, idx, ring[QN], used_event; };
struct used_elem { uint32_t id, len; };
struct used { uint16_t flags, idx; struct used_elem ring[QN]; uint16_t avail_event; };
struct vq {
    struct desc d[QN] __attribute__((aligned(16)));
    struct avail a __attribute__((aligned(2)));
    struct used u __attribute__((aligned(4)));
    uint16_t last_used;
    uintptr_t notify;
};

static struct vq rxq __attribute__((aligned(4096))), txq __attribute__((aligned(4096)));
static uint8_t rxbuf[QN][BUF] FW_NOINIT __attribute__((aligned(4096)));
static uint8_t txbuf[BUF] FW_NOINIT __attribute__((aligned(64)));
static uintptr_t common, notify_base, devcfg;
static uint32_t notify_mult;
static int up;
uint8_t vnet_mac[6];

static uint64_t bar_addr(const struct pci_host *h, unsigned d, unsigned f, unsigned bar) {
    uint64_t a = pci_bar64(h, d, f, bar);
    if (!a) fw_die("virtio-net: BAR %u of 00:%02x.%u is not assigned", bar, d, f);
    return a;
}

int vnet_find(const struct pci_host *h, unsigned *dev, unsigned *fn) {
    for (unsigned d = 0; d < 32; d++)
        for (unsigned f = 0; f < 8; f++) {
            uint32_t id = pci_cfg_r32(h, 0, d, f, 0);
            if ((id & 0xffff) == 0xffff) { if (f == 0) break; continue; }
            unsigned vendor = id & 0xffff, device = id >> 16;
            int net = vendor == VENDOR_VIRTIO && (device == DEV_NET_MODERN ||
                      (device == DEV_NET_TRANSITIONAL && (pci_cfg_r32(h, 0, d, f, 0x2c) >> 16) == 1));
            if (net) { *dev = d; *fn = f; return 0; }
            if (f == 0 && !(pci_cfg_r32(h, 0, d, f, 0xc) & 0x800000)) break;
        }
    return -1;
}

static void queue_setup(unsigned q, struct vq *v) {
    mmio_w16(common + C_QSELECT, (uint16_t)q);
    unsigned max = mmio_r16(common + C_QSIZE);
    if (max == 0) fw_die("virtio-net: queue %u is not available", q);
    if (max < QN) fw_die("virtio-net: queue %u holds %u entries, the boot driver needs %u", q, max, QN);
    mmio_w16(common + C_QSIZE, QN);
    mmio_w16(common + C_QMSIX, 0xffff);          /* NO_VECTOR: polled */
    memset(v, 0, sizeof *v);
    v->a.flags = 1;                              /* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
    uint64_t d = (uintptr_t)v->d, a = (uintptr_t)&v->a, u = (uintptr_t)&v->u;
    mmio_w32(common + C_QDESC, (uint32_t)d); mmio_w32(common + C_QDESC + 4, (uint32_t)(d >> 32));
    mmio_w32(common + C_QDRIVER, (uint32_t)a); mmio_w32(common + C_QDRIVER + 4, (uint32_t)(a >> 32));
    mmio_w32(common + C_QDEVICE, (uint32_t)u); mmio_w32(common + C_QDEVICE + 4, (uint32_t)(u >> 32));
    v->notify = notify_base + (uintptr_t)mmio_r16(common + C_QNOTIFYOFF) * notify_mult;
    mmio_w16(common + C_QENABLE, 1);
}

static void reset_device(void) {
    mmio_w8(common + C_STATUS, 0);
    uint64_t end = fw_rdtime() + fw_timebase_hz;
    while (mmio_r8(common + C_STATUS) != 0)
        if (fw_rdtime() > end) fw_die("virtio-net: the device does not finish its reset");
}

void vnet_init(const struct pci_host *h, unsigned d, unsigned f, int verbose) {
    if (!(pci_cfg_r16(h, 0, d, f, 6) & 0x10)) fw_die("virtio-net 00:%02x.%u has no capability list", d, f);
    common = notify_base = devcfg = 0;
    for (unsigned p = pci_cfg_r32(h, 0, d, f, 0x34) & 0xfc, guard = 0; p && guard < 48; guard++) {
        uint32_t w0 = pci_cfg_r32(h, 0, d, f, p);
        if ((w0 & 0xff) == 0x09) {               /* vendor-specific: struct virtio_pci_cap */
            unsigned type = (w0 >> 24) & 0xff, bar = pci_cfg_r32(h, 0, d, f, p + 4) & 0xff;
            uint32_t off = pci_cfg_r32(h, 0, d, f, p + 8);
            if (bar <= 5) {
                uintptr_t at = (uintptr_t)(bar_addr(h, d, f, bar) + off);
                if (type == 1 && !common) common = at;
                if (type == 2 && !notify_base) { notify_base = at; notify_mult = pci_cfg_r32(h, 0, d, f, p + 16); }
                if (type == 4 && !devcfg) devcfg = at;
            }
        }
        p = (w0 >> 8) & 0xfc;
    }
    if (!common || !notify_base || !devcfg)
        fw_die("virtio-net 00:%02x.%u: no modern virtio capabilities (common/notify/device config)", d, f);
    /* Memory decoding and bus mastering; INTx left enabled as at reset: we poll, and the kernel
     * driver that takes the device after us uses the pin without re-enabling it. */
    pci_cfg_w16(h, 0, d, f, 4, (uint16_t)((pci_cfg_r16(h, 0, d, f, 4) | 0x6) & ~0x400));
    reset_device();
    mmio_w8(common + C_STATUS, S_ACK);
    mmio_w8(common + C_STATUS, S_ACK | S_DRIVER);
    mmio_w32(common + C_DFSELECT, 0);
    uint32_t lo = mmio_r32(common + C_DF);
    mmio_w32(common + C_DFSELECT, 1);
    uint32_t hi = mmio_r32(common + C_DF);
    if (!(hi & 1)) fw_die("virtio-net: the device does not offer VIRTIO_F_VERSION_1");
    mmio_w32(common + C_GFSELECT, 0);
    mmio_w32(common + C_GF, lo & (1u << F_MAC));
    mmio_w32(common + C_GFSELECT, 1);
    mmio_w32(common + C_GF, 1u << (F_VERSION_1 - 32));
    mmio_w8(common + C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    if (!(mmio_r8(common + C_STATUS) & S_FEATURES_OK)) fw_die("virtio-net: the device refused our features");
    queue_setup(0, &rxq);
    queue_setup(1, &txq);
    for (unsigned i = 0; i < QN; i++) {
        rxq.d[i] = (struct desc){(uintptr_t)rxbuf[i], BUF, D_WRITE, 0};
        rxq.a.ring[i] = (uint16_t)i;
    }
    fw_fence();
    rxq.a.idx = QN;
    if (lo & (1u << F_MAC)) {
        for (int i = 0; i < 6; i++) vnet_mac[i] = mmio_r8(devcfg + i);
    } else {
        static const uint8_t local[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        memcpy(vnet_mac, local, 6);
    }
    mmio_w8(common + C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    fw_fence();
    mmio_w16(rxq.notify, 0);
    up = 1;
    if (verbose)
        fw_log("virtio-net: 00:%02x.%u, MAC %02x:%02x:%02x:%02x:%02x:%02x, %u-entry queues", d, f, vnet_mac[0], vnet_mac[1],
               vnet_mac[2], vnet_mac[3], vnet_mac[4], vnet_mac[5], QN);
}

static void check_status(void) {
    uint8_t s = mmio_r8(common + C_STATUS);
    if (s & (S_NEEDS_RESET | S_FAILED)) fw_die("virtio-net: device status %02x (needs reset)", s);
}

void vnet_send(const void *frame, size_t len) {
    if (!up) fw_die("virtio-net: send before initialisation");
    if (len > BUF - HDR) fw_die("virtio-net: frame of %lu bytes is too long", (uint64_t)len);
    memset(txbuf, 0, HDR);
    memcpy(txbuf + HDR, frame, len);
    uint16_t slot = txq.a.idx % QN;
    txq.d[slot] = (struct desc){(uintptr_t)txbuf, (uint32_t)(HDR + len), 0, 0};
    txq.a.ring[slot] = slot;
    fw_fence();
    txq.a.idx++;
    fw_fence();
    mmio_w16(txq.notify, 1);
    uint64_t end = fw_rdtime() + fw_timebase_hz;   /* one frame: the device is done in microseconds */
    while (*(volatile uint16_t *)&txq.u.idx == txq.last_used) {
        if (fw_rdtime() > end) { check_status(); fw_die("virtio-net: transmit not completed in 1 s"); }
    }
    txq.last_used = *(volatile uint16_t *)&txq.u.idx;
}

int vnet_pending(void) { return *(volatile uint16_t *)&rxq.u.idx != rxq.last_used; }

long vnet_recv(void *frame, size_t cap) {
    if (*(volatile uint16_t *)&rxq.u.idx == rxq.last_used) return -1;
    fw_fence();
    struct used_elem e = rxq.u.ring[rxq.last_used % QN];
    rxq.last_used++;
    if (e.id >= QN) fw_die("virtio-net: used ring names descriptor %u of %u", e.id, QN);
    long n = e.len >= HDR ? (long)(e.len - HDR) : 0;
    if (n > (long)cap) n = (long)cap;
    memcpy(frame, rxbuf[e.id] + HDR, (size_t)n);
    /* give the buffer back */
    rxq.a.ring[rxq.a.idx % QN] = (uint16_t)e.id;
    fw_fence();
    rxq.a.idx++;
    fw_fence();
    mmio_w16(rxq.notify, 0);
    return n;
}

void vnet_shutdown(void) {
    if (!up) return;
    reset_device();   /* the rings live in memory that is about to be given away */
    up = 0;
}
