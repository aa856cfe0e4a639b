package org.multios.core.debug;

/**
 * One register as GDB sees it: its number in {@code g/p/P} packets, name, width and the
 * target-description type ({@code int}, {@code code_ptr}, {@code data_ptr},
 * {@code ieee_double}, or a type the feature defines).
 *
 * @param group GDB register group ({@code general}, {@code float}, {@code system}) or null
 */
public record RegisterInfo(int regnum, String name, int bitSize, String type, String group) {
    public RegisterInfo {
        if (regnum < 0 || bitSize <= 0 || bitSize % 8 != 0) {
            throw new IllegalArgumentException("register " + name + ": regnum " + regnum + ", bits " + bitSize);
        }
    }

    public int byteSize() { return bitSize / 8; }
}
