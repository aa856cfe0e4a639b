/* Network applets: ifconfig, ip (addr, route), ping, nc, httpd, wget; and the name lookup they
 * share (dotted quad, /etc/hosts, then one UDP DNS query to the first nameserver of
 * /etc/resolv.conf). Only the Linux socket ABI: the same code runs on MultiOS and, under qemu-user,
 * on the host's network stack. */
#include "lib.h"
#include "applets.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- addresses and names ---- */

/* Strict dotted quad a.b.c.d (inet_aton's shorthands like "10.1" are not addresses here). */
static int parse_ipv4(const char *s, struct in_addr *a) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9') return -1;
        unsigned part = 0; int digits = 0;
        while (*s >= '0' && *s <= '9') { part = part * 10 + (unsigned) (*s++ - '0'); if (++digits > 3 || part > 255) return -1; }
        v = v << 8 | part;
        if (i < 3 && *s++ != '.') return -1;
    }
    if (*s) return -1;
    a->s_addr = htonl(v);
    return 0;
}

static const char *ipstr(struct in_addr a, char *b) {
    uint32_t v = ntohl(a.s_addr);
    sfmt(b, 16, "%u.%u.%u.%u", v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255);
    return b;
}

/* Whitespace-separated fields of a line, in place; returns their number. */
static int fields(char *line, char **f, int max) {
    int n = 0;
    for (char *p = line; *p && n < max;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p || *p == '#') break;
        f[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
        if (*p) *p++ = 0;
    }
    return n;
}

static int hosts_lookup(const char *name, struct in_addr *a) {
    int fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct lreader r; lr_init(&r, fd);
    char *line = 0; size_t cap = 0; int found = -1;
    while (found < 0 && lr_getline(&r, &line, &cap) >= 0) {
        char *f[16]; int n = fields(line, f, 16);
        for (int i = 1; i < n; i++)
            if (strcasecmp(f[i], name) == 0 && parse_ipv4(f[0], a) == 0) { found = 0; break; }
    }
    free(line); close(fd);
    return found;
}

/* One A query (RFC 1035) over UDP to the first IPv4 nameserver of /etc/resolv.conf, 2 s timeout. */
static int dns_lookup(const char *name, struct in_addr *a) {
    int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct lreader r; lr_init(&r, fd);
    char *line = 0; size_t cap = 0; struct in_addr ns; int have = 0;
    while (!have && lr_getline(&r, &line, &cap) >= 0) {
        char *f[4]; int n = fields(line, f, 4);
        if (n >= 2 && strcmp(f[0], "nameserver") == 0 && parse_ipv4(f[1], &ns) == 0) have = 1;
    }
    free(line); close(fd);
    if (!have || strlen(name) > 253) return -1;
    unsigned char q[512]; size_t n = 0;
    uint16_t id = (uint16_t) (getpid() ^ time(0));
    q[n++] = id >> 8; q[n++] = id & 255; q[n++] = 1; q[n++] = 0;   /* RD */
    q[n++] = 0; q[n++] = 1; memset(q + n, 0, 6); n += 6;          /* one question */
    for (const char *p = name; *p;) {
        const char *dot = strchr(p, '.'); size_t len = dot ? (size_t) (dot - p) : strlen(p);
        if (len == 0 || len > 63) return -1;
        q[n++] = (unsigned char) len; memcpy(q + n, p, len); n += len;
        p += len; if (*p) p++;
    }
    q[n++] = 0; q[n++] = 0; q[n++] = 1; q[n++] = 0; q[n++] = 1;   /* type A, class IN */
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr = ns };
    int rc = -1;
    if (sendto(s, q, n, 0, (struct sockaddr *) &sa, sizeof sa) == (ssize_t) n) {
        struct pollfd p = { s, POLLIN, 0 };
        unsigned char b[512];
        ssize_t m;
        if (poll(&p, 1, 2000) == 1 && (m = recv(s, b, sizeof b, 0)) >= 12 && b[0] == q[0] && b[1] == q[1] && (b[3] & 15) == 0) {
            size_t i = 12; int qd = b[4] << 8 | b[5], an = b[6] << 8 | b[7];
            for (int k = 0; k < qd + an && i < (size_t) m; k++) {
                while (i < (size_t) m && b[i] && (b[i] & 0xc0) != 0xc0) i += b[i] + 1u;   /* name */
                i += i < (size_t) m && b[i] ? 2 : 1;
                if (k < qd) { i += 4; continue; }
                if (i + 10 > (size_t) m) break;
                int type = b[i] << 8 | b[i + 1], rdlen = b[i + 8] << 8 | b[i + 9];
                i += 10;
                if (type == 1 && rdlen == 4 && i + 4 <= (size_t) m) { memcpy(&a->s_addr, b + i, 4); rc = 0; break; }
                i += (size_t) rdlen;
            }
        }
    }
    close(s);
    return rc;
}

/* HOST as dotted quad, /etc/hosts name, or DNS name; prints the error itself. */
static int resolve(const char *host, struct in_addr *a) {
    if (parse_ipv4(host, a) == 0 || hosts_lookup(host, a) == 0 || dns_lookup(host, a) == 0) return 0;
    err("%s: unknown host", host);
    return -1;
}

static int parse_port(const char *s, uint16_t *port) {
    long v;
    if (parse_long(s, &v) != 0 || v < 0 || v > 65535) { err("%s: bad port", s); return -1; }
    *port = (uint16_t) v;
    return 0;
}

