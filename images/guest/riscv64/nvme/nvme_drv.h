/* A small polled NVMe driver for the bare-metal guests: PCI discovery through ECAM at
 * QEMU virt's addresses, controller bring-up, I/O queue pairs, synchronous and queued
 * submission with phase-tag polling. */
#ifndef NVME_DRV_H
#define NVME_DRV_H

#include "rt.h"

#define NVME_PAGE      4096u
#define NVME_MAX_IOQ   4
#define NVME_QENTRIES  64

struct nvme_sqe { uint32_t cdw0, nsid, rsvd[2]; uint64_t mptr, prp1, prp2; uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15; };
struct nvme_cqe { uint32_t dw0, dw1; uint16_t sqhd, sqid, cid, status; };

/* Filled by nvme_init. */
extern uint64_t nvme_nsze;      /* namespace 1 size in blocks */
extern unsigned nvme_mdts;      /* Identify Controller MDTS */

void nvme_fail(const char *what) __attribute__((noreturn));
/* Finds the controller, places BAR 0, enables it, identifies namespace 1. Prints progress. */
void nvme_init(void);
/* Asks for and creates n polled I/O queue pairs (1..NVME_MAX_IOQ) of NVME_QENTRIES entries. */
void nvme_create_queues(unsigned n);
void nvme_delete_queues(unsigned n);
void nvme_shutdown(void);
struct nvme_sqe nvme_cmd(uint8_t opcode, uint32_t nsid);
/* Submits on queue q, waits, returns the status field (0 = success); dw0 may be null. */
unsigned nvme_submit(unsigned q, struct nvme_sqe *cmd, uint32_t *dw0);
void nvme_must(unsigned q, struct nvme_sqe *cmd, const char *what);
/* Queued use: put a command in queue q (no doorbell), ring, and reap one completion (waits). */
uint16_t nvme_queue(unsigned q, struct nvme_sqe *cmd);
void nvme_ring(unsigned q);
unsigned nvme_reap(unsigned q, uint16_t *cid);

#endif
