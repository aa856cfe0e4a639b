/**
 * The AArch64 CPU (A64 decode tables, execution, EL0-EL2, VMSAv8-64 MMU, generic timer, GICv3) will live here; see issue 9.
 * <p>
 * This module is an empty shell until then: it builds so that the module graph is fixed.
 */
package org.multios.isa.arm64;