static int tcp_connect(struct in_addr a, uint16_t port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) { err_errno("socket"); return -1; }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = a };
    if (connect(s, (struct sockaddr *) &sa, sizeof sa) < 0) {
        char b[16]; int e = errno;
        err("connect to %s port %u: %s", ipstr(a, b), port, strerror(e));
        close(s); return -1;
    }
    return s;
}

static int tcp_listen(uint16_t port) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) { err_errno("socket"); return -1; }
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (bind(s, (struct sockaddr *) &sa, sizeof sa) < 0) { char w[32]; sfmt(w, sizeof w, "bind port %u", port); err_errno(w); close(s); return -1; }
    if (listen(s, 8) < 0) { err_errno("listen"); close(s); return -1; }
    return s;
}

static int64_t now_us(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ---- ifconfig ---- */

static void print_mask_flags(short f) {
    static const struct { short bit; const char *name; } names[] = {
        { IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_LOOPBACK, "LOOPBACK" },
        { IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_RUNNING, "RUNNING" }, { IFF_NOARP, "NOARP" },
        { IFF_PROMISC, "PROMISC" }, { IFF_MULTICAST, "MULTICAST" },
    };
    int first = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) { outf("%s%s", first ? "" : ",", names[i].name); first = 0; }
}

/* The IPv6 addresses of one interface from /proc/net/if_inet6 (address, ifindex, prefix length,
 * scope, IFA_F_* flags, name), in ifconfig's (ip=0) or ip's (ip=1) layout. */
static void print_inet6(const char *name, int ip) {
    int fd = open("/proc/net/if_inet6", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct lreader r; lr_init(&r, fd);
    char *line = 0; size_t cap = 0;
    while (lr_getline(&r, &line, &cap) >= 0) {
        char *f[6]; int n = fields(line, f, 6);
        if (n < 6 || strcmp(f[5], name) != 0 || strlen(f[0]) != 32) continue;
        struct in6_addr a6;
        for (int i = 0; i < 16; i++) { char h[3] = { f[0][2 * i], f[0][2 * i + 1], 0 }; a6.s6_addr[i] = (uint8_t) strtoul(h, 0, 16); }
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a6, a, sizeof a);
        int plen = (int) strtol(f[2], 0, 16), scope = (int) strtol(f[3], 0, 16), fl = (int) strtol(f[4], 0, 16);
        const char *sc = scope == 0x10 ? "host" : scope == 0x20 ? "link" : "global";
        if (ip) {
            outf("    inet6 %s/%d scope %s", a, plen, sc);
            if (fl & 0x08) out(" dadfailed");
            if (fl & 0x20) out(" deprecated");
            if (fl & 0x40) out(" tentative");
            if (!(fl & 0x80) && scope == 0) out(" dynamic");
            outc('\n');
        } else {
            outf("        inet6 %s  prefixlen %d  scopeid 0x%x<%s>\n", a, plen, scope, scope == 0x10 ? "host" : scope == 0x20 ? "link" : "global");
        }
    }
    free(line); close(fd);
}

/* One interface, in the layout of net-tools' ifconfig (2.x). */
static int show_iface(int s, const char *name) {
    struct ifreq r; memset(&r, 0, sizeof r); strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &r) < 0) { char w[64]; sfmt(w, sizeof w, "%s: SIOCGIFFLAGS", name); err_errno(w); return 1; }
    short flags = r.ifr_flags;
    int mtu = ioctl(s, SIOCGIFMTU, &r) == 0 ? r.ifr_mtu : 0;
    outf("%s: flags=%d<", name, flags & 0xffff); print_mask_flags(flags); outf(">  mtu %d\n", mtu);
    char a[16], m[16], b[16];
    if (ioctl(s, SIOCGIFADDR, &r) == 0) {
        ipstr(((struct sockaddr_in *) &r.ifr_addr)->sin_addr, a);
        m[0] = 0; b[0] = 0;
        if (ioctl(s, SIOCGIFNETMASK, &r) == 0) ipstr(((struct sockaddr_in *) &r.ifr_netmask)->sin_addr, m);
        if ((flags & IFF_BROADCAST) && ioctl(s, SIOCGIFBRDADDR, &r) == 0) ipstr(((struct sockaddr_in *) &r.ifr_broadaddr)->sin_addr, b);
        outf("        inet %s  netmask %s", a, m[0] ? m : "0.0.0.0");
        if (b[0]) outf("  broadcast %s", b);
        outc('\n');
    }
    print_inet6(name, 0);
    if (flags & IFF_LOOPBACK) out("        loop  (Local Loopback)\n");
    else if (ioctl(s, SIOCGIFHWADDR, &r) == 0) {
        unsigned char *h = (unsigned char *) r.ifr_hwaddr.sa_data;
        outf("        ether %02x:%02x:%02x:%02x:%02x:%02x  (Ethernet)\n", h[0], h[1], h[2], h[3], h[4], h[5]);
    }
    outc('\n');
    return 0;
}

/* Interface names: /proc/net/dev lists every interface (also those without an address); where it
 * is missing, SIOCGIFCONF lists those with an IPv4 address. */
