/* hello: the smallest check that a board boots a -bios none kernel the way QEMU virt does:
 * console output, M-mode entry, hart id in a0, device tree in a1, finisher exit. */
#include "rt.h"

static uint32_t be32(const void *p) {
    const volatile uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

int main(unsigned long hartid, const void *fdt) {
    rt_puts("Hello from a bare-metal RISC-V guest\n");
    uint64_t misa = read_csr(misa);
    rt_printf("misa     = %016lx\n", misa);
    rt_printf("mxl      = %lu (2 means RV64)\n", misa >> 62);
    rt_puts("extensions: ");
    for (int i = 0; i < 26; i++)
        if (misa & (1UL << i)) rt_putc((char)('A' + i));
    rt_putc('\n');
    rt_printf("mhartid  = %lu\n", read_csr(mhartid));
    rt_printf("a0 hart  = %lu\n", hartid);
    /* The device tree's address depends on RAM size; print only what is fixed. */
    rt_printf("a1 8-byte aligned, in RAM: %s\n",
              ((uintptr_t)fdt & 7) == 0 && (uintptr_t)fdt >= 0x80000000UL ? "yes" : "no");
    rt_printf("fdt magic = %08x\n", be32(fdt));
    rt_puts("bye\n");
    return 0;
}
