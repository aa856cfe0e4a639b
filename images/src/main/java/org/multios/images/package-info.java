/**
 * Guest images shipped as resources: the bare-metal RISC-V test programs (built from
 * {@code images/guest/riscv64} by {@code images/build.sh}) together with the console output
 * and exit status QEMU produced for each (recorded by {@code images/record-qemu.sh}).
 */
package org.multios.images;