static int iface_names(int s, char names[][IFNAMSIZ], int max) {
    int n = 0;
    int fd = open("/proc/net/dev", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct lreader r; lr_init(&r, fd);
        char *line = 0; size_t cap = 0;
        while (n < max && lr_getline(&r, &line, &cap) >= 0) {
            char *colon = strchr(line, ':');
            if (!colon) continue;
            *colon = 0;
            char *p = line; while (*p == ' ') p++;
            if (*p && strlen(p) < IFNAMSIZ) strcpy(names[n++], p);
        }
        free(line); close(fd);
        if (n) return n;
    }
    struct ifreq reqs[32];
    struct ifconf c = { .ifc_len = sizeof reqs, .ifc_req = reqs };
    if (ioctl(s, SIOCGIFCONF, &c) < 0) { err_errno("SIOCGIFCONF"); return -1; }
    for (size_t i = 0; i < c.ifc_len / sizeof reqs[0] && n < max; i++) {
        int dup = 0;
        for (int j = 0; j < n; j++) if (strcmp(names[j], reqs[i].ifr_name) == 0) dup = 1;
        if (!dup) { strncpy(names[n], reqs[i].ifr_name, IFNAMSIZ - 1); names[n++][IFNAMSIZ - 1] = 0; }
    }
    return n;
}

static int set_addr(int s, const char *name, unsigned long req, const char *value, const char *what) {
    struct ifreq r; memset(&r, 0, sizeof r); strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    struct sockaddr_in *sa = (struct sockaddr_in *) &r.ifr_addr;
    sa->sin_family = AF_INET;
    if (parse_ipv4(value, &sa->sin_addr) != 0) { err("%s: bad address", value); return 1; }
    if (ioctl(s, req, &r) < 0) { char w[64]; sfmt(w, sizeof w, "%s: %s", name, what); err_errno(w); return 1; }
    return 0;
}

static int set_flags(int s, const char *name, short on, short off) {
    struct ifreq r; memset(&r, 0, sizeof r); strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &r) < 0) { char w[64]; sfmt(w, sizeof w, "%s: SIOCGIFFLAGS", name); err_errno(w); return 1; }
    r.ifr_flags = (short) ((r.ifr_flags | on) & ~off);
    if (ioctl(s, SIOCSIFFLAGS, &r) < 0) { char w[64]; sfmt(w, sizeof w, "%s: SIOCSIFFLAGS", name); err_errno(w); return 1; }
    return 0;
}

/* ifconfig [-a] | IFACE | IFACE [ADDR] [netmask MASK] [broadcast ADDR] [up|down] */
int ifconfig_main(int argc, char **argv) {
    int i = 1;
    if (i < argc && strcmp(argv[i], "-a") == 0) i++;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) { err_errno("socket"); return 1; }
    int rc = 0;
    if (i >= argc) {
        char names[32][IFNAMSIZ];
        int n = iface_names(s, names, 32);
        if (n < 0) rc = 1;
        for (int k = 0; k < n; k++) rc |= show_iface(s, names[k]);
    } else if (i + 1 == argc) {
        rc = show_iface(s, argv[i]);
    } else {
        const char *name = argv[i++];
        for (; i < argc && rc == 0; i++) {
            if (strcmp(argv[i], "up") == 0) rc = set_flags(s, name, IFF_UP, 0);
            else if (strcmp(argv[i], "down") == 0) rc = set_flags(s, name, 0, IFF_UP);
            else if (strcmp(argv[i], "netmask") == 0 && i + 1 < argc) rc = set_addr(s, name, SIOCSIFNETMASK, argv[++i], "SIOCSIFNETMASK");
            else if (strcmp(argv[i], "broadcast") == 0 && i + 1 < argc) rc = set_addr(s, name, SIOCSIFBRDADDR, argv[++i], "SIOCSIFBRDADDR");
            else if (argv[i][0] >= '0' && argv[i][0] <= '9') rc = set_addr(s, name, SIOCSIFADDR, argv[i], "SIOCSIFADDR");
            else { close(s); usage("ifconfig [-a] [IFACE [ADDR] [netmask MASK] [broadcast ADDR] [up|down]]"); }
        }
    }
    flush_all();
    close(s);
    return rc;
}

/* ---- ip addr / ip route ---- */

static int prefix_len(struct in_addr m) {
    uint32_t v = ntohl(m.s_addr); int n = 0;
    while (v & 0x80000000u) { n++; v <<= 1; }
    return n;
}

/* family: 4 = IPv4 only, 6 = IPv6 only, 0 = both */
static int ip_addr(int family) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) { err_errno("socket"); return 1; }
    char names[32][IFNAMSIZ];
    int n = iface_names(s, names, 32);
    for (int k = 0; k < n; k++) {
        struct ifreq r; memset(&r, 0, sizeof r); strncpy(r.ifr_name, names[k], IFNAMSIZ - 1);
        if (ioctl(s, SIOCGIFFLAGS, &r) < 0) continue;
        short flags = r.ifr_flags;
        int mtu = ioctl(s, SIOCGIFMTU, &r) == 0 ? r.ifr_mtu : 0;
        int index = ioctl(s, SIOCGIFINDEX, &r) == 0 ? r.ifr_ifindex : k + 1;
        outf("%d: %s: <", index, names[k]); print_mask_flags(flags);
        outf("> mtu %d state %s\n", mtu, flags & IFF_UP ? (flags & IFF_RUNNING ? "UP" : "UNKNOWN") : "DOWN");
        if (flags & IFF_LOOPBACK) out("    link/loopback 00:00:00:00:00:00\n");
        else if (ioctl(s, SIOCGIFHWADDR, &r) == 0) {
            unsigned char *h = (unsigned char *) r.ifr_hwaddr.sa_data;
            outf("    link/ether %02x:%02x:%02x:%02x:%02x:%02x\n", h[0], h[1], h[2], h[3], h[4], h[5]);
        }
        if (family != 6 && ioctl(s, SIOCGIFADDR, &r) == 0) {
            char a[16]; struct in_addr addr = ((struct sockaddr_in *) &r.ifr_addr)->sin_addr, mask = { 0 };
            if (ioctl(s, SIOCGIFNETMASK, &r) == 0) mask = ((struct sockaddr_in *) &r.ifr_netmask)->sin_addr;
            outf("    inet %s/%d scope %s %s\n", ipstr(addr, a), prefix_len(mask), flags & IFF_LOOPBACK ? "host" : "global", names[k]);
        }
        if (family != 4) print_inet6(names[k], 1);
    }
    flush_all();
    close(s);
    return n < 0;
}

