package org.multios.boards.x86.acpi;

import java.util.HashMap;
import java.util.Map;

/**
 * Executes a "etc/table-loader" script as firmware does, on copies of the files placed at
 * given addresses: ALLOCATE checks the file exists and the address suits its alignment,
 * ADD_POINTER adds the source file's address to a little-endian field, ADD_CHECKSUM stores
 * the negated sum of a range in a byte the way U-Boot's loader does (the byte itself is in the
 * range, so this is right only when the file has it zero, as QEMU's files do; SeaBIOS adds
 * instead, which agrees under the same condition). Unknown commands are skipped as the interface requires.
 */
public final class TableLoaderRunner {
    private TableLoaderRunner() {}

    /** Returns the patched copies of {@code wanted} files, in that order. */
    public static byte[][] run(byte[] script, Map<String, byte[]> files, Map<String, Long> addresses, String... wanted) {
        Map<String, byte[]> mem = new HashMap<>();
        for (int at = 0; at + TableLoader.COMMAND_SIZE <= script.length; at += TableLoader.COMMAND_SIZE) {
            int type = (int) le(script, at, 4);
            switch (type) {
                case TableLoader.ALLOCATE -> {
                    String f = name(script, at + 4);
                    long align = le(script, at + 4 + TableLoader.FILE_NAME_SIZE, 4);
                    byte[] data = files.get(f);
                    Long base = addresses.get(f);
                    if (data == null || base == null) throw new IllegalArgumentException("ALLOCATE of unknown file " + f);
                    if (align != 0 && base % align != 0) throw new IllegalArgumentException(f + " needs alignment " + align);
                    mem.put(f, data.clone());
                }
                case TableLoader.ADD_POINTER -> {
                    byte[] dest = file(mem, name(script, at + 4));
                    String src = name(script, at + 4 + TableLoader.FILE_NAME_SIZE);
                    file(mem, src);
                    int offset = (int) le(script, at + 4 + 2 * TableLoader.FILE_NAME_SIZE, 4);
                    int size = script[at + 4 + 2 * TableLoader.FILE_NAME_SIZE + 4];
                    if (size != 1 && size != 2 && size != 4 && size != 8 || offset + size > dest.length) {
                        throw new IllegalArgumentException("bad ADD_POINTER field " + offset + "/" + size);
                    }
                    TableLoader.putLe(dest, offset, le(dest, offset, size) + addresses.get(src), size);
                }
                case TableLoader.ADD_CHECKSUM -> {
                    byte[] f = file(mem, name(script, at + 4));
                    int offset = (int) le(script, at + 4 + TableLoader.FILE_NAME_SIZE, 4);
                    int start = (int) le(script, at + 4 + TableLoader.FILE_NAME_SIZE + 4, 4);
                    int length = (int) le(script, at + 4 + TableLoader.FILE_NAME_SIZE + 8, 4);
                    int sum = 0;
                    for (int i = start; i < start + length; i++) sum += f[i];
                    f[offset] = (byte) -sum;
                }
                default -> { /* zero padding or a newer command: skipped */ }
            }
        }
        byte[][] out = new byte[wanted.length][];
        for (int i = 0; i < wanted.length; i++) out[i] = file(mem, wanted[i]);
        return out;
    }

    private static byte[] file(Map<String, byte[]> mem, String f) {
        byte[] b = mem.get(f);
        if (b == null) throw new IllegalArgumentException("file " + f + " used before ALLOCATE");
        return b;
    }

    private static String name(byte[] s, int at) {
        int end = at;
        while (end < at + TableLoader.FILE_NAME_SIZE && s[end] != 0) end++;
        return new String(s, at, end - at, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (b[at + i] & 0xffL) << (8 * i);
        return v;
    }
}
