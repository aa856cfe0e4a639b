/*
 * The MultiOS boot stages' library header for arm64. The arch-neutral library (device tree,
 * PCI, NVMe, GPT, MFS, checksums, LZ4, strings) is riscv64's, compiled unchanged from
 * ../riscv64/lib: build.sh force-includes this file (-include), so its include guard FW_H is
 * set before those sources include their own fw.h, and that header is read once, here, for
 * its declarations. Its two RISC-V inline functions are renamed on the way in (never called,
 * so never emitted) and replaced below by the A64 ones: a full barrier for device memory and
 * the virtual counter as the time base.
 */
#ifndef FW_ARM64_H
#define FW_ARM64_H
#ifndef __ASSEMBLER__   /* build.sh force-includes this into .S files too */

#define fw_fence fw_fence_riscv
#define fw_rdtime fw_rdtime_riscv
#include "../../riscv64/lib/fw.h"
#undef fw_fence
#undef fw_rdtime

/* With the MMU off every data access is Device-nGnRnE: dsb orders them against the
 * NVMe controller's DMA the way RISC-V's fence rw,rw does. */
static inline void fw_fence(void) { __asm__ volatile("dsb sy" ::: "memory"); }
/* CNTVCT_EL0 ticks at CNTFRQ_EL0 (fw_timebase_hz); isb so the read is not hoisted. */
static inline uint64_t fw_rdtime(void) { uint64_t t; __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t) :: "memory"); return t; }

#define read_sysreg(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define write_sysreg(name, v) __asm__ volatile("msr " #name ", %0" :: "r"((uint64_t)(v)) : "memory")

/* ---- gic.c: just enough GICv3 for a stage to sleep on the virtual timer (PPI 27) ---- */
#define GIC_PPI_VTIMER 27
/* Distributor and this PE's redistributor from the DT (arm,gic-v3); 0 = found and set up. */
int gic_init(const void *fdt);
/* Sleeps in wfi (IRQs masked: the pending interrupt only wakes the PE) until CNTVCT reaches
 * until; no-op without a GIC. */
void gic_sleep_until(uint64_t until);
/* Disables what gic_init enabled: the next stage finds the GIC as the board reset it. */
void gic_quiesce(void);

/* ---- psci.c ---- */
/* PSCI over the DT's conduit (hvc; smc when /psci says so). */
long psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#endif /* __ASSEMBLER__ */
#endif