/* /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT, the
 * addresses as 8 hex digits in network byte order read as a host-order word. */
static int ip_route(void) {
    int fd = open("/proc/net/route", O_RDONLY | O_CLOEXEC);
    if (fd < 0) { err_errno("/proc/net/route"); return 1; }
    struct lreader r; lr_init(&r, fd);
    char *line = 0; size_t cap = 0; int first = 1;
    while (lr_getline(&r, &line, &cap) >= 0) {
        if (first) { first = 0; continue; }   /* header */
        char *f[11]; int n = fields(line, f, 11);
        if (n < 8) continue;
        struct in_addr dst, gw, mask;
        dst.s_addr = (uint32_t) strtoul(f[1], 0, 16);
        gw.s_addr = (uint32_t) strtoul(f[2], 0, 16);
        unsigned flags = (unsigned) strtoul(f[3], 0, 16);
        mask.s_addr = (uint32_t) strtoul(f[7], 0, 16);
        if (!(flags & 1)) continue;   /* RTF_UP */
        char a[16];
        if (dst.s_addr == 0 && mask.s_addr == 0) out("default");
        else outf("%s/%d", ipstr(dst, a), prefix_len(mask));
        if (flags & 2) outf(" via %s", ipstr(gw, a));   /* RTF_GATEWAY */
        outf(" dev %s", f[0]);
        long metric = strtol(f[6], 0, 10);
        if (metric) outf(" metric %ld", metric);
        outc('\n');
    }
    free(line); close(fd);
    flush_all();
    return 0;
}

/* ip [-4|-6] addr|a [show] | route|r [show] */
int ip_main(int argc, char **argv) {
    int i = 1, family = 0;
    if (i < argc && (strcmp(argv[i], "-4") == 0 || strcmp(argv[i], "-6") == 0)) family = argv[i++][1] - '0';
    if (i >= argc) usage("ip [-4|-6] addr|route [show]");
    const char *obj = argv[i++];
    if (i < argc && strcmp(argv[i], "show") != 0 && strcmp(argv[i], "list") != 0) { err("%s: only 'show' is supported", argv[i]); return 2; }
    if (strncmp("addr", obj, strlen(obj)) == 0 || strncmp("address", obj, strlen(obj)) == 0) return ip_addr(family);
    if (strncmp("route", obj, strlen(obj)) == 0) {
        if (family == 6) { err("route: only IPv4 routes are shown (IPv6 ones: /proc/net/ipv6_route)"); return 2; }
        return ip_route();
    }
    err("%s: unknown object (addr, route)", obj);
    return 2;
}

/* ---- ping ---- */

static uint16_t inet_csum(const void *p, size_t n) {
    const unsigned char *b = p; uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t) (b[i] << 8 | b[i + 1]);
    if (n & 1) sum += (uint32_t) b[n - 1] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t) ~sum);
}

static uint64_t isqrt(uint64_t v) {
    uint64_t r = 0, bit = 1ULL << 62;
    while (bit > v) bit >>= 2;
    while (bit) { if (v >= r + bit) { v -= r + bit; r = (r >> 1) + bit; } else r >>= 1; bit >>= 2; }
    return r;
}

static void out_ms(int64_t us) { outf("%ld.%03ld", (long) (us / 1000), (long) (us % 1000)); }

static volatile sig_atomic_t ping_stop;
static void on_sigint(int sig) { (void) sig; ping_stop = 1; }

/* ping to an IPv6 literal (ADDR or ADDR%IFINDEX/IFNAME for link-local): ICMPv6 echo over an
 * unprivileged ICMPv6 datagram socket, where the kernel owns identifier and checksum. */
