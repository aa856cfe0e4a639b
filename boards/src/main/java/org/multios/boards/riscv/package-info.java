/** The {@code riscv64-virt} board: QEMU's RISC-V {@code virt} machine. */
package org.multios.boards.riscv;
