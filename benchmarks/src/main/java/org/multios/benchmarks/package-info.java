/**
 * JMH benchmarks of the emulator (run {@code java -jar benchmarks/target/benchmarks.jar}),
 * and {@link org.multios.benchmarks.IntmixRun}, a plain timed run for side-by-side figures
 * with QEMU ({@code benchmarks/compare-qemu.sh}). See {@code docs/benchmarks.md}.
 */
package org.multios.benchmarks;
