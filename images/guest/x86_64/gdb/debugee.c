/* Guest program for the x86_64 GDB test (cli GdbMultiarchX86Test): built with -g -O0 so GDB can
 * show locals, frames and source lines. Runs in long mode on x86_64-pc from the boot stub in
 * start.S; COM1 (0x3f8) is its console. It spins until the debugger clears keep_spinning, then
 * prints a line and halts, which shows that a detached guest runs on. */

volatile long counter;          /* a watchpoint target: record() stores to it */
volatile long spins;            /* spin() increments it until keep_spinning is cleared */
volatile int keep_spinning = 1;  /* in the ROM's shadow copy: only GDB writes it */
long results[4];

static inline void outb(unsigned short port, unsigned char v) {
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port) {
    unsigned char v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void putc_(char c) {
    while (!(inb(0x3f8 + 5) & 0x20)) { }   /* LSR: transmitter holding register empty */
    outb(0x3f8, (unsigned char)c);
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
