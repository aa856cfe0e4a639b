/* TFTP client (RFC 1350, options RFC 2347/2348/2349): a read request in octet mode asking for
 * blksize 1468 (fits a 1500-byte MTU) and tsize, lock-step DATA/ACK with the server's transfer
 * id, retransmission of our last packet on silence (never in answer to a duplicate), block
 * numbers that roll over at 65536.
 * Any TFTP ERROR, a file larger than the room it goes to, or 5 silent timeouts end in one
 * stage error line naming the file and the server. */
#include "fw.h"

#define OP_RRQ 1
#define OP_DATA 3
#define OP_ACK 4
#define OP_ERROR 5
#define OP_OACK 6
#define WANT_BLKSIZE 1468
#define TRIES 5

static uint8_t pkt[4 + 1468 + 64] FW_NOINIT;
static uint16_t next_port;

static size_t put_str(uint8_t *p, const char *s) {
    size_t n = fw_strlen(s) + 1;
    memcpy(p, s, n);
    return n;
}

static uint64_t atou(const char *s, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) v = v * 10 + (uint64_t)(s[i] - '0');
    return v;
}

static void send_ack(uint32_t server, const uint8_t mac[6], uint16_t port, uint16_t tid, uint16_t block) {
    uint8_t a[4] = {0, OP_ACK, (uint8_t)(block >> 8), (uint8_t)block};
    udp_send(server, mac, port, tid, a, 4);
}

static void send_error(uint32_t server, const uint8_t mac[6], uint16_t port, uint16_t tid, uint16_t code, const char *msg) {
    uint8_t e[64];
    e[0] = 0; e[1] = OP_ERROR; e[2] = (uint8_t)(code >> 8); e[3] = (uint8_t)code;
    size_t n = 4 + put_str(e + 4, msg);
    udp_send(server, mac, port, tid, e, n);
}

uint64_t tftp_get(uint32_t server, const char *name, void *dst, uint64_t cap, int verbose) {
    char srv[16];
    ip_str(server, srv);
    if (fw_strlen(name) == 0) fw_die("tftp: no file name to ask %s for", srv);
    if (fw_strlen(name) > 255) fw_die("tftp: file name '%s' is too long", name);
    uint8_t mac[6];
    arp_resolve(server, mac);
    if (!next_port) next_port = (uint16_t)(49152 + ((net_cfg.ip ^ (uint32_t)fw_rdtime()) & 0x3fff));
    uint16_t port = next_port++;
    if (next_port < 49152) next_port = 49152;

    static uint8_t last[300];                  /* our last packet, re-sent on silence */
    size_t last_len = 0;
    last[0] = 0; last[1] = OP_RRQ;
    last_len = 2 + put_str(last + 2, name);
    last_len += put_str(last + last_len, "octet");
    last_len += put_str(last + last_len, "blksize");
    last_len += put_str(last + last_len, "1468");
    last_len += put_str(last + last_len, "tsize");
    last_len += put_str(last + last_len, "0");
    uint16_t dport = 69, tid = 0;
    udp_send(server, mac, port, dport, last, last_len);

    unsigned blksize = 512;
    uint64_t got = 0, tsize = ~0ull, blocks = 0;
    uint16_t block = 0;                         /* last block received */
    int silent = 0;
    uint8_t *d = dst;
    for (;;) {
        uint32_t src; uint16_t sport;
        long n = udp_recv(port, pkt, sizeof pkt, &src, &sport, fw_rdtime() + net_ticks(1000));
        if (n < 0) {
            if (++silent == TRIES) fw_die("tftp: %s: no answer from %s (%d tries)", name, srv, TRIES);
            udp_send(server, mac, port, tid ? tid : dport, last, last_len);
            continue;
        }
        if (src != server) continue;
        if (tid && sport != tid) {              /* RFC 1350: another transfer's packet */
            send_error(server, mac, port, sport, 5, "Unknown transfer ID");
            continue;
        }
        if (n < 4) continue;
        uint16_t op = (uint16_t)(pkt[0] << 8 | pkt[1]);
        if (op == OP_ERROR) {
            pkt[n < (long)sizeof pkt ? n : (long)sizeof pkt - 1] = 0;
            fw_die("tftp: %s refused '%s': %s (error %u)", srv, name, n > 4 ? (const char *)pkt + 4 : "", pkt[2] << 8 | pkt[3]);
        }
        if (op == OP_OACK && !tid && block == 0) {
            tid = sport;
            for (long i = 2; i < n;) {          /* name\0value\0 pairs */
                const char *k = (const char *)pkt + i;
                long kl = 0;
                while (i + kl < n && pkt[i + kl]) kl++;
                long vi = i + kl + 1, vl = 0;
                while (vi + vl < n && pkt[vi + vl]) vl++;
                if (vi + vl >= n) break;
                const char *v = (const char *)pkt + vi;
                if (kl == 7 && fw_strncmp(k, "blksize", 7) == 0) blksize = (unsigned)atou(v, (size_t)vl);
                if (kl == 5 && fw_strncmp(k, "tsize", 5) == 0) tsize = atou(v, (size_t)vl);
                i = vi + vl + 1;
            }
            if (blksize < 8 || blksize > WANT_BLKSIZE) {
                send_error(server, mac, port, tid, 8, "bad blksize");
                fw_die("tftp: %s answered blksize %u for '%s' (asked for at most %u)", srv, blksize, name, WANT_BLKSIZE);
            }
            if (tsize != ~0ull && tsize > cap) {
                send_error(server, mac, port, tid, 3, "file too large");
                fw_die("tftp: '%s' is %lu bytes; at most %lu fit", name, tsize, cap);
            }
            send_ack(server, mac, port, tid, 0);
            last[0] = 0; last[1] = OP_ACK; last[2] = 0; last[3] = 0; last_len = 4;
            silent = 0;
            continue;
        }
        if (op == OP_OACK && sport == tid && block == 0) { send_ack(server, mac, port, tid, 0); continue; }   /* our ACK 0 was lost */
        if (op != OP_DATA) continue;
        if (!tid) tid = sport;                  /* the server ignored our options: 512-byte blocks */
        uint16_t b = (uint16_t)(pkt[2] << 8 | pkt[3]);
        uint64_t len = (uint64_t)n - 4;
        /* A duplicate of the last block is not answered: re-acknowledging it would make a server
         * that resends on a repeated ACK send every later block twice (RFC 1123 4.2.3.1, the
         * Sorcerer's Apprentice); if our ACK was lost, the silence timer re-sends it. */
        if (b == block) continue;
        if (b != (uint16_t)(block + 1)) continue;
        if (len > blksize) continue;
        if (got + len > cap) {
            send_error(server, mac, port, tid, 3, "file too large");
            fw_die("tftp: '%s' is larger than the %lu bytes it may take", name, cap);
        }
        memcpy(d + got, pkt + 4, len);
        got += len;
        block = b;
        blocks++;
        silent = 0;
        send_ack(server, mac, port, tid, b);
        last[0] = 0; last[1] = OP_ACK; last[2] = (uint8_t)(b >> 8); last[3] = (uint8_t)b; last_len = 4;
        if (len < blksize) break;
    }
    if (tsize != ~0ull && tsize != got) fw_die("tftp: '%s' announced %lu bytes but %lu arrived", name, tsize, got);
    if (verbose) fw_log("tftp: '%s' from %s: %lu bytes in %lu blocks of %u", name, srv, got, blocks, blksize);
    return got;
}
