/* mmap family: anonymous, file-backed private, mprotect with a fault, munmap, brk. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static void on_segv(int s) { (void)s; siglongjmp(jb, 1); }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    size_t len = 1 << 20;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap ok %d\n", p != MAP_FAILED);
    long sum = 0;
    for (size_t i = 0; i < len; i++) sum += p[i];
    printf("zero filled sum %ld\n", sum);
    for (size_t i = 0; i < len; i += 4096) p[i] = (unsigned char)(i >> 12);
    sum = 0;
    for (size_t i = 0; i < len; i += 4096) sum += p[i];
    printf("written sum %ld\n", sum);
    signal(SIGSEGV, on_segv);
    printf("mprotect %d\n", mprotect(p, 4096, PROT_READ));
    if (sigsetjmp(jb, 1) == 0) {
        p[10] = 1;
        printf("write to read-only page succeeded\n");
    } else {
        printf("write to read-only page faulted\n");
    }
    printf("read still ok %d\n", p[4096]);
    printf("munmap %d\n", munmap(p + 4096, 4096));
    if (sigsetjmp(jb, 1) == 0) {
        printf("%d\n", p[4096]);
    } else {
        printf("unmapped page faulted\n");
    }
    printf("munmap rest %d\n", munmap(p, len));
    int fd = open("/tmp/mm.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
    const char *text = "file backed mapping contents";
    write(fd, text, strlen(text));
    char *f = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    printf("file map %.11s|%d\n", f, f[strlen(text) + 5]);
    f[0] = 'F';
    char back[8] = {0};
    pread(fd, back, 4, 0);
    printf("private write not in file: %s, in map: %.4s\n", back, f);
    close(fd);
    unlink("/tmp/mm.dat");
    void *b0 = sbrk(0);
    char *b1 = sbrk(65536);
    memset(b1, 7, 65536);
    printf("brk grew %ld\n", (long)((char *)sbrk(0) - (char *)b0));
    sbrk(-65536);
    printf("brk back %d\n", sbrk(0) == b0);
    void *fixed = mmap((void *)0x200000000, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed at %p\n", fixed);
    printf("bad munmap %d\n", munmap((void *)0x200000001, 4096));
    return 0;
}
