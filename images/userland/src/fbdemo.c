/* fbdemo: draws a test pattern straight into the framebuffer through /dev/fb0 (fbdev ioctls +
 * mmap of video memory), as a Linux fbdev program does. Usage: fbdemo [X Y W H]; by default a
 * 256x48 band at the top right, beside the boot logo, where the console's scrolling does not move
 * it. Pixel (i, j) of the band is r = 4i, g = 5j, b = i xor j (each mod 256): a pattern the test
 * recomputes (cli DisplayConsoleTest). */
#include "lib.h"
#include "applets.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

int fbdemo_main(int argc, char **argv) {
    if (argc != 1 && argc != 5) usage("fbdemo [X Y W H]");
    int fd = open("/dev/fb0", O_RDWR);
    if (fd < 0) { err_errno("/dev/fb0"); return 1; }
    struct fb_var_screeninfo var;
    struct fb_fix_screeninfo fix;
    if (ioctl(fd, FBIOGET_VSCREENINFO, &var) < 0 || ioctl(fd, FBIOGET_FSCREENINFO, &fix) < 0) { err_errno("FBIOGET_*SCREENINFO"); return 1; }
    if (var.bits_per_pixel != 32) die("%u bits per pixel: only 32 is drawn", var.bits_per_pixel);
    long x0 = (long) var.xres - 256 - 8, y0 = 8, w = 256, h = 48;
    if (argc == 5 && (parse_long(argv[1], &x0) || parse_long(argv[2], &y0) || parse_long(argv[3], &w) || parse_long(argv[4], &h)))
        usage("fbdemo [X Y W H]");
    if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0 || x0 + w > (long) var.xres || y0 + h > (long) var.yres) die("the band must lie inside %ux%u", var.xres, var.yres);
    size_t len = (size_t) fix.line_length * var.yres;
    uint8_t *fb = mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (fb == MAP_FAILED) { err_errno("mmap"); return 1; }
    for (long j = 0; j < h; j++) {
        uint32_t *row = (uint32_t *) (fb + (size_t) (y0 + j) * fix.line_length) + x0;
        for (long i = 0; i < w; i++) row[i] = (uint32_t) ((4 * i & 0xff) << var.red.offset | (5 * j & 0xff) << var.green.offset | ((i ^ j) & 0xff) << var.blue.offset);
    }
    munmap(fb, len);
    close(fd);
    outf("fbdemo: %ux%u %ubpp, line %u bytes, %s; drew %ldx%ld at (%ld,%ld)\n", var.xres, var.yres, var.bits_per_pixel, fix.line_length, fix.id, w, h, x0, y0);
    return 0;
}
