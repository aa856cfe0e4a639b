/**
 * The MultiOS kernel modelled in Java (memory, processes, scheduler, syscalls, drivers, MFS) will live here; see issues 4 and 5.
 * <p>
 * This module is an empty shell until then: it builds so that the module graph is fixed.
 */
package org.multios.kernel;
