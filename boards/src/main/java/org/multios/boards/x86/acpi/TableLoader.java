package org.multios.boards.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * QEMU's "etc/table-loader" linker/loader script (QEMU hw/acpi/bios-linker-loader.c, the
 * interface SeaBIOS, OVMF and U-Boot implement): 128-byte commands that tell firmware to
 * allocate fw_cfg files in memory, patch pointers between them with the addresses it chose,
 * and recompute checksums afterwards.
 */
public final class TableLoader {
    public static final int COMMAND_SIZE = 128, FILE_NAME_SIZE = 56;
    public static final int ALLOCATE = 1, ADD_POINTER = 2, ADD_CHECKSUM = 3;
    /** ALLOCATE zones: anywhere in RAM, or the 0xE0000-0xFFFFF F-segment (where the RSDP is searched for). */
    public static final int ZONE_HIGH = 1, ZONE_FSEG = 2;

    private final ByteArrayOutputStream script = new ByteArrayOutputStream();

    /** Load {@code file} into memory aligned to {@code align} in {@code zone}. */
    public TableLoader allocate(String file, int align, int zone) {
        byte[] c = command(ALLOCATE);
        name(c, 4, file);
        putLe(c, 4 + FILE_NAME_SIZE, align, 4);
        c[4 + FILE_NAME_SIZE + 4] = (byte) zone;
        script.writeBytes(c);
        return this;
    }

    /** Add the address of {@code source} to the {@code size}-byte little-endian value at {@code offset} of {@code dest}. */
    public TableLoader addPointer(String dest, String source, int offset, int size) {
        byte[] c = command(ADD_POINTER);
        name(c, 4, dest);
        name(c, 4 + FILE_NAME_SIZE, source);
        putLe(c, 4 + 2 * FILE_NAME_SIZE, offset, 4);
        c[4 + 2 * FILE_NAME_SIZE + 4] = (byte) size;
        script.writeBytes(c);
        return this;
    }

    /** Set the byte at {@code offset} of {@code file} so that bytes [start, start+length) sum to zero. */
    public TableLoader addChecksum(String file, int offset, int start, int length) {
        byte[] c = command(ADD_CHECKSUM);
        name(c, 4, file);
        putLe(c, 4 + FILE_NAME_SIZE, offset, 4);
        putLe(c, 4 + FILE_NAME_SIZE + 4, start, 4);
        putLe(c, 4 + FILE_NAME_SIZE + 8, length, 4);
        script.writeBytes(c);
        return this;
    }

    public byte[] bytes() { return script.toByteArray(); }

    private static byte[] command(int type) {
        byte[] c = new byte[COMMAND_SIZE];
        putLe(c, 0, type, 4);
        return c;
    }

    private static void name(byte[] c, int at, String file) {
        byte[] n = file.getBytes(StandardCharsets.US_ASCII);
        if (n.length >= FILE_NAME_SIZE) throw new IllegalArgumentException("fw_cfg file name too long: " + file);
        System.arraycopy(n, 0, c, at, n.length);
    }

    static void putLe(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) b[at + i] = (byte) (v >>> (8 * i));
    }
}
