/* See start.S. Prints only what both QEMU and riscv64-virt must agree on. */
#include <stdint.h>
#include <stddef.h>

volatile uint64_t probe_last_cause;
void probe_ebreak(void);
void probe_illegal(void);

struct sbiret { long error, value; };

static struct sbiret ecall(long ext, long fid, long a0, long a1) {
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r6 __asm__("a6") = fid;
    register long r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){r0, r1};
}

static void putc_(char c) { ecall(0x01, 0, c, 0); }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void hex(uint64_t v) {
    char b[19] = "0x";
    int n = 0;
    uint64_t t = v;
    do { n++; t >>= 4; } while (t);
    for (int i = 0; i < n; i++) b[2 + i] = "0123456789abcdef"[(v >> (4 * (n - 1 - i))) & 15];
    b[2 + n] = 0;
    puts_(b);
}
static void line(const char *what, uint64_t v) { puts_("sbiprobe: "); puts_(what); puts_(" "); hex(v); puts_("\n"); }
static uint64_t rdtime(void) { uint64_t t; __asm__ volatile("rdtime %0" : "=r"(t)); return t; }

void probe_main(const uint8_t *bootinfo, unsigned long hartid) {
    puts_("sbiprobe: console_putchar works\n");
    line("hart", hartid);
    line("BootInfo magic", *(const uint64_t *)bootinfo);
    struct sbiret r = ecall(0x10, 0, 0, 0);
    line("spec version", (uint64_t)r.value);
    r = ecall(0x10, 1, 0, 0);
    line("implementation id", (uint64_t)r.value);
    line("probe TIME", (uint64_t)ecall(0x10, 3, 0x54494D45, 0).value);
    line("probe SRST", (uint64_t)ecall(0x10, 3, 0x53525354, 0).value);
    line("probe legacy putchar", (uint64_t)ecall(0x10, 3, 0x01, 0).value);
    line("probe HSM", (uint64_t)ecall(0x10, 3, 0x48534D, 0).value);
    line("unknown extension error", (uint64_t)ecall(0x0A000000, 0, 0, 0).error);
    line("unknown base function error", (uint64_t)ecall(0x10, 99, 0, 0).error);

    /* Timer: STIP rises once the SBI timer expires; wfi wakes (sstatus.SIE stays 0). */
    uint64_t t0 = rdtime();
    line("time advances", rdtime() >= t0);
    ecall(0x54494D45, 0, (long)(t0 + 10000), 0);   /* 1 ms at 10 MHz */
    __asm__ volatile("csrs sie, %0" :: "r"(1 << 5));
    int spins = 0;
    uint64_t sip;
    do {
        __asm__ volatile("wfi");
        __asm__ volatile("csrr %0, sip" : "=r"(sip));
    } while (!(sip & (1 << 5)) && ++spins < 1000000);
    line("timer interrupt pending (sip.STIP)", (sip >> 5) & 1);
    line("not before the deadline", rdtime() >= t0 + 10000);
    ecall(0x54494D45, 0, -1, 0);                    /* far future: STIP clears */
    __asm__ volatile("csrr %0, sip" : "=r"(sip));
    line("timer cleared by set_timer(-1)", !((sip >> 5) & 1));
    __asm__ volatile("csrc sie, %0" :: "r"(1 << 5));

    /* Delegation: breakpoint and illegal instruction come to S. */
    probe_last_cause = 0;
    probe_ebreak();
    line("ebreak taken in S, scause", probe_last_cause);
    probe_last_cause = 0;
    probe_illegal();
    line("M CSR from S taken in S, scause", probe_last_cause);

    puts_("sbiprobe: system_reset shutdown\n");
    ecall(0x53525354, 0, 0, 0);
    puts_("sbiprobe: still running after shutdown\n");
}
