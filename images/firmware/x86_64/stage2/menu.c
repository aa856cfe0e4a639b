/* The boot menu on a PC: the riscv64 menu's logic (keys, countdown), waiting in hlt between
 * polls with the 8254 as the wake-up: channel 0 one-shot (mode 0) on IRQ 0 through the 8259. */
#include "stage2.h"

#define PIT_HZ 1193182ULL

void fw_halt(void) {
    for (;;) __asm__ volatile("cli; hlt");
}

/* Sleeps until `until` (TSC ticks = ns) or at most 10 ms. */
static void nap(uint64_t until) {
    uint64_t now = fw_rdtime(), tick = now + fw_timebase_hz / 100;
    if (until > tick) until = tick;
    if (until <= now) return;
    uint64_t count = (until - now) * PIT_HZ / fw_timebase_hz + 1;
    if (count > 0xffff) count = 0xffff;
    outb(PC_PIT + 3, 0x30);                 /* channel 0, lobyte/hibyte, mode 0 */
    outb(PC_PIT, (uint8_t)count);
    outb(PC_PIT, (uint8_t)(count >> 8));
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

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
    pc_pic_init(0xfe, 0xff);                /* IRQ 0 only */
    int r = -1;
    while (r < 0) {
        int k;
        while (r < 0 && (k = key(&digit)) != KEY_NONE) {
            if (k == KEY_PART) continue;
            if (counting) { counting = 0; fw_puts("\nCountdown stopped.\n"); }
            if (k == KEY_DIGIT) {
                if (digit >= 1 && digit <= cfg->count) { fw_printf("%d\n", digit); r = digit - 1; }
                else fw_printf("no entry %d\n", digit);
            } else if (k == KEY_UP || k == KEY_DOWN) {
                sel = (sel + (k == KEY_UP ? cfg->count - 1 : 1)) % cfg->count;
                fw_printf("> %d. %s\n", sel + 1, cfg->e[sel].title);
            } else if (k == KEY_ENTER) {
                r = sel;
            }
        }
        if (r >= 0) break;
        uint64_t now = fw_rdtime();
        if (counting) {
            if (now >= deadline) { fw_puts("\n"); r = sel; break; }
            int left = (int)((deadline - now + fw_timebase_hz - 1) / fw_timebase_hz);
            if (left < shown) { shown = left; fw_printf(" %d", shown); }
            nap(deadline);
        } else {
            nap(~0ull);
        }
    }
    pc_pic_init(0xff, 0xff);                /* the kernel finds the 8259s masked */
    return r;
}
