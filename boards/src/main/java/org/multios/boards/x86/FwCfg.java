package org.multios.boards.x86;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multios.core.bus.MmioDevice;

/**
 * QEMU's firmware configuration interface (docs/specs/fw_cfg.rst in QEMU), the traditional
 * I/O-port form: a 16-bit selector at port 0x510 and a byte-wide data port at 0x511 that
 * reads the selected item sequentially. Items are byte arrays; named files are listed in
 * the file directory (item 0x19) with big-endian fields, as the spec says.
 */
public final class FwCfg implements MmioDevice {
    public static final int SIGNATURE = 0x00, ID = 0x01, RAM_SIZE = 0x03, NB_CPUS = 0x05, MAX_CPUS = 0x0f,
            FILE_DIR = 0x19, FILE_FIRST = 0x20, CMDLINE_SIZE = 0x14, CMDLINE_DATA = 0x15;

    private final Map<Integer, byte[]> items = new HashMap<>();
    private final List<String> files = new ArrayList<>();
    private int selector;
    private int offset;

    public FwCfg(int cpus, long ramSize) {
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, le(1, 4)); // traditional interface only, no DMA
        items.put(RAM_SIZE, le(ramSize, 8));
        items.put(NB_CPUS, le(cpus, 2));
        items.put(MAX_CPUS, le(cpus, 2));
        rebuildDirectory();
    }

    /** Adds a named file (etc/..., opt/...) and returns its selector. */
    public int addFile(String name, byte[] data) {
        int sel = FILE_FIRST + files.size();
        files.add(name);
        items.put(sel, data.clone());
        rebuildDirectory();
        return sel;
    }

    public void addItem(int selector, byte[] data) { items.put(selector, data.clone()); }

    private void rebuildDirectory() {
        byte[] dir = new byte[4 + 64 * files.size()];
        putBe(dir, 0, files.size(), 4);
        for (int i = 0; i < files.size(); i++) {
            int at = 4 + 64 * i;
            putBe(dir, at, items.get(FILE_FIRST + i).length, 4);
            putBe(dir, at + 4, FILE_FIRST + i, 2);
            byte[] n = files.get(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, dir, at + 8, Math.min(n.length, 55));
        }
        items.put(FILE_DIR, dir);
    }

    static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    private static void putBe(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) b[at + i] = (byte) (v >>> (8 * (n - 1 - i)));
    }

    /** Offsets: 0-1 selector (16-bit, little-endian on x86), 1 data. */
    @Override
    public long read(long off, int size) {
        if (off != 1) return 0;
        long v = 0;
        byte[] data = items.get(selector & 0x3fff);
        for (int i = 0; i < size; i++) {
            int b = data != null && offset < data.length ? data[offset] & 0xff : 0;
            if (data != null && offset < data.length) offset++;
            v |= (long) b << (8 * i);
        }
        return v;
    }

    @Override
    public void write(long off, int size, long value) {
        if (off == 0) {
            selector = (int) value & 0xffff;
            offset = 0;
        }
    }

    @Override
    public void reset() {
        selector = 0;
        offset = 0;
    }
}
