/* Loopback sockets in one process: TCP listen/connect/accept, data both ways, shutdown and EOF,
 * socket options and names; UDP sendto/recvfrom; errors for a refused connect and a used port.
 * Output avoids ephemeral port numbers so it is the same under qemu-riscv64 and multios run. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in addr(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = addr(47613);
    printf("bind %d\n", bind(l, (struct sockaddr *)&a, sizeof a));
    printf("listen %d\n", listen(l, 4));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    printf("nodelay %d\n", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    printf("connect %d\n", connect(c, (struct sockaddr *)&a, sizeof a));
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int s = accept(l, (struct sockaddr *)&peer, &pl);
    printf("accept ok=%d len=%d peer=%s\n", s > 0, (int)pl, inet_ntoa(peer.sin_addr));
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    getsockname(c, (struct sockaddr *)&me, &ml);
    printf("client port matches peer: %d\n", me.sin_port == peer.sin_port);
    getpeername(c, (struct sockaddr *)&me, &ml);
    printf("client peer port %d\n", ntohs(me.sin_port));
    char buf[70000];
    printf("send %zd\n", send(c, "hello, server", 13, 0));
    ssize_t n = recv(s, buf, sizeof buf, 0);
    printf("server got %zd '%.*s'\n", n, (int)n, buf);
    printf("write %zd\n", write(s, "hi client", 9));
    n = read(c, buf, sizeof buf);
    printf("client got %zd '%.*s'\n", n, (int)n, buf);
    /* a bigger transfer with a checksum */
    static char big[200000];
    for (int i = 0; i < (int)sizeof big; i++) big[i] = (char)(i * 7 + i / 251);
    unsigned long sum = 0, want = 0;
    for (int i = 0; i < (int)sizeof big; i++) want = want * 31 + (unsigned char)big[i];
    size_t sent = 0, got = 0;
    while (got < sizeof big) {
        if (sent < sizeof big) {
            ssize_t w = send(c, big + sent, sizeof big - sent, MSG_DONTWAIT);
            if (w > 0) sent += w;
        }
        ssize_t r = recv(s, buf, sizeof buf, MSG_DONTWAIT);
        if (r > 0) { for (ssize_t i = 0; i < r; i++) sum = sum * 31 + (unsigned char)buf[i]; got += r; }
    }
    printf("bulk %zu bytes checksum %s\n", got, sum == want ? "ok" : "BAD");
    struct pollfd p = {s, POLLIN, 0};
    printf("poll before shutdown %d\n", poll(&p, 1, 0));
    printf("shutdown %d\n", shutdown(c, SHUT_WR));
    printf("poll after shutdown %d revents&POLLIN=%d\n", poll(&p, 1, 0), !!(p.revents & POLLIN));
    printf("eof read %zd\n", read(s, buf, sizeof buf));
    close(s);
    n = read(c, buf, sizeof buf);
    printf("client eof %zd\n", n);
    close(c);
    int type = 0;
    socklen_t tl = sizeof type;
    getsockopt(l, SOL_SOCKET, SO_TYPE, &type, &tl);
    printf("SO_TYPE %d\n", type);
    int l2 = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    printf("bind busy %d %s\n", bind(l2, (struct sockaddr *)&a, sizeof a), strerror(errno));
    close(l2);
    close(l);
    int r = socket(AF_INET, SOCK_STREAM, 0);
    errno = 0;
    printf("refused %d %s\n", connect(r, (struct sockaddr *)&a, sizeof a), strerror(errno));
    close(r);
    /* UDP */
    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = addr(47614);
    printf("udp bind %d\n", bind(u1, (struct sockaddr *)&ua, sizeof ua));
    printf("udp sendto %zd\n", sendto(u2, "datagram", 8, 0, (struct sockaddr *)&ua, sizeof ua));
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    n = recvfrom(u1, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("udp got %zd '%.*s' from %s\n", n, (int)n, buf, inet_ntoa(from.sin_addr));
    printf("udp nonblocking empty %zd %s\n", recv(u1, buf, sizeof buf, MSG_DONTWAIT), strerror(errno));
    close(u1);
    close(u2);
    return 0;
}