static int ping6(const char *host, long count, long timeout, long interval_ms, long size) {
    char addr[64]; const char *pct = strchr(host, '%');
    size_t alen = pct ? (size_t) (pct - host) : strlen(host);
    if (alen >= sizeof addr) { err("bad address: %s", host); return 2; }
    memcpy(addr, host, alen); addr[alen] = 0;
    struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
    if (inet_pton(AF_INET6, addr, &to.sin6_addr) != 1) { err("bad address: %s", host); return 2; }
    if (pct) {
        long n; unsigned idx = parse_long(pct + 1, &n) == 0 && n > 0 ? (unsigned) n : if_nametoindex(pct + 1);
        if (!idx) { err("unknown interface: %s", pct + 1); return 2; }
        to.sin6_scope_id = idx;
    }
    int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (s < 0) { err("socket: %s", strerror(errno)); return 2; }
    char a[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &to.sin6_addr, a, sizeof a);
    outf("PING %s (%s) %ld data bytes\n", host, a, size);
    flush_all();
    struct sigaction sa = { .sa_handler = on_sigint };
    sigaction(SIGINT, &sa, 0);
    long sent = 0, received = 0, errors = 0;
    int64_t tmin = 0, tmax = 0, tsum = 0; uint64_t tsq = 0;
    int64_t start = now_us();
    unsigned char *pkt = xmalloc((size_t) size + 8), buf[65536];
    for (long seq = 1; !ping_stop && (count < 0 || seq <= count); seq++) {
        memset(pkt, 0, (size_t) size + 8);
        pkt[0] = 128; pkt[6] = (unsigned char) (seq >> 8); pkt[7] = (unsigned char) seq;   /* echo request */
        int64_t t0 = now_us();
        if (size >= 8) memcpy(pkt + 8, &t0, 8);
        for (long k = 16; k < size + 8; k++) pkt[k] = (unsigned char) k;
        if (sendto(s, pkt, (size_t) size + 8, 0, (struct sockaddr *) &to, sizeof to) < 0) { err_errno("sendto"); errors++; }
        sent++;
        int64_t deadline = t0 + timeout * 1000000, next = t0 + interval_ms * 1000;
        int got = 0;
        for (;;) {
            int last = count >= 0 && seq == count;
            int64_t now = now_us(), until = got ? next : last ? deadline : next;
            if (got && last) break;
            if (ping_stop || now >= until) break;
            struct pollfd p = { s, POLLIN, 0 };
            int w = poll(&p, 1, (int) ((until - now + 999) / 1000));
            if (w <= 0) continue;
            struct sockaddr_in6 from; socklen_t fl = sizeof from;
            ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
            if (n < 8 || buf[0] != 129) continue;                                               /* echo reply */
            if ((buf[6] << 8 | buf[7]) != (seq & 0xffff) || memcmp(&from.sin6_addr, &to.sin6_addr, 16) != 0) continue;
            int64_t rtt = now_us() - t0;
            received++; got = 1;
            if (received == 1 || rtt < tmin) tmin = rtt;
            if (rtt > tmax) tmax = rtt;
            tsum += rtt; tsq += (uint64_t) rtt * (uint64_t) rtt;
            outf("%ld bytes from %s: icmp_seq=%ld time=", (long) n, a, seq);
            out_ms(rtt); out(" ms\n");
            flush_all();
            if (count >= 0 && seq == count) break;
        }
    }
    int64_t elapsed = now_us() - start;
    outf("\n--- %s ping statistics ---\n", host);
    outf("%ld packets transmitted, %ld received", sent, received);
    if (errors) outf(", +%ld errors", errors);
    outf(", %ld%% packet loss, time %ldms\n", sent ? (sent - received) * 100 / sent : 0, (long) (elapsed / 1000));
    if (received) {
        int64_t avg = tsum / received;
        uint64_t mean_sq = tsq / (uint64_t) received, sq_mean = (uint64_t) avg * (uint64_t) avg;
        out("rtt min/avg/max/mdev = "); out_ms(tmin); outc('/'); out_ms(avg); outc('/'); out_ms(tmax); outc('/');
        out_ms((int64_t) isqrt(mean_sq > sq_mean ? mean_sq - sq_mean : 0)); out(" ms\n");
    }
    flush_all();
    close(s);
    free(pkt);
    return received ? 0 : 1;
}

/* ping [-c COUNT] [-W TIMEOUT] [-i INTERVAL] [-s SIZE] HOST: ICMP echo over an unprivileged ICMP
 * datagram socket, or a raw socket where those are not allowed; statistics as iputils prints them. */
