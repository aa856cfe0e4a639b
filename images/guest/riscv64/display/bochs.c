#include "bochs.h"

static uintptr_t cfg(unsigned dev, unsigned reg) { return ECAM_BASE + ((uintptr_t)dev << 15) + reg; }

/* Standard BAR sizing: write all ones, read the mask back, restore. */
static uint32_t bar_size(unsigned dev, unsigned bar) {
    uintptr_t a = cfg(dev, 0x10 + 4 * bar);
    uint32_t old = mmio_read32(a);
    mmio_write32(a, 0xffffffffu);
    uint32_t mask = mmio_read32(a) & ~0xfu;
    mmio_write32(a, old);
    return mask ? ~mask + 1 : 0;
}

int bochs_probe(uint32_t *bar0_size, uint32_t *bar2_size, uint32_t *bar4_size) {
    for (unsigned dev = 0; dev < 32; dev++) {
        if (mmio_read32(cfg(dev, 0)) != 0x11111234u) continue;
        *bar0_size = bar_size(dev, 0);
        *bar2_size = bar_size(dev, 2);
        *bar4_size = bar_size(dev, 4);
        mmio_write32(cfg(dev, 0x10), FB_BASE);
        mmio_write32(cfg(dev, 0x18), REGS_BASE);
        if (*bar4_size) mmio_write32(cfg(dev, 0x20), ENGINE_BASE);
        mmio_write32(cfg(dev, 0x04), mmio_read32(cfg(dev, 0x04)) | 0x6); /* memory space + bus master */
        return (int)dev;
    }
    return -1;
}

void bochs_set_mode(unsigned w, unsigned h, unsigned bpp) {
    w16(DISPI(VBE_ENABLE), 0);
    w16(DISPI(VBE_XRES), (uint16_t)w);
    w16(DISPI(VBE_YRES), (uint16_t)h);
    w16(DISPI(VBE_BPP), (uint16_t)bpp);
    w16(DISPI(VBE_VIRT_WIDTH), (uint16_t)w);
    w16(DISPI(VBE_X_OFFSET), 0);
    w16(DISPI(VBE_Y_OFFSET), 0);
    w16(DISPI(VBE_ENABLE), 0x41); /* enabled, linear framebuffer */
}
