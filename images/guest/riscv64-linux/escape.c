/* Tries to reach host files outside what `run` shares: each argument is a path to open (+PATH: to create); prints what happened. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '+') { /* +PATH: try to create it */
            int fd = open(argv[i] + 1, O_CREAT | O_WRONLY, 0644);
            printf("create %s: %s\n", argv[i] + 1, fd < 0 ? strerror(errno) : "created");
            if (fd >= 0) close(fd);
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            printf("%s: %s\n", argv[i], strerror(errno));
            continue;
        }
        char buf[64] = {0};
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n > 0) { char *nl = strchr(buf, '\n'); if (nl) *nl = 0; }
        printf("%s: opened: %s\n", argv[i], n >= 0 ? buf : strerror(errno));
        close(fd);
    }
    DIR *d = opendir("/");
    struct dirent *e;
    printf("root:");
    while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.') printf(" %s", e->d_name);
    printf("\n");
    closedir(d);
    return 0;
}