int ping_main(int argc, char **argv) {
    long count = -1, timeout = 10, interval_ms = 1000, size = 56;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *o = argv[i];
        if (strchr("cWis", o[1]) && !o[2] && i + 1 < argc) {
            const char *v = argv[++i]; long n;
            if (o[1] == 'i') {   /* seconds, with fractions */
                char *end; double d = strtod(v, &end);
                if (*end || d < 0.01) { err("bad interval: %s", v); return 2; }
                interval_ms = (long) (d * 1000);
                continue;
            }
            if (parse_long(v, &n) != 0 || n < 0 || (o[1] == 'c' && n == 0) || (o[1] == 's' && n > 65000)) { err("bad value for -%c: %s", o[1], v); return 2; }
            if (o[1] == 'c') count = n; else if (o[1] == 'W') timeout = n; else size = n;
        } else usage("ping [-c COUNT] [-W SECONDS] [-i SECONDS] [-s SIZE] HOST");
    }
    if (i + 1 != argc) usage("ping [-c COUNT] [-W SECONDS] [-i SECONDS] [-s SIZE] HOST");
    if (strchr(argv[i], ':')) return ping6(argv[i], count, timeout, interval_ms, size);
    struct in_addr dst;
    if (resolve(argv[i], &dst) != 0) return 2;
    int raw = 0;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (s < 0) {
        int e = errno;
        s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
        if (s < 0) { err("socket: %s (ICMP datagram socket: %s)", strerror(errno), strerror(e)); return 2; }
        raw = 1;
    }
    int one = 1;
    setsockopt(s, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = dst };
    char a[16];
    ipstr(dst, a);
    outf("PING %s (%s) %ld(%ld) bytes of data.\n", argv[i], a, size, size + 28);
    flush_all();
    struct sigaction sa = { .sa_handler = on_sigint };
    sigaction(SIGINT, &sa, 0);
    uint16_t ident = (uint16_t) getpid();
    long sent = 0, received = 0, errors = 0;
    int64_t tmin = 0, tmax = 0, tsum = 0; uint64_t tsq = 0;
    int64_t start = now_us();
    unsigned char *pkt = xmalloc((size_t) size + 8), buf[65536];
    for (long seq = 1; !ping_stop && (count < 0 || seq <= count); seq++) {
        memset(pkt, 0, (size_t) size + 8);
        pkt[0] = ICMP_ECHO; pkt[4] = ident >> 8; pkt[5] = ident & 255; pkt[6] = (unsigned char) (seq >> 8); pkt[7] = (unsigned char) seq;
        int64_t t0 = now_us();
        if (size >= 8) memcpy(pkt + 8, &t0, 8);
        for (long k = 16; k < size + 8; k++) pkt[k] = (unsigned char) k;
        uint16_t c = inet_csum(pkt, (size_t) size + 8); memcpy(pkt + 2, &c, 2);
        if (sendto(s, pkt, (size_t) size + 8, 0, (struct sockaddr *) &to, sizeof to) < 0) { err_errno("sendto"); errors++; }
        sent++;
        int64_t deadline = t0 + timeout * 1000000, next = t0 + interval_ms * 1000;
        int got = 0;
        /* wait for this reply (up to -W), then for the rest of the interval */
        for (;;) {
            /* the last probe waits up to -W for its reply; the others until the next is due */
            int last = count >= 0 && seq == count;
            int64_t now = now_us(), until = got ? next : last ? deadline : next;
            if (got && last) break;
            if (ping_stop || now >= until) break;
            struct pollfd p = { s, POLLIN, 0 };
            int w = poll(&p, 1, (int) ((until - now + 999) / 1000));
            if (w <= 0) continue;
            struct sockaddr_in from; char ctl[128];
            struct iovec iov = { buf, sizeof buf };
            struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
            ssize_t n = recvmsg(s, &mh, 0);
            if (n < 0) continue;
            unsigned char *icmp = buf; int ttl = -1;
            if (raw) {
                int ihl = (buf[0] & 15) * 4;
                if (n < ihl + 8) continue;
                ttl = buf[8]; icmp = buf + ihl; n -= ihl;
            } else {
                for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
                    if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) memcpy(&ttl, CMSG_DATA(cm), sizeof ttl);
            }
            if (n < 8 || icmp[0] != ICMP_ECHOREPLY) continue;
            /* on a datagram socket the kernel owns the identifier; on a raw one it must be ours */
            if (raw && (icmp[4] << 8 | icmp[5]) != ident) continue;
            if ((icmp[6] << 8 | icmp[7]) != (seq & 0xffff) || from.sin_addr.s_addr != dst.s_addr) continue;
            int64_t rtt = now_us() - t0;
            received++; got = 1;
            if (received == 1 || rtt < tmin) tmin = rtt;
            if (rtt > tmax) tmax = rtt;
            tsum += rtt; tsq += (uint64_t) rtt * (uint64_t) rtt;
            outf("%ld bytes from %s: icmp_seq=%ld", (long) n, ipstr(from.sin_addr, a), seq);
            if (ttl >= 0) outf(" ttl=%d", ttl);
            out(" time="); out_ms(rtt); out(" ms\n");
            flush_all();
            if (count >= 0 && seq == count) break;
        }
    }
    int64_t elapsed = now_us() - start;
    outf("\n--- %s ping statistics ---\n", argv[i]);
    outf("%ld packets transmitted, %ld received", sent, received);
    if (errors) outf(", +%ld errors", errors);
    outf(", %ld%% packet loss, time %ldms\n", sent ? (sent - received) * 100 / sent : 0, (long) (elapsed / 1000));
    if (received) {
        int64_t avg = tsum / received;
        uint64_t mean_sq = tsq / (uint64_t) received, sq_mean = (uint64_t) avg * (uint64_t) avg;
        out("rtt min/avg/max/mdev = "); out_ms(tmin); outc('/'); out_ms(avg); outc('/'); out_ms(tmax); outc('/');
        out_ms((int64_t) isqrt(mean_sq > sq_mean ? mean_sq - sq_mean : 0)); out(" ms\n");
    }
    flush_all();
    close(s);
    return received ? 0 : 1;
}

/* ---- nc ---- */

/* Copies stdin -> socket and socket -> stdout until the peer closes; stdin EOF half-closes the
 * connection (shutdown SHUT_WR) so the peer sees the end of the data and can answer. */
static int relay(int s) {
    char b[16384];
    int in_open = 1;
    for (;;) {
        struct pollfd p[2] = { { s, POLLIN, 0 }, { in_open ? 0 : -1, POLLIN, 0 } };
        if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; err_errno("poll"); return 1; }
        if (p[1].revents) {
            ssize_t n = read(0, b, sizeof b);
            if (n <= 0) { in_open = 0; shutdown(s, SHUT_WR); }
            else if (write_all(s, b, (size_t) n) < 0) { err_errno("write"); return 1; }
        }
        if (p[0].revents) {
            ssize_t n = read(s, b, sizeof b);
            if (n < 0) { if (errno == ECONNRESET) return 0; err_errno("read"); return 1; }
            if (n == 0) return 0;
            if (write_all(1, b, (size_t) n) < 0) { err_errno("write"); return 1; }
        }
    }
}

