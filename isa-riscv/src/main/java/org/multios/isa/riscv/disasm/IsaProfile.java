package org.multios.isa.riscv.disasm;

import java.util.Set;

/**
 * What the disassembler may assume about the code, as objdump takes it from the ELF's
 * RISC-V attributes: the extensions (others print as {@code .4byte}/{@code .2byte}) and
 * the privileged spec version (which CSR names exist).
 *
 * @param extensions lower-case extension names; null means every extension
 * @param privSpec   "1.9.1", "1.10", "1.11" or "1.12"
 */
record IsaProfile(Set<String> extensions, String privSpec) {
    /** Every extension and the newest privileged spec: objdump's view of a file without attributes. */
    static final IsaProfile ALL = new IsaProfile(null, "1.12");

    boolean has(String extension) {
        return extensions == null || extension.equals("priv") || extensions.contains(extension);
    }
}
