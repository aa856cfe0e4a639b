/* Just enough GICv3 (Arm IHI 0069) for a boot stage to sleep: the distributor's group 1 and
 * affinity routing on, this PE's redistributor awake, the virtual timer's PPI enabled in
 * group 1, the CPU interface through its system registers. IRQs stay masked in PSTATE, so the
 * timer interrupt only ends a wfi (the architecture wakes a PE on a pending interrupt whether
 * or not it is masked) and no vector table is needed. */
#include "fw.h"

#define GICD_CTLR 0x0000
#define GICR_STRIDE 0x20000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_SGI 0x10000                   /* SGI_base frame: SGI/PPI registers */
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)
#define CTLR_ENABLE_G1 (1u << 1)
#define CTLR_ARE (1u << 4)
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)

static uintptr_t gicd, gicr;

int gic_init(const void *fdt) {
    int node = fdt_find_compatible(fdt, "arm,gic-v3");
    uint64_t dbase, dsize, rbase, rsize;
    if (node < 0 || fdt_reg(fdt, node, 0, &dbase, &dsize) != 0 || fdt_reg(fdt, node, 1, &rbase, &rsize) != 0) return -1;
    /* this PE's redistributor: the frame whose GICR_TYPER affinity is our MPIDR's */
    uint64_t aff = read_sysreg(mpidr_el1) & 0xff00ffffffull;
    uint64_t want = (aff & 0xffffff) | (aff >> 8 & 0xff000000ull);
    gicr = 0;
    for (uint64_t off = 0; off + GICR_STRIDE <= rsize; off += GICR_STRIDE) {
        uint64_t typer = mmio_r32(rbase + off + GICR_TYPER) | (uint64_t)mmio_r32(rbase + off + GICR_TYPER + 4) << 32;
        if ((typer >> 32) == want) { gicr = rbase + off; break; }
        if (typer & (1u << 4)) break;      /* Last */
    }
    if (!gicr) return -1;
    gicd = dbase;
    mmio_w32(gicd + GICD_CTLR, mmio_r32(gicd + GICD_CTLR) | CTLR_ARE | CTLR_ENABLE_G1);
    mmio_w32(gicr + GICR_WAKER, mmio_r32(gicr + GICR_WAKER) & ~WAKER_PROCESSOR_SLEEP);
    for (int spin = 0; spin < 1000000 && (mmio_r32(gicr + GICR_WAKER) & WAKER_CHILDREN_ASLEEP); spin++) {}
    mmio_w32(gicr + GICR_IGROUPR0, mmio_r32(gicr + GICR_IGROUPR0) | 1u << GIC_PPI_VTIMER);
    mmio_w8(gicr + GICR_IPRIORITYR + GIC_PPI_VTIMER, 0x80);
    mmio_w32(gicr + GICR_ISENABLER0, 1u << GIC_PPI_VTIMER);
    write_sysreg(S3_0_C12_C12_5, 1);       /* ICC_SRE_EL1.SRE */
    __asm__ volatile("isb");
    write_sysreg(S3_0_C4_C6_0, 0xff);      /* ICC_PMR_EL1: every priority gets through */
    write_sysreg(S3_0_C12_C12_7, 1);       /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("isb");
    return 0;
}

void gic_sleep_until(uint64_t until) {
    if (!gicr) return;
    write_sysreg(cntv_cval_el0, until);
    write_sysreg(cntv_ctl_el0, 1);          /* ENABLE, IMASK clear: the PPI follows ISTATUS */
    __asm__ volatile("isb");
    if (fw_rdtime() < until) __asm__ volatile("wfi");
    write_sysreg(cntv_ctl_el0, 0);
    __asm__ volatile("isb");
}

void gic_quiesce(void) {
    if (!gicr) return;
    write_sysreg(cntv_ctl_el0, 0);
    mmio_w32(gicr + GICR_ICENABLER0, 1u << GIC_PPI_VTIMER);
    write_sysreg(S3_0_C12_C12_7, 0);
    write_sysreg(S3_0_C4_C6_0, 0);
    __asm__ volatile("isb");
}
