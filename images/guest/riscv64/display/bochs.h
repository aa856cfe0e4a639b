/* The PCI display as a driver sees it: bochs-display registers (QEMU docs/specs/standard-vga.txt)
 * and, on MultiOS machines, the 2D engine in BAR 4 (docs/display.md). */
#ifndef BOCHS_H
#define BOCHS_H
#include "rt.h"

#define ECAM_BASE   0x30000000UL
#define FB_BASE     0x40000000UL   /* BAR 0, 16 MiB, in the 32-bit PCI MMIO window */
#define REGS_BASE   0x41000000UL   /* BAR 2, 4 KiB */
#define ENGINE_BASE 0x41001000UL   /* BAR 4, 4 KiB (MultiOS only) */

#define DISPI(i)    (REGS_BASE + 0x500 + 2 * (i))
enum { VBE_ID, VBE_XRES, VBE_YRES, VBE_BPP, VBE_ENABLE, VBE_BANK, VBE_VIRT_WIDTH, VBE_VIRT_HEIGHT,
       VBE_X_OFFSET, VBE_Y_OFFSET, VBE_VIDEO_MEMORY_64K };

static inline void w16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline uint16_t r16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint8_t r8(uintptr_t a) { return *(volatile uint8_t *)a; }

/* Finds 1234:1111 on bus 0, sizes and assigns BAR 0/2 (and 4 when it exists), enables memory
 * decoding and bus mastering. Returns the device number or -1. bar4 is set to its size (0: none). */
int bochs_probe(uint32_t *bar0_size, uint32_t *bar2_size, uint32_t *bar4_size);
void bochs_set_mode(unsigned w, unsigned h, unsigned bpp);
#endif
