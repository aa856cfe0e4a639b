/* The bochs-display as existing drivers use it: find it on PCI, size and place its BARs, read
 * the DISPI identity and the EDID, set a 32 bpp mode, draw a test picture with the CPU, then pan
 * it with VIRT_WIDTH/X_OFFSET/Y_OFFSET. Prints what it read; the host then compares the console
 * and the picture with QEMU's (-device bochs-display, screendump). Ends with READY and waits. */
#include "bochs.h"

#define W 640
#define H 480
#define VW 800   /* virtual width for the panning phase */

static void pixel(unsigned x, unsigned y, uint32_t rgb) { mmio_write32(FB_BASE + 4 * ((uintptr_t)y * VW + x), rgb); }

/* A 5x7 digit font, enough to write numbers on the screen. */
static const uint8_t digits[10][7] = {
    {14,17,19,21,25,17,14},{4,12,4,4,4,4,14},{14,17,1,2,4,8,31},{31,2,4,2,1,17,14},{2,6,10,18,31,2,2},
    {31,16,30,1,1,17,14},{6,8,16,30,17,17,14},{31,1,2,4,8,8,8},{14,17,17,14,17,17,14},{14,17,17,15,1,2,12}};

static void digit(unsigned x0, unsigned y0, int d, uint32_t rgb) {
    for (unsigned y = 0; y < 7; y++)
        for (unsigned x = 0; x < 5; x++)
            if (digits[d][y] & (16 >> x))
                for (unsigned k = 0; k < 9; k++) pixel(x0 + 3 * x + k % 3, y0 + 3 * y + k / 3, rgb);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    uint32_t s0, s2, s4;
    int dev = bochs_probe(&s0, &s2, &s4);
    if (dev < 0) { rt_printf("no bochs-display on bus 0\n"); rt_exit(1); }
    uint32_t id = mmio_read32(ECAM_BASE + ((uintptr_t)dev << 15) + 8);
    rt_printf("display: class %06x rev %u, framebuffer %u MiB, registers %u KiB\n", id >> 8, id & 0xff, s0 >> 20, s2 >> 10);
    rt_printf("dispi id %04x, video memory %u x 64 KiB\n", r16(DISPI(VBE_ID)), r16(DISPI(VBE_VIDEO_MEMORY_64K)));

    unsigned sum = 0, header = 1;
    static const uint8_t magic[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    for (unsigned i = 0; i < 128; i++) sum += r8(REGS_BASE + i);
    for (unsigned i = 0; i < 8; i++) header &= r8(REGS_BASE + i) == magic[i];
    rt_printf("edid: header %s, checksum %s, version %u.%u\n", header ? "ok" : "BAD", (sum & 0xff) == 0 ? "ok" : "BAD",
              r8(REGS_BASE + 18), r8(REGS_BASE + 19));
    rt_printf("qemu ext: size %u, byte order %08x\n", mmio_read32(REGS_BASE + 0x600), mmio_read32(REGS_BASE + 0x604));

    bochs_set_mode(W, H, 32);
    w16(DISPI(VBE_VIRT_WIDTH), VW);
    rt_printf("mode %ux%ux%u enable %02x virt width %u\n", r16(DISPI(VBE_XRES)), r16(DISPI(VBE_YRES)), r16(DISPI(VBE_BPP)),
              r16(DISPI(VBE_ENABLE)), r16(DISPI(VBE_VIRT_WIDTH)));
    /* A 32-bit access covers two registers (XRES, YRES) in the flat MMIO window. */
    rt_printf("xres|yres as one word: %08x\n", mmio_read32(DISPI(VBE_XRES)));

    for (unsigned y = 0; y < H + 16; y++)
        for (unsigned x = 0; x < VW; x++)
            pixel(x, y, ((x * 255 / VW) << 16) | ((y * 255 / (H + 16)) << 8) | ((x ^ y) & 0xff));
    for (unsigned y = 100; y < 200; y++)
        for (unsigned x = 100; x < 300; x++) pixel(x, y, 0xffffff);
    for (unsigned i = 0; i < 400; i++) pixel(120 + i, 300 + i / 4, 0xff0000);
    for (int d = 0; d < 10; d++) digit(110 + 18 * (unsigned)d, 130, d, 0x000000);

    /* Pan: the scan-out starts 8 pixels right and 4 lines down inside the 800-pixel-wide surface. */
    w16(DISPI(VBE_X_OFFSET), 8);
    w16(DISPI(VBE_Y_OFFSET), 4);
    rt_printf("offset %u,%u\n", r16(DISPI(VBE_X_OFFSET)), r16(DISPI(VBE_Y_OFFSET)));
    uint32_t check = 0;
    for (unsigned y = 0; y < H; y++)
        for (unsigned x = 0; x < W; x++) check = check * 31 + mmio_read32(FB_BASE + 4 * ((uintptr_t)(y + 4) * VW + x + 8));
    rt_printf("visible checksum %08x\n", check);
    rt_printf("READY\n");
    for (;;) __asm__ volatile("wfi");
}
