/*
 * execve of ourselves with arguments, environment and stdin from a pipe. Not in the qemu
 * differential list: qemu-user hands execve to the host kernel, which cannot run a riscv64
 * ELF without binfmt_misc. Its expected output is written by hand in execself.expected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        char line[128];
        if (fgets(line, sizeof line, stdin)) printf("exec'd child got: %s", line);
        printf("child argv[2]=%s env MARK=%s\n", argc > 2 ? argv[2] : "(none)", getenv("MARK"));
        return 7;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    int q[2];
    pipe(q);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(q[0], 0);
        close(q[0]);
        close(q[1]);
        char *args[] = {argv[0], "child", "xyz", NULL};
        char *env[] = {"MARK=set-by-parent", NULL};
        execve(argv[0], args, env);
        perror("execve");
        _exit(127);
    }
    close(q[0]);
    write(q[1], "through the pipe\n", 17);
    close(q[1]);
    int st;
    waitpid(pid, &st, 0);
    printf("exec child exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));
    char *bad[] = {"x", NULL};
    printf("exec of a directory fails %d\n", execve("/tmp", bad, bad));
    return 0;
}
