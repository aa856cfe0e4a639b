/* Tiny runtime for the bare-metal guest programs: console, exit, printf, traps. */
#ifndef RT_H
#define RT_H

#include <stdint.h>
#include <stddef.h>
#include "rt_asm.h"

/* QEMU virt memory map (hw/riscv/virt.c), which riscv64-virt follows. */
#define UART0_BASE    0x10000000UL
#define TEST_BASE     0x00100000UL
#define CLINT_BASE    0x02000000UL
#define CLINT_MSIP    (CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME   (CLINT_BASE + 0xbff8)

/* One saved trap: x[0..31] (x[2] is the interrupted sp), then the trap CSRs. */
struct rt_trap_frame {
    uint64_t x[32];
    uint64_t epc, cause, tval, status;
};

typedef uint64_t rt_jmp_buf[16];

/* Each program defines main; the runtime exits with its return value. */
int main(unsigned long hartid, const void *fdt);

/* Entry of harts other than 0 (own stack and M trap stack; mtvec as hart 0's). A program
 * that runs on several harts defines it; the default parks in wfi. */
void rt_secondary_main(unsigned long hartid);

void rt_putc(char c);
void rt_puts(const char *s);
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the run through the SiFive test finisher: 0 = pass, otherwise fail with code. */
void rt_exit(int code) __attribute__((noreturn));

/* Trap handlers a program may override (the defaults report and fail). */
void m_trap_handler(struct rt_trap_frame *f);
void s_trap_handler(struct rt_trap_frame *f);
void rt_m_trap_entry(void);
void rt_s_trap_entry(void);
void rt_unexpected_trap(const char *level, struct rt_trap_frame *f) __attribute__((noreturn));

long rt_setjmp(rt_jmp_buf b) __attribute__((returns_twice));
void rt_longjmp(rt_jmp_buf b, long v) __attribute__((noreturn));
void rt_mret_to(long mpp, void (*fn)(long), long arg, void *stack) __attribute__((noreturn));
void rt_sret_to(long spp, void (*fn)(long), long arg, void *stack) __attribute__((noreturn));
/* Where a lower-privilege function returns to: ecall with a7 = RT_ECALL_RETURN. */
void rt_lower_return(void);

/* Runs fn(arg) in privilege mode (0 = U, 1 = S) until it returns (its a0 comes back
 * as the result) or the M handler calls rt_m_return_from_lower. The M handler must
 * hand every ecall with a7 == RT_ECALL_RETURN to rt_m_handle_return. */
long rt_run_lower(long mode, void (*fn)(long), long arg);
/* If f is the "excursion done" ecall, resumes rt_run_lower's caller (never returns). */
void rt_m_handle_return(struct rt_trap_frame *f);

extern char rt_stack_s_top[], rt_stack_u_top[], rt_stack_strap_top[];
extern char __heap_start[], __heap_end[];

/* Byte length of the instruction at pc (2 for compressed, 4 otherwise). */
static inline unsigned rt_insn_len(uint64_t pc) {
    return ((*(volatile uint16_t *)pc) & 3) == 3 ? 4 : 2;
}

#define read_csr(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define write_csr(name, v) __asm__ volatile("csrw " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define set_csr(name, v) __asm__ volatile("csrs " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define clear_csr(name, v) __asm__ volatile("csrc " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define swap_csr(name, v) ({ uint64_t o_; __asm__ volatile("csrrw %0, " #name ", %1" : "=r"(o_) : "r"((uint64_t)(v)) : "memory"); o_; })

static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }

/* PMP entry 0 covering all of memory with RWX, so S and U may reach RAM and MMIO
 * (with no PMP entry at all, S/U accesses fail). */
void rt_pmp_allow_all(void);

void *rt_memset(void *d, int c, size_t n);
void *rt_memcpy(void *d, const void *s, size_t n);

#define MSTATUS_SIE  (1UL << 1)
#define MSTATUS_MIE  (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP  (1UL << 8)
#define MSTATUS_MPP  (3UL << 11)
#define MSTATUS_FS   (3UL << 13)
#define MSTATUS_XS   (3UL << 15)
#define MSTATUS_MPRV (1UL << 17)
#define MSTATUS_SUM  (1UL << 18)
#define MSTATUS_MXR  (1UL << 19)
#define MSTATUS_TVM  (1UL << 20)
#define MSTATUS_TW   (1UL << 21)
#define MSTATUS_TSR  (1UL << 22)
#define MSTATUS_UXL  (3UL << 32)
#define MSTATUS_SXL  (3UL << 34)
#define MSTATUS_SD   (1UL << 63)

#endif
