/*
 * ext4init: /init of the tiny initramfs that GuestFsBenchReport boots under qemu-system-riscv64 with
 * Debian's riscv64 kernel, to run fsbench on ext4 (the comparison column of issue 5, Must show 5).
 * It mounts devtmpfs, loads the kernel modules the initramfs carries in /lib/modules.order (one
 * path per line, dependencies first: Debian builds virtio_blk and ext4 as modules), mounts
 * /dev/vda (ext4, made on the host with mkfs.ext4) on /mnt, runs /fsbench with this program's own
 * arguments (the words after "--" on the kernel command line), syncs, unmounts and powers off.
 * Every line it prints starts with "ext4init:" so a harness can tell them from fsbench's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *what, const char *arg, int err)
{
    printf("ext4init: %s %s%s%s\n", what, arg, err ? ": " : "", err ? strerror(err) : "");
    fflush(stdout);
}

static void down(void)
{
    sync();
    reboot(RB_POWER_OFF);
    for (;;) pause();
}

int main(int argc, char **argv)
{
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", 0, "") < 0) say("mount devtmpfs", "/dev", errno);
    int con = open("/dev/console", O_RDWR);
    if (con >= 0) {
        dup2(con, 0);
        dup2(con, 1);
        dup2(con, 2);
        if (con > 2) close(con);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    FILE *order = fopen("/lib/modules.order", "r");
    char line[512];
    while (order != NULL && fgets(line, sizeof line, order) != NULL) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 0) continue;
        int fd = open(line, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)) {
            say("cannot load", line, errno);
            down();
        }
        close(fd);
    }

    struct stat st;
    for (int i = 0; i < 500 && stat("/dev/vda", &st) < 0; i++) usleep(10000);
    mkdir("/mnt", 0755);
    if (mount("/dev/vda", "/mnt", "ext4", 0, "") < 0) {
        say("mount ext4", "/dev/vda", errno);
        down();
    }
    say("mounted", "/dev/vda ext4 on /mnt", 0);

    pid_t pid = fork();
    if (pid == 0) {
        argv[0] = "/fsbench";
        execv("/fsbench", argv);
        say("exec", "/fsbench", errno);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("ext4init: fsbench-status=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    fflush(stdout);
    sync();
    if (umount("/mnt") < 0) say("umount", "/mnt", errno);
    down();
    (void)argc;
    return 0;
}
