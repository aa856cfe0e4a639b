package org.multios.kernel.dt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.multios.kernel.mm.PhysicalMemory;

/**
 * Reads a flattened device tree (Devicetree Specification v0.4, chapter 5) the way a kernel does
 * at boot: the blob the firmware left in RAM is checked (magic, version, every offset and length
 * inside {@code totalsize}) and decoded into a tree of {@link FdtNode}s. A malformed blob is an
 * {@link FdtException} with a message naming what is wrong, never an index error.
 */
public final class FdtReader {
    public static final int MAGIC = 0xd00dfeed;
    /** Larger blobs are refused: a real tree is a few KiB, a garbage header must not make us allocate GiBs. */
    public static final int MAX_SIZE = 2 << 20;
    private static final int FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;
    private static final int MAX_DEPTH = 64;

    private final FdtNode root;
    private final Map<Integer, FdtNode> byPhandle = new HashMap<>();
    private final int bootCpu;

    private FdtReader(FdtNode root, int bootCpu) {
        this.root = root;
        this.bootCpu = bootCpu;
        index(root);
    }

    /** Reads the blob at physical address {@code pa} (its length comes from the header). */
    public static FdtReader parse(PhysicalMemory mem, long pa) {
        if (pa < mem.base() || pa + 40 > mem.base() + mem.size()) throw new FdtException(String.format("device tree at %#x is outside RAM", pa));
        byte[] head = new byte[8];
        mem.read(pa, head, 0, 8);
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN);
        if (h.getInt(0) != MAGIC) throw new FdtException(String.format("no device tree at %#x (magic %#010x)", pa, h.getInt(0)));
        long size = h.getInt(4) & 0xffff_ffffL;
        if (size < 40 || size > MAX_SIZE || pa + size > mem.base() + mem.size())
            throw new FdtException(String.format("device tree at %#x: bad totalsize %d", pa, size));
        byte[] blob = new byte[(int) size];
        mem.read(pa, blob, 0, blob.length);
        return parse(blob);
    }

    public static FdtReader parse(byte[] blob) {
        if (blob.length < 40) throw new FdtException("device tree shorter than its header (" + blob.length + " bytes)");
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.BIG_ENDIAN);
        if (b.getInt(0) != MAGIC) throw new FdtException(String.format("not a device tree (magic %#010x)", b.getInt(0)));
        long total = b.getInt(4) & 0xffff_ffffL;
        if (total > blob.length || total < 40) throw new FdtException("device tree totalsize " + total + " does not match the blob (" + blob.length + " bytes)");
        int offStruct = b.getInt(8), offStrings = b.getInt(12), version = b.getInt(20), lastComp = b.getInt(24);
        int bootCpu = b.getInt(28), sizeStrings = b.getInt(32), sizeStruct = b.getInt(36);
        if (version < 17 && lastComp > 16) throw new FdtException("device tree version " + version + " is not supported");
        if (lastComp > 17) throw new FdtException("device tree needs a reader of version " + lastComp);
        checkRange("structure block", offStruct, sizeStruct, total);
        checkRange("strings block", offStrings, sizeStrings, total);
        return new FdtReader(new Parser(b, offStruct, offStruct + sizeStruct, offStrings, sizeStrings).run(), bootCpu);
    }

    private static void checkRange(String what, int off, int len, long total) {
        if (off < 0 || len < 0 || (long) off + len > total) throw new FdtException("device tree " + what + " [" + off + ", +" + len + ") lies outside the blob");
    }

    public FdtNode root() { return root; }
    public int bootCpu() { return bootCpu; }

    /** A node by absolute path ({@code /soc/serial@10000000}; a component without {@code @unit} matches a unique node) or by alias name. */
    public FdtNode find(String path) {
        if (path == null || path.isEmpty()) return null;
        if (!path.startsWith("/")) {
            FdtNode aliases = root.child("aliases");
            String target = aliases == null ? null : aliases.string(path);
            return target == null || !target.startsWith("/") ? null : find(target);
        }
        FdtNode n = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            n = n.child(part);
            if (n == null) return null;
        }
        return n;
    }

    public FdtNode byPhandle(int phandle) { return byPhandle.get(phandle); }

    /** Every node whose {@code compatible} list holds {@code compatible}, in tree order. */
    public List<FdtNode> findCompatible(String compatible) {
        List<FdtNode> out = new ArrayList<>();
        collect(root, compatible, out);
        return out;
    }

    /** The node {@code /chosen/stdout-path} names (options after ':' dropped), or null. */
    public FdtNode stdout() {
        FdtNode chosen = root.child("chosen");
        String p = chosen == null ? null : chosen.string("stdout-path");
        if (p == null) return null;
        int colon = p.indexOf(':');
        return find(colon < 0 ? p : p.substring(0, colon));
    }

    private static void collect(FdtNode n, String compatible, List<FdtNode> out) {
        if (n.compatible().contains(compatible)) out.add(n);
        for (FdtNode c : n.children()) collect(c, compatible, out);
    }

    private void index(FdtNode n) {
        Integer ph = n.has("phandle") ? Integer.valueOf(n.u32("phandle")) : n.has("linux,phandle") ? Integer.valueOf(n.u32("linux,phandle")) : null;
        if (ph != null) byPhandle.put(ph, n);
        for (FdtNode c : n.children()) index(c);
    }

    /** Walks the structure block token by token; every read is bounds-checked against the block. */
    private static final class Parser {
        private final ByteBuffer b;
        private final int end, strings, stringsSize;
        private int pos;

        Parser(ByteBuffer b, int start, int end, int strings, int stringsSize) {
            this.b = b;
            this.pos = start;
            this.end = end;
            this.strings = strings;
            this.stringsSize = stringsSize;
        }

        FdtNode run() {
            FdtNode root = null, cur = null;
            int depth = 0;
            while (true) {
                int token = u32();
                switch (token) {
                    case FDT_BEGIN_NODE -> {
                        String name = cstring(pos, end, "node name");
                        pos = align4(pos + name.length() + 1);
                        if (++depth > MAX_DEPTH) throw new FdtException("device tree nested deeper than " + MAX_DEPTH);
                        FdtNode n = new FdtNode(cur, cur == null ? "" : name);
                        if (cur == null) {
                            if (root != null) throw new FdtException("device tree has two root nodes");
                            root = n;
                        } else {
                            cur.addChild(n);
                        }
                        cur = n;
                    }
                    case FDT_END_NODE -> {
                        if (cur == null) throw new FdtException("device tree: END_NODE without a node");
                        cur = cur.parent();
                        depth--;
                    }
                    case FDT_PROP -> {
                        if (cur == null) throw new FdtException("device tree: property outside any node");
                        int len = u32(), nameOff = u32();
                        if (len < 0 || pos + (long) len > end) throw new FdtException("device tree: property of " + len + " bytes overruns the structure block");
                        if (nameOff < 0 || nameOff >= stringsSize) throw new FdtException("device tree: property name offset " + nameOff + " outside the strings block");
                        String name = cstring(strings + nameOff, strings + stringsSize, "property name");
                        byte[] value = new byte[len];
                        b.get(pos, value);
                        pos = align4(pos + len);
                        cur.addProperty(name, value);
                    }
                    case FDT_NOP -> { }
                    case FDT_END -> {
                        if (cur != null || root == null) throw new FdtException("device tree ends inside a node");
                        return root;
                    }
                    default -> throw new FdtException(String.format("device tree: unknown token %#x at offset %d", token, pos - 4));
                }
            }
        }

        private int u32() {
            if (pos + 4 > end) throw new FdtException("device tree structure block ends without FDT_END");
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        private String cstring(int from, int limit, String what) {
            for (int i = from; i < limit; i++) {
                if (b.get(i) == 0) {
                    byte[] s = new byte[i - from];
                    b.get(from, s);
                    return new String(s, StandardCharsets.US_ASCII);
                }
            }
            throw new FdtException("device tree: unterminated " + what);
        }

        private static int align4(int p) { return (p + 3) & ~3; }
    }
}
