/*
 * The bare-metal runtime interface intmix.c expects (images/guest/riscv64/common/rt.h), for
 * x86-64: rt_printf formats into the memory buffer `console` (the benchmark reads it back),
 * main's return value goes to `exit_code`, and _start ends with HLT.
 */
#ifndef RT_H
#define RT_H
#include <stddef.h>
#include <stdint.h>
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
