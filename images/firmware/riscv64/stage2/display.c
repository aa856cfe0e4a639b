/*
 * The boot framebuffer: when a bochs-display compatible PCI display is present (QEMU's
 * -device bochs-display, riscv64-virt's --display), stage 2 sets a linear 32 bpp mode through
 * its Bochs VBE DISPI registers (BAR 2 + 0x500, QEMU docs/specs/standard-vga.txt) and reports it
 * in BootInfo. BARs were assigned by stage 1.
 */
#include "stage2.h"

#define VENDOR_DEVICE 0x11111234u     /* 1234:1111 */
enum { ID, XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH, VIRT_HEIGHT, X_OFFSET, Y_OFFSET, VIDEO_MEMORY_64K };
#define ENABLED 0x01
#define LFB 0x40

static uintptr_t dispi;
static uint16_t rd(int r) { return mmio_r16(dispi + 0x500 + 2 * r); }
static void wr(int r, uint16_t v) { mmio_w16(dispi + 0x500 + 2 * r, v); }

int display_setup(const struct pci_host *h, struct bootinfo_in *bi) {
    unsigned dev, fn;
    if (pci_find_class(h, 0x038000, &dev, &fn) != 0) return 0;
    if (pci_cfg_r32(h, 0, dev, fn, 0) != VENDOR_DEVICE) return 0;
    uint64_t fb = pci_bar64(h, dev, fn, 0), regs = pci_bar64(h, dev, fn, 2);
    if (!fb || !regs || !(pci_cfg_r16(h, 0, dev, fn, 4) & 2)) {
        fw_log("display 00:%02x.%u: BARs not assigned, no framebuffer", dev, fn);
        return 0;
    }
    dispi = (uintptr_t)regs;
    uint16_t id = rd(ID);
    if (id < 0xB0C0 || id > 0xB0C5) {
        fw_log("display 00:%02x.%u: no Bochs DISPI interface (id %x), no framebuffer", dev, fn, id);
        return 0;
    }
    uint64_t vram = (uint64_t)rd(VIDEO_MEMORY_64K) << 16;
    static const uint16_t modes[][2] = {{1024, 768}, {800, 600}, {640, 480}};
    for (unsigned m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        uint16_t w = modes[m][0], hgt = modes[m][1];
        if ((uint64_t)w * hgt * 4 > vram) continue;
        wr(ENABLE, 0);
        wr(BPP, 32);
        wr(XRES, w);
        wr(YRES, hgt);
        wr(BANK, 0);
        wr(VIRT_WIDTH, w);
        wr(VIRT_HEIGHT, hgt);
        wr(X_OFFSET, 0);
        wr(Y_OFFSET, 0);
        wr(ENABLE, ENABLED | LFB);
        if (mmio_r32(dispi + 0x600) >= 8) mmio_w32(dispi + 0x604, 0x1e1e1e1e);   /* little-endian pixels */
        bi->fb_base = fb;
        bi->fb_width = w;
        bi->fb_height = hgt;
        bi->fb_stride = (uint32_t)w * 4;
        bi->fb_bpp = 32;
        fw_log("display 00:%02x.%u: %ux%u, 32 bpp, framebuffer at %lx", dev, fn, w, hgt, fb);
        return 1;
    }
    fw_log("display 00:%02x.%u: %lu KiB of video memory is too little for 640x480, no framebuffer", dev, fn, vram >> 10);
    return 0;
}
