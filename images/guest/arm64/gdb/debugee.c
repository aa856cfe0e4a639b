/* Guest program for the arm64 GDB test (cli GdbMultiarchArm64Test): built with -g -O0 so GDB can
 * show locals, frames and source lines. Bare metal on arm64-virt (EL1, MMU off, PL011 at 0x09000000).
 * It spins until the debugger clears keep_spinning, then prints a line and powers off, which
 * shows that a detached guest runs on. */

#define UART ((volatile unsigned int *)0x09000000)

volatile long counter;          /* a watchpoint target: record() stores to it */
volatile long spins;            /* spin() increments it until keep_spinning is cleared */
volatile int keep_spinning = 1;
long results[4];

static void putc_(char c) {
    while (UART[0x18 / 4] & (1 << 5)) { }
    UART[0] = (unsigned int)c;
}

static void puts_(const char *s) {
    while (*s) putc_(*s++);
}

long compute(long n) {
    long acc = 0;
    for (long i = 1; i <= n; i++) {
        acc += i * i;
    }
    return acc;
}

void record(int slot, long value) {
    results[slot] = value;
    counter = counter + 1;
}

void spin(void) {
    while (keep_spinning) {
        spins++;
    }
}

int main(void) {
    for (int k = 0; k < 4; k++) {
        long v = compute(k + 3);
        record(k, v);
    }
    spin();
    puts_(results[3] == 91 ? "debugee: ran on after detach\n" : "debugee: wrong results\n");
    return 0;
}