/* nc HOST PORT | nc -l [-p] PORT */
int nc_main(int argc, char **argv) {
    int listen_mode = 0; const char *port_s = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-l") == 0) listen_mode = 1;
        else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) port_s = argv[++i];
        else if (strcmp(argv[i], "-lp") == 0 && i + 1 < argc) { listen_mode = 1; port_s = argv[++i]; }
        else usage("nc HOST PORT | nc -l [-p] PORT");
    }
    uint16_t port;
    signal(SIGPIPE, SIG_IGN);
    if (listen_mode) {
        if (!port_s && i < argc) port_s = argv[i++];
        if (!port_s || i != argc) usage("nc HOST PORT | nc -l [-p] PORT");
        if (parse_port(port_s, &port) != 0) return 1;
        int l = tcp_listen(port);
        if (l < 0) return 1;
        int c;
        while ((c = accept4(l, 0, 0, SOCK_CLOEXEC)) < 0 && errno == EINTR) {}
        if (c < 0) { err_errno("accept"); return 1; }
        close(l);
        int rc = relay(c);
        close(c);
        return rc;
    }
    if (i + 2 != argc) usage("nc HOST PORT | nc -l [-p] PORT");
    struct in_addr a;
    if (resolve(argv[i], &a) != 0 || parse_port(argv[i + 1], &port) != 0) return 1;
    int s = tcp_connect(a, port);
    if (s < 0) return 1;
    int rc = relay(s);
    close(s);
    return rc;
}

/* ---- httpd ---- */

static const char *content_type(const char *path) {
    static const char *types[][2] = {
        { ".html", "text/html" }, { ".htm", "text/html" }, { ".txt", "text/plain" }, { ".css", "text/css" },
        { ".js", "application/javascript" }, { ".json", "application/json" }, { ".png", "image/png" },
        { ".jpg", "image/jpeg" }, { ".gif", "image/gif" }, { ".svg", "image/svg+xml" },
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) if (strcasecmp(dot, types[i][0]) == 0) return types[i][1];
    return "application/octet-stream";
}

static void http_error(int c, int code, const char *reason, int head) {
    char body[128], hdr[256];
    int bn = sfmt(body, sizeof body, "<html><body><h1>%d %s</h1></body></html>\n", code, reason);
    int hn = sfmt(hdr, sizeof hdr, "HTTP/1.0 %d %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", code, reason, bn);
    write_all(c, hdr, (size_t) hn);
    if (!head) write_all(c, body, (size_t) bn);
}

/* Decodes %XX in place; rejects %00. */
static int url_decode(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '%') {
            int v = 0;
            for (int k = 1; k <= 2; k++) {
                char ch = r[k];
                if (ch >= '0' && ch <= '9') v = v * 16 + ch - '0';
                else if ((ch | 32) >= 'a' && (ch | 32) <= 'f') v = v * 16 + (ch | 32) - 'a' + 10;
                else return -1;
            }
            if (v == 0) return -1;
            *w++ = (char) v; r += 2;
        } else *w++ = *r;
    }
    *w = 0;
    return 0;
}

static void serve(int c, const char *root, int quiet) {
    char req[8192]; size_t n = 0;
    /* read the request head (up to the blank line); HTTP/0.9-style one-line requests end at \n */
    struct pollfd p = { c, POLLIN, 0 };
    while (n < sizeof req - 1) {
        if (poll(&p, 1, 10000) != 1) return;
        ssize_t m = read(c, req + n, sizeof req - 1 - n);
        if (m <= 0) break;
        n += (size_t) m; req[n] = 0;
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n")) break;
    }
    req[n] = 0;
    char *eol = strpbrk(req, "\r\n");
    if (!eol) { http_error(c, 400, "Bad Request", 0); return; }
    *eol = 0;
    char *f[4]; int nf = fields(req, f, 4);
    if (nf < 2 || f[1][0] != '/') { http_error(c, 400, "Bad Request", 0); return; }
    int head = strcmp(f[0], "HEAD") == 0;
    if (!quiet) fdf(2, "httpd: %s %s\n", f[0], f[1]);
    if (strcmp(f[0], "GET") != 0 && !head) { http_error(c, 501, "Not Implemented", 0); return; }
    char *q = strchr(f[1], '?'); if (q) *q = 0;
    if (url_decode(f[1]) != 0) { http_error(c, 400, "Bad Request", head); return; }
    /* no way out of the document root: refuse any ".." component */
    for (char *s = f[1]; (s = strstr(s, "..")); s += 2)
        if (s[-1] == '/' && (s[2] == '/' || s[2] == 0)) { http_error(c, 403, "Forbidden", head); return; }
    char *path = path_join(root, f[1] + 1);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) { char *ix = path_join(path, "index.html"); free(path); path = ix; }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        if (errno == EACCES) http_error(c, 403, "Forbidden", head); else http_error(c, 404, "Not Found", head);
        free(path); return;
    }
    char hdr[256];
    int hn = sfmt(hdr, sizeof hdr, "HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n", content_type(path), (long) st.st_size);
    write_all(c, hdr, (size_t) hn);
    char b[16384]; ssize_t m;
    if (!head) while ((m = read(fd, b, sizeof b)) > 0) if (write_all(c, b, (size_t) m) < 0) break;
    close(fd); free(path);
}

/* httpd [-p PORT] [-d DIR] [-n COUNT] [-q]: serves the files under DIR (default .) one connection at
 * a time; -n stops after COUNT requests (scripts and tests). */
int httpd_main(int argc, char **argv) {
    uint16_t port = 80; const char *root = "."; long count = -1; int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) { if (parse_port(argv[++i], &port) != 0) return 1; }
        else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) root = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) { if (parse_long(argv[++i], &count) != 0 || count < 1) { err("bad count: %s", argv[i]); return 2; } }
        else if (strcmp(argv[i], "-q") == 0) quiet = 1;
        else usage("httpd [-p PORT] [-d DIR] [-n COUNT] [-q]");
    }
    if (!is_dir(root)) { err("%s: not a directory", root); return 1; }
    signal(SIGPIPE, SIG_IGN);
    int l = tcp_listen(port);
    if (l < 0) return 1;
    if (!quiet) fdf(2, "httpd: serving %s on port %u\n", root, port);
    for (long served = 0; count < 0 || served < count; served++) {
        int c = accept4(l, 0, 0, SOCK_CLOEXEC);
        if (c < 0) { if (errno == EINTR) { served--; continue; } err_errno("accept"); return 1; }
        serve(c, root, quiet);
        shutdown(c, SHUT_WR);
        /* drain what the client still sends so close() does not turn into a reset */
        char b[512]; struct pollfd p = { c, POLLIN, 0 };
        while (poll(&p, 1, 200) == 1 && read(c, b, sizeof b) > 0) {}
        close(c);
    }
    close(l);
    return 0;
}

