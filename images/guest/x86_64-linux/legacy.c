/* The x86_64 system calls asm-generic has no number for, made directly with syscall(2) so
 * glibc's choice of wrappers does not hide them: poll, select, alarm, pause, time, dup2 (also
 * with oldfd == newfd), getdents (the old linux_dirent with d_type in the last byte), access,
 * pipe, and x86_64's own struct stat through stat, lstat and fstat (st_nlink before st_mode,
 * 64-bit st_blksize). Prints what is the same on any Linux: no inode numbers or times. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct old_dirent { unsigned long d_ino, d_off; unsigned short d_reclen; char d_name[]; };

static void on_alarm(int sig) { (void)sig; }

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[] = "/tmp/legacyXXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
    int fd = open("f", O_CREAT | O_WRONLY, 0640);
    if (write(fd, "0123456789", 10) != 10) return 1;
    close(fd);
    link("f", "g");
    symlink("f", "l");
    mkdir("d", 0755);

    struct stat st;
    long r = syscall(SYS_stat, "f", &st);
    printf("stat %ld mode %o nlink %lu size %ld blksize-ok %d blocks-ok %d\n", r, st.st_mode, (unsigned long)st.st_nlink,
           (long)st.st_size, st.st_blksize >= 512, st.st_blocks >= 0);
    r = syscall(SYS_lstat, "l", &st);
    printf("lstat %ld link %d size %ld\n", r, S_ISLNK(st.st_mode), (long)st.st_size);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    r = syscall(SYS_fstat, fd, &st);
    printf("fstat %ld dir %d\n", r, S_ISDIR(st.st_mode));
    r = syscall(SYS_newfstatat, AT_FDCWD, "g", &st, 0);
    printf("newfstatat %ld nlink %lu\n", r, (unsigned long)st.st_nlink);
    close(fd);
    errno = 0;
    r = syscall(SYS_stat, "missing", &st);
    int e = errno;
    printf("stat missing %ld errno ENOENT %d\n", r, e == ENOENT);
    printf("access f %ld missing %ld\n", syscall(SYS_access, "f", R_OK), syscall(SYS_access, "nope", F_OK));

    /* getdents: names and types, sorted */
    fd = open(".", O_RDONLY | O_DIRECTORY);
    char buf[4096], *names[16];
    int n = 0;
    long got;
    while ((got = syscall(SYS_getdents, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got && n < 16;) {
            struct old_dirent *d = (struct old_dirent *)(buf + off);
            char type = buf[off + d->d_reclen - 1], *s = malloc(64);
            snprintf(s, 64, "%s:%d", d->d_name, type);
            names[n++] = s;
            off += d->d_reclen;
        }
    }
    close(fd);
    qsort(names, n, sizeof *names, cmp);
    printf("getdents");
    for (int i = 0; i < n; i++) printf(" %s", names[i]);
    printf("\n");

    /* pipe, dup2, poll, select */
    int p[2];
    printf("pipe %ld\n", syscall(SYS_pipe, p));
    printf("dup2 same %ld\n", syscall(SYS_dup2, p[0], p[0]));
    errno = 0;
    r = syscall(SYS_dup2, 99, 98);
    e = errno;
    printf("dup2 bad %ld EBADF %d\n", r, e == EBADF);
    printf("dup2 to 10: %ld\n", syscall(SYS_dup2, p[0], 10));
    struct pollfd pf = {p[0], POLLIN, 0};
    r = syscall(SYS_poll, &pf, 1, 0);
    printf("poll empty %ld revents %d\n", r, pf.revents);
    if (write(p[1], "x", 1) != 1) return 1;
    r = syscall(SYS_poll, &pf, 1, 1000);
    printf("poll ready %ld revents %d\n", r, pf.revents);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(10, &rs);
    struct timeval tv = {0, 1000};
    r = syscall(SYS_select, 11, &rs, NULL, NULL, &tv);
    printf("select %ld isset %d\n", r, FD_ISSET(10, &rs));
    char c;
    if (read(p[0], &c, 1) != 1) return 1;
    FD_ZERO(&rs);
    FD_SET(10, &rs);
    tv.tv_sec = 0;
    tv.tv_usec = 20000;
    r = syscall(SYS_select, 11, &rs, NULL, NULL, &tv);
    printf("select timeout %ld isset %d\n", r, FD_ISSET(10, &rs));
    errno = 0;
    tv.tv_usec = -1;
    r = syscall(SYS_select, 11, &rs, NULL, NULL, &tv);
    e = errno;
    printf("select bad timeval %ld EINVAL %d\n", r, e == EINVAL);

    /* time, alarm, pause */
    time_t t1 = 0;
    long t0 = syscall(SYS_time, &t1);
    printf("time after 2020 %d same %d\n", t0 > 1577836800L, t0 == t1);
    signal(SIGALRM, on_alarm);
    printf("alarm first %ld\n", syscall(SYS_alarm, 5));
    printf("alarm again %ld\n", syscall(SYS_alarm, 1));
    errno = 0;
    r = syscall(SYS_pause);
    e = errno;
    printf("pause %ld EINTR %d\n", r, e == EINTR);
    printf("alarm none %ld\n", syscall(SYS_alarm, 0));

    unlink("f"); unlink("g"); unlink("l"); rmdir("d");
    chdir("/");
    printf("rmdir %d\n", rmdir(dir));
    return 0;
}
