/* Guest program for the GDB stub test (isa-riscv GdbMultiarchTest): built with -g -O0 so
 * GDB can show locals, frames and source lines. It never prints: the test only debugs it. */

volatile long counter;      /* a watchpoint target: record() stores to it */
volatile long spins;        /* spin() increments it forever */
long results[4];

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
    for (;;) {
        spins++;
    }
}

int main(void) {
    for (int k = 0; k < 4; k++) {
        long v = compute(k + 3);
        record(k, v);
    }
    spin();
    return 0;
}