/* ---- wget ---- */

/* wget [-q] [-O FILE] http://HOST[:PORT]/PATH: HTTP/1.0 GET; -O - writes to stdout; the default
 * file is the last path component (index.html for a directory). Non-2xx answers are errors. */
int wget_main(int argc, char **argv) {
    const char *outname = 0, *url = 0; int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-O") == 0 && i + 1 < argc) outname = argv[++i];
        else if (strcmp(argv[i], "-q") == 0) quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1]) usage("wget [-q] [-O FILE] http://HOST[:PORT]/PATH");
        else if (!url) url = argv[i];
        else usage("wget [-q] [-O FILE] http://HOST[:PORT]/PATH");
    }
    if (!url) usage("wget [-q] [-O FILE] http://HOST[:PORT]/PATH");
    if (strncmp(url, "http://", 7) != 0) { err("%s: only http:// URLs are supported", url); return 1; }
    const char *hp = url + 7, *slash = strchr(hp, '/');
    size_t hplen = slash ? (size_t) (slash - hp) : strlen(hp);
    const char *path = slash ? slash : "/";
    char host[256];
    if (hplen == 0 || hplen >= sizeof host) { err("%s: bad URL", url); return 1; }
    memcpy(host, hp, hplen); host[hplen] = 0;
    uint16_t port = 80;
    char *colon = strchr(host, ':');
    if (colon) { *colon = 0; if (parse_port(colon + 1, &port) != 0) return 1; }
    struct in_addr a;
    if (resolve(host, &a) != 0) return 1;
    char ab[16];
    if (!quiet) fdf(2, "Connecting to %s (%s:%u)\n", host, ipstr(a, ab), port);
    signal(SIGPIPE, SIG_IGN);
    int s = tcp_connect(a, port);
    if (s < 0) return 1;
    char req[4096];
    int rn = sfmt(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %.*s\r\nUser-Agent: mbox-wget\r\nAccept: */*\r\nConnection: close\r\n\r\n", path, (int) hplen, hp);
    if (rn >= (int) sizeof req - 1) { err("%s: URL too long", url); close(s); return 1; }
    if (write_all(s, req, (size_t) rn) < 0) { err_errno("write"); close(s); return 1; }
    /* read the response head */
    char head[16384]; size_t hn = 0; char *body = 0;
    while (hn < sizeof head - 1) {
        ssize_t m = read(s, head + hn, sizeof head - 1 - hn);
        if (m < 0) { err_errno("read"); close(s); return 1; }
        if (m == 0) break;
        hn += (size_t) m; head[hn] = 0;
        if ((body = strstr(head, "\r\n\r\n"))) { body += 4; break; }
        if ((body = strstr(head, "\n\n"))) { body += 2; break; }
    }
    if (!body) { err("%s: no HTTP response", url); close(s); return 1; }
    size_t have = hn - (size_t) (body - head);
    body[-1] = 0;
    int status = 0;
    char *sp = strchr(head, ' ');
    if (strncmp(head, "HTTP/", 5) != 0 || !sp || (status = atoi(sp + 1)) < 100) { err("%s: malformed HTTP response", url); close(s); return 1; }
    char *eol = strpbrk(head, "\r\n"); if (eol) *eol = 0;
    if (status < 200 || status > 299) { err("server returned error: %s", head); close(s); return 1; }
    long length = -1;
    for (char *l = eol ? eol + 1 : 0; l && *l;) {
        while (*l == '\r' || *l == '\n') l++;
        if (strncasecmp(l, "Content-Length:", 15) == 0) length = strtol(l + 15, 0, 10);
        l = strpbrk(l, "\r\n");
    }
    char fname[256];
    if (!outname) {
        const char *b = strrchr(path, '/') + 1;
        size_t bl = strcspn(b, "?#");
        if (bl == 0 || bl >= sizeof fname) strcpy(fname, "index.html"); else { memcpy(fname, b, bl); fname[bl] = 0; }
        outname = fname;
    }
    int fd = strcmp(outname, "-") == 0 ? 1 : open(outname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) { err_errno(outname); close(s); return 1; }
    if (!quiet && fd != 1) fdf(2, "saving to '%s'\n", outname);
    long total = (long) have;
    if (have && write_all(fd, body, have) < 0) { err_errno(outname); close(s); return 1; }
    char b[16384]; ssize_t m;
    while ((length < 0 || total < length) && (m = read(s, b, sizeof b)) > 0) {
        if (write_all(fd, b, (size_t) m) < 0) { err_errno(outname); close(s); return 1; }
        total += m;
    }
    close(s);
    if (fd != 1) close(fd);
    if (length >= 0 && total < length) { err("%s: connection closed after %ld of %ld bytes", url, total, length); return 1; }
    if (!quiet && fd != 1) fdf(2, "'%s' saved (%ld bytes)\n", outname, total);
    return 0;
}
