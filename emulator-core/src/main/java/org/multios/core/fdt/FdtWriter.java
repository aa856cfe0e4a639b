package org.multios.core.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a flattened device tree blob (devicetree specification v0.4, version 17).
 * Nodes are opened and closed in order; properties belong to the open node.
 * <pre>
 *   fdt.beginNode("");  fdt.propU32("#address-cells", 2);
 *   fdt.beginNode("memory@80000000"); ... fdt.endNode();
 *   fdt.endNode();  byte[] dtb = fdt.finish();
 * </pre>
 */
public final class FdtWriter {
    private static final int MAGIC = 0xd00dfeed;
    private static final int BEGIN_NODE = 1, END_NODE = 2, PROP = 3, END = 9;

    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
    private int depth;
    private int bootCpu;
    private final java.util.List<long[]> reserved = new java.util.ArrayList<>();

    public FdtWriter beginNode(String name) {
        u32(struct, BEGIN_NODE);
        bytesPadded(struct, (name + "\0").getBytes(StandardCharsets.US_ASCII));
        depth++;
        return this;
    }

    public FdtWriter endNode() {
        if (depth == 0) throw new IllegalStateException("endNode without beginNode");
        u32(struct, END_NODE);
        depth--;
        return this;
    }

    public FdtWriter prop(String name, byte[] value) {
        if (depth == 0) throw new IllegalStateException("property outside a node");
        u32(struct, PROP);
        u32(struct, value.length);
        u32(struct, stringOffset(name));
        bytesPadded(struct, value);
        return this;
    }

    public FdtWriter propEmpty(String name) { return prop(name, new byte[0]); }

    /** One or more 32-bit cells. */
    public FdtWriter propU32(String name, int... cells) {
        byte[] v = new byte[cells.length * 4];
        for (int i = 0; i < cells.length; i++) putBe32(v, i * 4, cells[i]);
        return prop(name, v);
    }

    /** One or more 64-bit values, each as two cells. */
    public FdtWriter propU64(String name, long... values) {
        byte[] v = new byte[values.length * 8];
        for (int i = 0; i < values.length; i++) {
            putBe32(v, i * 8, (int) (values[i] >>> 32));
            putBe32(v, i * 8 + 4, (int) values[i]);
        }
        return prop(name, v);
    }

    public FdtWriter propString(String name, String value) {
        return prop(name, (value + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    public FdtWriter propStrings(String name, String... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String s : values) b.writeBytes((s + "\0").getBytes(StandardCharsets.US_ASCII));
        return prop(name, b.toByteArray());
    }

    public FdtWriter bootCpu(int id) { this.bootCpu = id; return this; }

    public FdtWriter reserve(long address, long size) { reserved.add(new long[] {address, size}); return this; }

    public byte[] finish() {
        if (depth != 0) throw new IllegalStateException(depth + " node(s) left open");
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(struct.toByteArray());
        u32(s, END);
        byte[] structBytes = s.toByteArray();
        byte[] stringBytes = strings.toByteArray();
        int headerSize = 40;
        int rsvOff = align8(headerSize);
        int rsvSize = (reserved.size() + 1) * 16;
        int structOff = rsvOff + rsvSize;
        int stringsOff = structOff + structBytes.length;
        int total = stringsOff + stringBytes.length;
        byte[] out = new byte[align8(total)];
        putBe32(out, 0, MAGIC);
        putBe32(out, 4, out.length);
        putBe32(out, 8, structOff);
        putBe32(out, 12, stringsOff);
        putBe32(out, 16, rsvOff);
        putBe32(out, 20, 17);
        putBe32(out, 24, 16);
        putBe32(out, 28, bootCpu);
        putBe32(out, 32, stringBytes.length);
        putBe32(out, 36, structBytes.length);
        int p = rsvOff;
        for (long[] r : reserved) {
            putBe32(out, p, (int) (r[0] >>> 32)); putBe32(out, p + 4, (int) r[0]);
            putBe32(out, p + 8, (int) (r[1] >>> 32)); putBe32(out, p + 12, (int) r[1]);
            p += 16;
        }
        System.arraycopy(structBytes, 0, out, structOff, structBytes.length);
        System.arraycopy(stringBytes, 0, out, stringsOff, stringBytes.length);
        return out;
    }

    private int stringOffset(String name) {
        return stringOffsets.computeIfAbsent(name, n -> {
            int off = strings.size();
            strings.writeBytes((n + "\0").getBytes(StandardCharsets.US_ASCII));
            return off;
        });
    }

    private static int align8(int v) { return (v + 7) & ~7; }

    private static void u32(ByteArrayOutputStream o, int v) {
        o.write(v >>> 24); o.write(v >>> 16); o.write(v >>> 8); o.write(v);
    }

    private static void bytesPadded(ByteArrayOutputStream o, byte[] b) {
        o.writeBytes(b);
        for (int i = b.length; (i & 3) != 0; i++) o.write(0);
    }

    private static void putBe32(byte[] a, int off, int v) {
        a[off] = (byte) (v >>> 24); a[off + 1] = (byte) (v >>> 16); a[off + 2] = (byte) (v >>> 8); a[off + 3] = (byte) v;
    }
}
