package org.multios.core.debug;

import java.util.List;

/**
 * One {@code <feature>} of a GDB target description, served as its own XML file that
 * {@code target.xml} includes.
 *
 * @param name     the standard feature name GDB looks for (e.g. {@code org.gnu.gdb.riscv.cpu})
 * @param fileName the annex under which {@code qXfer:features:read} serves it
 * @param typesXml type declarations ({@code <union>}, {@code <flags>}) to put before the registers, or ""
 */
public record TargetFeature(String name, String fileName, String typesXml, List<RegisterInfo> registers) {
    public TargetFeature {
        registers = List.copyOf(registers);
    }
}
