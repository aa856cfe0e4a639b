#ifndef STAGE2_H
#define STAGE2_H
#include "fw.h"

#define MAX_ENTRIES 9
struct boot_entry {
    char title[64], kernel[128], initrd[128], cmdline[512];
};
struct boot_config {
    int timeout, dflt, count;
    struct boot_entry e[MAX_ENTRIES];
};

/* cfg.c: parses /boot/multios.cfg (docs/boot.md); warns about and skips lines it cannot use. */
void cfg_parse(char *text, struct boot_config *cfg);
/* menu.c: shows the menu, runs the countdown, returns the chosen entry index. */
int menu_choose(const struct boot_config *cfg);
/* sbi.c-like calls into stage 1 */
long sbi_ecall(long ext, long fid, long a0, long a1);
void sbi_set_timer(uint64_t when);
void sbi_shutdown(int failure) __attribute__((noreturn));

/* bootinfo.c */
#define MM_USABLE 1
#define MM_RESERVED 2
#define MM_FIRMWARE 3
#define MM_KERNEL 4
#define MM_INITRD 5
#define MM_DEVICE_TREE 6
#define MM_BOOTLOADER 7
struct range { uint64_t lo, hi; uint32_t kind; };
struct bootinfo_in {
    const char *cmdline;
    uint64_t initrd, initrd_size, fdt, hart;
    const uint8_t *part_guid;
    struct range ram[8];
    int nram;
    struct range typed[24];   /* FIRMWARE, BOOTLOADER, KERNEL, INITRD, DEVICE_TREE, RESERVED */
    int ntyped;
    uint64_t fb_base;         /* 0 = no framebuffer */
    uint32_t fb_width, fb_height, fb_stride, fb_bpp;
    uint64_t tcg_log;         /* TCG event log (0 = none) and its size */
    uint32_t tcg_log_size;
    uint32_t boot_flags;      /* BOOT_MEASURED, BOOT_VERIFIED */
};
#define BOOT_MEASURED 1
#define BOOT_VERIFIED 2
/* Builds the record in stage 2's own memory; returns its address. */
uint8_t *bootinfo_build(const struct bootinfo_in *in);
void bootinfo_stamp(uint8_t *bi);   /* firmware timestamp at hand-off */
void bootinfo_dump(const uint8_t *bi);
/* display.c: sets a mode on a bochs-display compatible device, if any; 1 when bi->fb_* are set. */
int display_setup(const struct pci_host *h, struct bootinfo_in *bi);
#endif
