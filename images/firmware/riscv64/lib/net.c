/* The boot stages' network layer over the virtio-net driver: Ethernet II, ARP (RFC 826: we
 * resolve the next hop and answer requests for our address), IPv4 (RFC 791: header checksum,
 * no fragments, no options sent), UDP (RFC 768 with checksums both ways) and a DHCP client
 * (RFC 2131/2132: DISCOVER, OFFER, REQUEST, ACK; options 1, 3, 54, 66, 67). Everything is
 * polled with deadlines in rdtime ticks, so a silent network ends in an error, never a hang. */
#include "fw.h"

#define ETH_IP 0x0800
#define ETH_ARP 0x0806
#define MAXF 1514

static uint8_t out[MAXF] FW_NOINIT, in[MAXF] FW_NOINIT;
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
struct netboot net_cfg;
static uint16_t ip_id = 1;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

void ip_str(uint32_t ip, char buf[16]) {
    fw_snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* Ones'-complement sum (RFC 1071) of a pseudo header part plus data. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n) {
    for (; n > 1; p += 2, n -= 2) s += (uint32_t)(p[0] << 8 | p[1]);
    if (n) s += (uint32_t)p[0] << 8;
    return s;
}
static uint16_t fold(uint32_t s) {
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

uint64_t net_ticks(uint64_t ms) { return ms * (fw_timebase_hz / 1000); }

static void eth_send(const uint8_t dst[6], uint16_t type, size_t payload) {
    memcpy(out, dst, 6);
    memcpy(out + 6, net_cfg.mac, 6);
    put16(out + 12, type);
    size_t len = 14 + payload;
    if (len < 60) { memset(out + len, 0, 60 - len); len = 60; }   /* minimum Ethernet frame */
    vnet_send(out, len);
}

static void arp_send(uint16_t op, const uint8_t tha[6], uint32_t tpa, const uint8_t dst[6]) {
    uint8_t *a = out + 14;
    put16(a, 1); put16(a + 2, ETH_IP); a[4] = 6; a[5] = 4; put16(a + 6, op);
    memcpy(a + 8, net_cfg.mac, 6); put32(a + 14, net_cfg.ip);
    memcpy(a + 18, tha, 6); put32(a + 24, tpa);
    eth_send(dst, ETH_ARP, 28);
}

static uint32_t arp_want;          /* address being resolved (0 = none) */
static uint8_t arp_got[6];
static int arp_done;

static void arp_input(const uint8_t *a, long n) {
    if (n < 28 || get16(a) != 1 || get16(a + 2) != ETH_IP || a[4] != 6 || a[5] != 4) return;
    uint16_t op = get16(a + 6);
    uint32_t spa = be32(a + 14), tpa = be32(a + 24);
    if (op == 1 && net_cfg.ip && tpa == net_cfg.ip) arp_send(2, a + 8, spa, a + 8);
    if (op == 2 && arp_want && spa == arp_want) { memcpy(arp_got, a + 8, 6); arp_done = 1; }
}

/* One received frame: ARP is handled here; a UDP datagram to port is returned (payload
 * pointer and length), anything else is dropped. */
static long poll_udp(uint16_t port, const uint8_t **payload, uint32_t *src, uint16_t *sport, uint8_t smac[6]) {
    long n = vnet_recv(in, sizeof in);
    if (n < 14) return -1;
    if (memcmp(in, net_cfg.mac, 6) != 0 && memcmp(in, bcast, 6) != 0) return -1;
    uint16_t type = get16(in + 12);
    if (type == ETH_ARP) { arp_input(in + 14, n - 14); return -1; }
    if (type != ETH_IP) return -1;
    const uint8_t *ip = in + 14;
    long ipn = n - 14;
    if (ipn < 20 || (ip[0] >> 4) != 4) return -1;
    unsigned ihl = (ip[0] & 15) * 4u, total = get16(ip + 2);
    if (ihl < 20 || total < ihl || total > ipn) return -1;             /* bad lengths */
    if (fold(sum16(0, ip, ihl)) != 0) return -1;                       /* bad header checksum */
    if ((get16(ip + 6) & 0x3fff) != 0) return -1;                      /* fragment (MF or offset) */
    if (ip[9] != 17) return -1;
    uint32_t dst = be32(ip + 16);
    if (net_cfg.ip && dst != net_cfg.ip && dst != 0xffffffffu) return -1;
    const uint8_t *u = ip + ihl;
    unsigned ulen = total - ihl;
    if (ulen < 8 || get16(u + 4) < 8 || get16(u + 4) > ulen) return -1;
    ulen = get16(u + 4);
    if (get16(u + 2) != port) return -1;
    if (get16(u + 6) != 0) {
        uint32_t s = sum16(0, ip + 12, 8) + 17 + ulen;
        if (fold(sum16(s, u, ulen)) != 0) return -1;                   /* bad UDP checksum */
    }
    *payload = u + 8;
    *src = be32(ip + 12);
    *sport = get16(u);
    if (smac) memcpy(smac, in + 6, 6);
    return (long)ulen - 8;
}

/* Idles up to 100 us (or the deadline) when no frame is waiting: frames arrive on the
 * device's virtual-time events, and a wfi lets the emulator skip to them. */
static void idle(uint64_t deadline) {
    if (vnet_pending()) return;
    uint64_t t = fw_rdtime() + net_ticks(1) / 10;
    fw_nap(t < deadline ? t : deadline);
}

long udp_recv(uint16_t port, void *buf, size_t cap, uint32_t *src, uint16_t *sport, uint64_t deadline) {
    while (fw_rdtime() < deadline) {
        const uint8_t *p;
        long n = poll_udp(port, &p, src, sport, 0);
        if (n < 0) { idle(deadline); continue; }
        if ((size_t)n > cap) n = (long)cap;
        memcpy(buf, p, (size_t)n);
        return n;
    }
    return -1;
}

void udp_send(uint32_t dst, const uint8_t dmac[6], uint16_t sport, uint16_t dport, const void *data, size_t len) {
    if (len > MAXF - 14 - 28) fw_die("udp: datagram of %lu bytes is too long", (uint64_t)len);
    uint8_t *ip = out + 14, *u = ip + 20;
    memcpy(u + 8, data, len);
    unsigned ulen = (unsigned)len + 8;
    put16(u, sport); put16(u + 2, dport); put16(u + 4, (uint16_t)ulen); put16(u + 6, 0);
    memset(ip, 0, 20);
    ip[0] = 0x45; put16(ip + 2, (uint16_t)(20 + ulen)); put16(ip + 4, ip_id++);
    put16(ip + 6, 0x4000);   /* DF */
    ip[8] = 64; ip[9] = 17;
    put32(ip + 12, net_cfg.ip); put32(ip + 16, dst);
    put16(ip + 10, fold(sum16(0, ip, 20)));
    uint16_t c = fold(sum16(sum16(0, ip + 12, 8) + 17 + ulen, u, ulen));
    put16(u + 6, c ? c : 0xffff);
    eth_send(dmac, ETH_IP, 20 + ulen);
}

/* The next hop's MAC for dst: on-link addresses directly, others through the router. */
void arp_resolve(uint32_t dst, uint8_t mac[6]) {
    uint32_t hop = dst;
    if ((dst & net_cfg.mask) != (net_cfg.ip & net_cfg.mask)) {
        if (!net_cfg.router) {
            char a[16];
            ip_str(dst, a);
            fw_die("net: %s is not on the local network and DHCP gave no router", a);
        }
        hop = net_cfg.router;
    }
    arp_want = hop;
    arp_done = 0;
    for (int tries = 0; tries < 4 && !arp_done; tries++) {
        arp_send(1, (const uint8_t[6]){0}, hop, bcast);
        uint64_t end = fw_rdtime() + net_ticks(1000);
        while (!arp_done && fw_rdtime() < end) {
            const uint8_t *p; uint32_t s; uint16_t sp;
            if (poll_udp(0, &p, &s, &sp, 0) < 0 && !arp_done) idle(end);
        }
    }
    arp_want = 0;
    if (!arp_done) {
        char a[16];
        ip_str(hop, a);
        fw_die("net: no ARP reply from %s", a);
    }
    memcpy(mac, arp_got, 6);
}

/* ---- DHCP client ---- */
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_ACK 5
#define DHCP_NAK 6

struct offer { uint32_t yiaddr, siaddr, server_id, mask, router, tftp_ip; int type; char bootfile[128]; };

static size_t dhcp_build(uint8_t *m, uint32_t xid, int type, uint32_t req_ip, uint32_t server_id) {
    memset(m, 0, 240);
    m[0] = 1; m[1] = 1; m[2] = 6;
    put32(m + 4, xid);
    put16(m + 10, 0x8000);                      /* broadcast replies: we have no address yet */
    memcpy(m + 28, net_cfg.mac, 6);
    put32(m + 236, 0x63825363);
    uint8_t *o = m + 240;
    *o++ = 53; *o++ = 1; *o++ = (uint8_t)type;
    *o++ = 61; *o++ = 7; *o++ = 1; memcpy(o, net_cfg.mac, 6); o += 6;   /* client identifier */
    *o++ = 57; *o++ = 2; *o++ = 0x05; *o++ = 0xdc;                     /* max message size 1500 */
    *o++ = 55; *o++ = 5; *o++ = 1; *o++ = 3; *o++ = 54; *o++ = 66; *o++ = 67;
    if (req_ip) { *o++ = 50; *o++ = 4; put32(o, req_ip); o += 4; }
    if (server_id) { *o++ = 54; *o++ = 4; put32(o, server_id); o += 4; }
    *o++ = 255;
    size_t n = (size_t)(o - m);
    return n < 300 ? 300 : n;                   /* BOOTP relays expect at least 300 bytes */
}

static int parse_dotted(const char *s, size_t n, uint32_t *ip) {
    uint32_t v = 0, part = 0;
    int dots = 0, digits = 0;
    for (size_t i = 0; i < n && s[i]; i++) {
        if (s[i] == '.') {
            if (!digits || ++dots > 3) return -1;
            v = v << 8 | part; part = 0; digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            part = part * 10 + (uint32_t)(s[i] - '0');
            if (part > 255 || ++digits > 3) return -1;
        } else return -1;
    }
    if (dots != 3 || !digits) return -1;
    *ip = v << 8 | part;
    return 0;
}

/* Parses a reply to xid; 0 when it is a DHCP message for us. */
static int dhcp_parse(const uint8_t *m, long n, uint32_t xid, struct offer *of) {
    if (n < 240 || m[0] != 2 || be32(m + 4) != xid || memcmp(m + 28, net_cfg.mac, 6) != 0 || be32(m + 236) != 0x63825363) return -1;
    memset(of, 0, sizeof *of);
    of->yiaddr = be32(m + 16);
    of->siaddr = be32(m + 20);
    if (m[108]) {                               /* BOOTP 'file' field: the boot file unless option 67 names one */
        size_t k = 0;
        for (; k < 127 && m[108 + k]; k++) of->bootfile[k] = (char)m[108 + k];
        of->bootfile[k] = 0;
    }
    for (long i = 240; i < n;) {
        uint8_t code = m[i];
        if (code == 0) { i++; continue; }
        if (code == 255) break;
        if (i + 1 >= n || i + 2 + m[i + 1] > n) return -1;            /* option runs past the message */
        uint8_t len = m[i + 1];
        const uint8_t *v = m + i + 2;
        switch (code) {
        case 53: if (len == 1) of->type = v[0]; break;
        case 1: if (len == 4) of->mask = be32(v); break;
        case 3: if (len >= 4) of->router = be32(v); break;
        case 54: if (len == 4) of->server_id = be32(v); break;
        case 66: parse_dotted((const char *)v, len, &of->tftp_ip); break;
        case 67: {
            size_t k = 0;
            for (; k < len && k < 127 && v[k]; k++) of->bootfile[k] = (char)v[k];
            of->bootfile[k] = 0;
            break;
        }
        }
        i += 2 + len;
    }
    return of->type ? 0 : -1;
}

/* Sends msg (broadcast) and waits for a reply of one of the wanted types; retries with
 * back-off. */
static int dhcp_exchange(const uint8_t *msg, size_t len, uint32_t xid, int want1, int want2, struct offer *of) {
    static uint8_t reply[1024] FW_NOINIT;
    for (int attempt = 0; attempt < 4; attempt++) {
        udp_send(0xffffffffu, bcast, 68, 67, msg, len);
        uint64_t end = fw_rdtime() + net_ticks(1000u << (attempt < 2 ? attempt : 2));
        uint32_t src; uint16_t sport;
        long n;
        while ((n = udp_recv(68, reply, sizeof reply, &src, &sport, end)) >= 0) {
            if (sport != 67 || dhcp_parse(reply, n, xid, of) != 0) continue;
            if (of->type == want1 || of->type == want2) return of->type;
        }
    }
    return -1;
}

void dhcp_configure(int verbose) {
    static uint8_t msg[548] FW_NOINIT;
    char a[16], b[16], c[16];
    struct offer of, ack;
    net_cfg.ip = 0;
    for (int round = 0; round < 3; round++) {
        /* A transaction id from the MAC and the clock: repeatable under virtual time. */
        uint32_t xid = be32(net_cfg.mac + 2) ^ (uint32_t)fw_rdtime() ^ 0x4d4f5331u;
        size_t n = dhcp_build(msg, xid, DHCP_DISCOVER, 0, 0);
        if (verbose) fw_log("dhcp: DISCOVER");
        if (dhcp_exchange(msg, n, xid, DHCP_OFFER, DHCP_OFFER, &of) < 0) fw_die("dhcp: no DHCPOFFER (4 DISCOVERs sent over 11 s)");
        if (!of.yiaddr) fw_die("dhcp: the offer carries no address");
        ip_str(of.yiaddr, a);
        ip_str(of.server_id ? of.server_id : of.siaddr, b);
        if (verbose) fw_log("dhcp: OFFER of %s from %s", a, b);
        n = dhcp_build(msg, xid, DHCP_REQUEST, of.yiaddr, of.server_id);
        int t = dhcp_exchange(msg, n, xid, DHCP_ACK, DHCP_NAK, &ack);
        if (t < 0) fw_die("dhcp: no DHCPACK for %s", a);
        if (t == DHCP_NAK) { fw_log("dhcp: NAK from %s, starting over", b); continue; }
        net_cfg.ip = ack.yiaddr ? ack.yiaddr : of.yiaddr;
        net_cfg.mask = ack.mask ? ack.mask : of.mask ? of.mask : 0xffffff00u;
        net_cfg.router = ack.router ? ack.router : of.router;
        net_cfg.dhcp_server = ack.server_id ? ack.server_id : of.server_id;
        /* TFTP server: option 66 when it is an address, else siaddr, else the DHCP server. */
        uint32_t tftp = ack.tftp_ip ? ack.tftp_ip : of.tftp_ip ? of.tftp_ip : ack.siaddr ? ack.siaddr : of.siaddr;
        net_cfg.server = tftp ? tftp : net_cfg.dhcp_server;
        fw_strlcpy(net_cfg.bootfile, ack.bootfile[0] ? ack.bootfile : of.bootfile, sizeof net_cfg.bootfile);
        unsigned prefix = 0;
        for (uint32_t m = net_cfg.mask; m & 0x80000000u; m <<= 1) prefix++;
        ip_str(net_cfg.ip, a);
        ip_str(net_cfg.router, b);
        ip_str(net_cfg.server, c);
        fw_log("dhcp: ACK: address %s/%u, router %s, boot server %s, boot file '%s'", a, prefix, b, c, net_cfg.bootfile);
        net_cfg.magic = NETBOOT_MAGIC;
        return;
    }
    fw_die("dhcp: three NAKs in a row");
}
