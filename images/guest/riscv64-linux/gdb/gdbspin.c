/* A guest for the GDB robustness test of `multios run --gdb` (cli GdbRobustnessTest): it spins
 * until a debugger clears keep_spinning, so the process (and with it the stub) outlives every
 * hostile client however fast the host is; then it reports and exits 0. Built -g -O0, not stripped,
 * so the test finds keep_spinning in the symbol table. */
#include <stdio.h>

volatile int keep_spinning = 1;

int main(void) {
    puts("gdbspin: spinning");
    fflush(stdout);
    while (keep_spinning) {
    }
    puts("gdbspin: released");
    return 0;
}
