/*
 * The boot menu: entries numbered from 1, a countdown to the default, number keys boot an
 * entry at once, arrow up/down move the selection and Enter boots it; any key stops the
 * countdown. Waiting is wfi until the next SBI timer tick (10 ms) or a key: an emulator that
 * skips idle time makes a long timeout cost nothing.
 */
#include "stage2.h"

#define SIP_STIP (1u << 5)

long sbi_ecall(long ext, long fid, long arg0, long arg1) {
    register long a0 __asm__("a0") = arg0;
    register long a1 __asm__("a1") = arg1;
    register long a6 __asm__("a6") = fid;
    register long a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
    return a0;
}

void sbi_set_timer(uint64_t when) { sbi_ecall(0x54494D45, 0, (long)when, 0); }

void sbi_shutdown(int failure) {
    sbi_ecall(0x53525354, 0, 0, failure ? 1 : 0);
    fw_halt();
}

void fw_halt(void) {
    clear_csr(sstatus, 1 << 1);
    write_csr(sie, 0);
    sbi_set_timer(~0ull);
    for (;;) __asm__ volatile("wfi");
}

/* Sleeps until the time `until` (rdtime ticks) or at most one tick of 10 ms. */
static void nap(uint64_t until) {
    uint64_t tick = fw_rdtime() + fw_timebase_hz / 100;
    if (until > tick) until = tick;
    sbi_set_timer(until);
    set_csr(sie, SIP_STIP);   /* sstatus.SIE stays 0: wfi wakes, no trap is taken */
    if (fw_rdtime() < until) __asm__ volatile("wfi");
    clear_csr(sie, SIP_STIP);
}

void fw_nap(uint64_t until) { nap(until); }

enum { KEY_NONE, KEY_PART, KEY_UP, KEY_DOWN, KEY_ENTER, KEY_DIGIT, KEY_OTHER };
static int esc_state;

static int key(int *digit) {
    int c = fw_getc();
    if (c < 0) return KEY_NONE;
    if (esc_state == 1 && (c == '[' || c == 'O')) { esc_state = 2; return KEY_PART; }
    esc_state = esc_state == 2 ? 2 : 0;
    if (esc_state == 2) {
        esc_state = 0;
        return c == 'A' ? KEY_UP : c == 'B' ? KEY_DOWN : KEY_OTHER;
    }
    if (c == 27) { esc_state = 1; return KEY_OTHER; }
    if (c == '\r' || c == '\n') return KEY_ENTER;
    if (c >= '0' && c <= '9') { *digit = c - '0'; return KEY_DIGIT; }
    return KEY_OTHER;
}

int menu_choose(const struct boot_config *cfg) {
    fw_puts("\nMultiOS boot menu\n");
    for (int i = 0; i < cfg->count; i++) fw_printf("  %d. %s%s\n", i + 1, cfg->e[i].title, i == cfg->dflt ? " (default)" : "");
    if (cfg->timeout == 0) return cfg->dflt;
    fw_printf("Keys 1-%d boot an entry, arrows + Enter choose one, any key stops the countdown.\n", cfg->count);
    int sel = cfg->dflt, counting = 1, digit = 0;
    uint64_t start = fw_rdtime(), deadline = start + (uint64_t)cfg->timeout * fw_timebase_hz;
    int shown = cfg->timeout;
    fw_printf("Booting %d in %d", sel + 1, shown);
    for (;;) {
        int k;
        while ((k = key(&digit)) != KEY_NONE) {
            if (k == KEY_PART) continue;
            if (counting) { counting = 0; fw_puts("\nCountdown stopped.\n"); }
            if (k == KEY_DIGIT) {
                if (digit >= 1 && digit <= cfg->count) { fw_printf("%d\n", digit); return digit - 1; }
                fw_printf("no entry %d\n", digit);
            } else if (k == KEY_UP || k == KEY_DOWN) {
                sel = (sel + (k == KEY_UP ? cfg->count - 1 : 1)) % cfg->count;
                fw_printf("> %d. %s\n", sel + 1, cfg->e[sel].title);
            } else if (k == KEY_ENTER) {
                return sel;
            }
        }
        uint64_t now = fw_rdtime();
        if (counting) {
            if (now >= deadline) { fw_puts("\n"); return sel; }
            int left = (int)((deadline - now + fw_timebase_hz - 1) / fw_timebase_hz);
            if (left < shown) { shown = left; fw_printf(" %d", shown); }
            nap(deadline);
        } else {
            nap(~0ull);
        }
    }
}
