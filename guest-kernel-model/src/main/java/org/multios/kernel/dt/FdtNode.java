package org.multios.kernel.dt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One device tree node: its name ({@code serial@10000000}), properties as raw big-endian bytes and
 * typed accessors that check the property's length (a short property is an {@link FdtException},
 * never a silent zero).
 */
public final class FdtNode {
    /** One {@code reg} entry. */
    public record Reg(long address, long size) {}

    private final FdtNode parent;
    private final String name;
    private final List<FdtNode> children = new ArrayList<>();
    private final Map<String, byte[]> properties = new LinkedHashMap<>();

    FdtNode(FdtNode parent, String name) {
        this.parent = parent;
        this.name = name;
    }

    void addChild(FdtNode c) { children.add(c); }
    void addProperty(String n, byte[] v) { properties.put(n, v); }

    public String name() { return name; }
    public FdtNode parent() { return parent; }
    public List<FdtNode> children() { return Collections.unmodifiableList(children); }
    public Map<String, byte[]> properties() { return Collections.unmodifiableMap(properties); }

    /** The name without its unit address. */
    public String baseName() {
        int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    public String path() {
        if (parent == null) return "/";
        String p = parent.path();
        return (p.equals("/") ? "" : p) + "/" + name;
    }

    /** A child by full name, or by base name when exactly one child has it. */
    public FdtNode child(String n) {
        FdtNode byBase = null;
        int count = 0;
        for (FdtNode c : children) {
            if (c.name.equals(n)) return c;
            if (c.baseName().equals(n)) { byBase = c; count++; }
        }
        return count == 1 ? byBase : null;
    }

    public boolean has(String prop) { return properties.containsKey(prop); }
    public byte[] property(String prop) {
        byte[] v = properties.get(prop);
        return v == null ? null : v.clone();
    }

    public int u32(String prop) {
        byte[] v = require(prop, 4);
        return ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN).getInt(0);
    }

    public int u32(String prop, int dflt) { return has(prop) ? u32(prop) : dflt; }

    /** A 64-bit value: two cells, or one cell zero-extended (as {@code timebase-frequency} may be). */
    public long u64(String prop) {
        byte[] v = require(prop, 4);
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN);
        return v.length >= 8 ? b.getLong(0) : b.getInt(0) & 0xffff_ffffL;
    }

    /** The property as 32-bit cells. */
    public int[] cells(String prop) {
        byte[] v = properties.get(prop);
        if (v == null) return null;
        if (v.length % 4 != 0) throw new FdtException(path() + ": property " + prop + " is not a list of cells (" + v.length + " bytes)");
        int[] c = new int[v.length / 4];
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < c.length; i++) c[i] = b.getInt(i * 4);
        return c;
    }

    /** The first string of a string or string-list property, or null. */
    public String string(String prop) {
        List<String> s = strings(prop);
        return s.isEmpty() ? null : s.get(0);
    }

    public List<String> strings(String prop) {
        byte[] v = properties.get(prop);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        int start = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) {
                out.add(new String(v, start, i - start, StandardCharsets.US_ASCII));
                start = i + 1;
            }
        }
        if (start < v.length) out.add(new String(v, start, v.length - start, StandardCharsets.US_ASCII));
        return out;
    }

    public List<String> compatible() { return strings("compatible"); }

    /** {@code status} absent or "okay"/"ok". */
    public boolean enabled() {
        String s = string("status");
        return s == null || s.equals("okay") || s.equals("ok");
    }

    /** This node's {@code #address-cells} for its children (default 2, as the spec says). */
    public int addressCells() { return u32("#address-cells", 2); }
    /** This node's {@code #size-cells} for its children (default 1). */
    public int sizeCells() { return u32("#size-cells", 1); }

    /** The {@code reg} entries, decoded with the parent's cell sizes. */
    public List<Reg> reg() {
        int[] c = cells("reg");
        List<Reg> out = new ArrayList<>();
        if (c == null) return out;
        int ac = parent == null ? 2 : parent.addressCells(), sc = parent == null ? 1 : parent.sizeCells();
        if (ac < 1 || ac > 2 || sc < 0 || sc > 2 || c.length % (ac + sc) != 0)
            throw new FdtException(path() + ": reg of " + c.length + " cells does not fit #address-cells=" + ac + " #size-cells=" + sc);
        for (int i = 0; i < c.length; i += ac + sc) out.add(new Reg(join(c, i, ac), join(c, i + ac, sc)));
        return out;
    }

    /** Joins {@code n} big-endian cells starting at {@code at} into one number. */
    public static long join(int[] c, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 32) | (c[at + i] & 0xffff_ffffL);
        return v;
    }

    private byte[] require(String prop, int min) {
        byte[] v = properties.get(prop);
        if (v == null) throw new FdtException(path() + ": no property " + prop);
        if (v.length < min) throw new FdtException(path() + ": property " + prop + " has " + v.length + " bytes, expected at least " + min);
        return v;
    }

    @Override
    public String toString() { return path(); }
}
