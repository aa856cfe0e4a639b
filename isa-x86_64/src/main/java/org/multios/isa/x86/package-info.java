/**
 * The x86-64 CPU (opcode maps as data, real/protected/long mode, paging, APIC) will live here; see issue 10.
 * <p>
 * This module is an empty shell until then: it builds so that the module graph is fixed.
 */
package org.multios.isa.x86;
