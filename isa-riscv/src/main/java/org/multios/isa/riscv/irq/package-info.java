/**
 * The RISC-V CPU-local interrupt parts of QEMU's virt machine: the CLINT (machine timer and
 * software interrupts, ACLINT-compatible layout) and the SiFive PLIC (external interrupts).
 * They drive a hart's MSIP/MTIP and MEIP/SEIP inputs through
 * {@link org.multios.core.irq.InterruptLine}s.
 */
package org.multios.isa.riscv.irq;
