/*
 * The console on a PC: COM1, a 16550 in I/O space at 0x3f8. The riscv64 console (printf, stage
 * line prefix, fw_die) is reused as it is, with its UART register accessors turned into port
 * I/O: its register address (base + reg << shift) is the port number here.
 */
#include "fw.h"

#define mmio_w8(a, v) outb((uint16_t)(a), (v))
#define mmio_r8(a) inb((uint16_t)(a))
#define fw_console_init fw_console_init_dt     /* the device-tree versions: not for the PC */
#define fw_timebase_init fw_timebase_init_dt
#include "../../riscv64/lib/console.c"
#undef fw_console_init
#undef fw_timebase_init

void fw_console_init_dt(const void *fdt);
void fw_timebase_init_dt(const void *fdt);

/* COM1 at 0x3f8, 115200 8N1 (divisor 1), FIFOs on; the board's reset state would do as well. */
void fw_console_init(const void *fdt) {
    (void)fdt;
    uart = PC_COM1;
    uart_shift = 0;
    outb(PC_COM1 + 3, 0x80);   /* LCR.DLAB */
    outb(PC_COM1 + 0, 1);
    outb(PC_COM1 + 1, 0);
    outb(PC_COM1 + 3, 0x03);   /* 8N1 */
    outb(PC_COM1 + 2, 0x07);   /* FIFOs on, cleared */
    outb(PC_COM1 + 1, 0);      /* no interrupts: polled */
}

/* The TSC counts virtual nanoseconds. */
void fw_timebase_init(const void *fdt) { (void)fdt; fw_timebase_hz = 1000000000ULL; }
