#ifndef STAGE1_H
#define STAGE1_H
#include "fw.h"

struct trap_frame { uint64_t x[32]; };

void sbi_init(const void *fdt, unsigned long hartid);
/* a4 = netboot: the network boot's lease (struct netboot) or 0.
 * Sets PMP, delegation, counters and Sstc as OpenSBI would and mrets to entry in S-mode. */
void enter_supervisor(unsigned long hartid, const void *fdt, uint64_t entry, uint64_t netboot) __attribute__((noreturn));
void stage1_trap(struct trap_frame *f);
#endif
