/* Files and directories: create, write, read back, seek, stat, rename, link, symlink, readdir, unlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/files-test");
    if (mkdir(dir, 0755) != 0) { perror("mkdir"); return 1; }
    if (chdir(dir) != 0) { perror("chdir"); return 1; }
    int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); return 1; }
    const char *msg = "hello, files\nsecond line\n";
    printf("write %zd\n", write(fd, msg, strlen(msg)));
    printf("lseek end %ld\n", (long)lseek(fd, 0, SEEK_END));
    printf("pwrite %zd\n", pwrite(fd, "HELLO", 5, 0));
    close(fd);
    struct stat st;
    if (stat("a.txt", &st) != 0) { perror("stat"); return 1; }
    printf("size %ld regular %d dir %d\n", (long)st.st_size, S_ISREG(st.st_mode), S_ISDIR(st.st_mode));
    char buf[128] = {0};
    fd = open("a.txt", O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    printf("read %zd: %s", n, buf);
    lseek(fd, 7, SEEK_SET);
    memset(buf, 0, sizeof buf);
    n = read(fd, buf, 5);
    printf("at 7: %s\n", buf);
    n = pread(fd, buf, 6, 13);
    buf[n] = 0;
    printf("pread: %s\n", buf);
    close(fd);
    printf("rename %d\n", rename("a.txt", "b.txt"));
    printf("old gone %d errno ENOENT %d\n", access("a.txt", F_OK), errno == ENOENT);
    printf("link %d\n", link("b.txt", "c.txt"));
    printf("symlink %d\n", symlink("b.txt", "d.lnk"));
    char target[64] = {0};
    printf("readlink %zd %s\n", readlink("d.lnk", target, sizeof target - 1), target);
    stat("d.lnk", &st);
    printf("through link size %ld\n", (long)st.st_size);
    printf("mkdir sub %d\n", mkdir("sub", 0700));
    FILE *f = fopen("sub/e.txt", "w");
    fprintf(f, "%d %s\n", 42, "stdio");
    fclose(f);
    printf("truncate %d\n", truncate("b.txt", 3));
    stat("c.txt", &st);
    printf("hard link sees size %ld\n", (long)st.st_size);
    DIR *d = opendir(".");
    char *names[16];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 16) names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, count, sizeof names[0], cmp);
    for (int i = 0; i < count; i++) printf("entry %s\n", names[i]);
    printf("rmdir nonempty %d errno ENOTEMPTY %d\n", rmdir("sub"), errno == ENOTEMPTY);
    printf("unlink %d %d %d %d\n", unlink("sub/e.txt"), unlink("b.txt"), unlink("c.txt"), unlink("d.lnk"));
    printf("rmdir %d\n", rmdir("sub"));
    printf("open missing %d errno %d\n", open("nope", O_RDONLY), errno);
    char cwd[128];
    printf("cwd %s\n", getcwd(cwd, sizeof cwd));
    chdir("/");
    printf("rmdir test dir %d\n", rmdir(dir));
    return 0;
}
