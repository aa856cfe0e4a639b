/*
 * uart: the NS16550A's registers as a driver sees them. Scratch register; divisor latch
 * behind LCR.DLAB; FIFO enable shown in IIR; and loopback mode (MCR bit 4), where what is
 * written to THR comes back in RBR without reaching the console, the modem-control
 * outputs appear as modem-status inputs, and the receive-data interrupt is identified in
 * IIR. Waits poll LSR with a bound; only register values are printed.
 */
#include "rt.h"

#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

static inline void w(unsigned reg, uint8_t v) { *(volatile uint8_t *)(UART0_BASE + reg) = v; }
static inline uint8_t r(unsigned reg) { return *(volatile uint8_t *)(UART0_BASE + reg); }

static int wait_lsr(uint8_t mask) {
    for (long i = 0; i < 10000000; i++)
        if (r(LSR) & mask) return 1;
    return 0;
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("uart: NS16550A registers\n");
    wait_lsr(0x40);
    /* (MCR's reset value is not printed: QEMU sets OUT2, the datasheet resets it to 0.) */
    rt_printf("LCR=%02x IER=%02x IIR=%02x LSR=%02x\n", r(LCR), r(IER), r(IIR), r(LSR));

    w(SCR, 0xa5);
    uint8_t s1 = r(SCR);
    w(SCR, 0x5a);
    rt_printf("scratch: %02x %02x\n", s1, r(SCR));

    /* Divisor latch: DLAB=1 maps DLL/DLM over RBR/IER. */
    w(LCR, 0x83);
    w(DLL, 0x0c);
    w(DLM, 0x00);
    uint8_t dll = r(DLL), dlm = r(DLM);
    w(LCR, 0x03);
    rt_printf("divisor latch: DLL=%02x DLM=%02x, LCR back to %02x, IER still %02x\n", dll, dlm, r(LCR), r(IER));

    /* Word length, stop bits and parity are plain read/write bits of LCR. */
    w(LCR, 0x1f);
    uint8_t lcr = r(LCR);
    w(LCR, 0x03);
    rt_printf("LCR <- 1f reads %02x\n", lcr);

    /* FIFOs off, then on: IIR bits 7:6 show it. */
    w(FCR, 0x00);
    uint8_t iir_off = r(IIR);
    w(FCR, 0x07);
    rt_printf("IIR with FIFOs off %02x, on %02x\n", iir_off, r(IIR));

    rt_puts("== loopback\n");
    /* Nothing may be printed while looping back (it would come back as input): collect the
     * results, leave loopback, then report. */
    wait_lsr(0x40);
    w(MCR, 0x10 | 0x0f);   /* LOOP | OUT2 | OUT1 | RTS | DTR */
    uint8_t msr = r(MSR);
    const char *msg = "loop";
    char got[8];
    int n = 0;
    for (int i = 0; msg[i]; i++) {
        wait_lsr(0x20);
        w(THR, (uint8_t)msg[i]);
    }
    while (n < 4 && wait_lsr(0x01)) got[n++] = (char)r(RBR);
    got[n] = 0;
    uint8_t dr_after = r(LSR) & 1;
    /* Receive-data interrupt: IIR identifies it (0x4) while a byte waits, then goes quiet. */
    w(IER, 0x01);
    wait_lsr(0x20);
    w(THR, 'x');
    wait_lsr(0x01);
    uint8_t iir_rx = r(IIR);
    char c = (char)r(RBR);
    uint8_t iir_after = r(IIR);
    w(IER, 0x00);
    w(MCR, 0x00);
    rt_printf("MSR with LOOP and DTR RTS OUT1 OUT2 set: upper nibble %x\n", msr >> 4);
    rt_printf("received %d bytes: \"%s\"; LSR.DR then %u\n", n, got, dr_after);
    rt_printf("with ERBFI: IIR=%02x, read '%c', IIR=%02x\n", iir_rx, c, iir_after);
    wait_lsr(0x40);
    rt_printf("loopback off: MCR=%02x LSR=%02x\n", r(MCR), r(LSR));
    rt_puts("uart done\n");
    return 0;
}
