package org.multios.boards.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tiny AML encoder (ACPI 6.5 chapter 20, "ACPI Machine Language Specification"): enough
 * terms for a static DSDT (Name, Scope, Device, Package, integers, strings, EISA IDs, buffers
 * and resource templates), each returning its bytes so objects nest by concatenation.
 */
public final class Aml {
    private Aml() {}

    static final int ZERO_OP = 0x00, ONE_OP = 0x01, ONES_OP = 0xff, NAME_OP = 0x08, BYTE_PREFIX = 0x0a, WORD_PREFIX = 0x0b,
            DWORD_PREFIX = 0x0c, STRING_PREFIX = 0x0d, QWORD_PREFIX = 0x0e, SCOPE_OP = 0x10, BUFFER_OP = 0x11,
            PACKAGE_OP = 0x12, EXT_OP_PREFIX = 0x5b, DEVICE_OP = 0x82, ROOT_CHAR = '\\';

    /** A NameString: a path of 4-character segments ("_SB.PCI0", "\\_SB"), short segments padded with '_'. */
    public static byte[] nameString(String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String p = path;
        if (p.startsWith("\\")) {
            out.write(ROOT_CHAR);
            p = p.substring(1);
        }
        String[] segs = p.isEmpty() ? new String[0] : p.split("\\.");
        if (segs.length == 0) out.write(0);              // NullName
        else if (segs.length == 2) out.write(0x2e);      // DualNamePrefix
        else if (segs.length > 2) {
            out.write(0x2f);                             // MultiNamePrefix
            out.write(segs.length);
        }
        for (String s : segs) {
            if (s.isEmpty() || s.length() > 4 || !s.matches("[A-Z_][A-Z0-9_]*")) throw new IllegalArgumentException("bad AML name segment " + s);
            out.writeBytes((s + "___").substring(0, 4).getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** An integer as the shortest of ZeroOp, OneOp, OnesOp, BytePrefix, WordPrefix, DWordPrefix, QWordPrefix. */
    public static byte[] integer(long v) {
        if (v == 0) return new byte[] {ZERO_OP};
        if (v == 1) return new byte[] {ONE_OP};
        if (v == -1L) return new byte[] {(byte) ONES_OP};
        int n = (v & ~0xffL) == 0 ? 1 : (v & ~0xffffL) == 0 ? 2 : (v & ~0xffff_ffffL) == 0 ? 4 : 8;
        byte[] b = new byte[1 + n];
        b[0] = (byte) (n == 1 ? BYTE_PREFIX : n == 2 ? WORD_PREFIX : n == 4 ? DWORD_PREFIX : QWORD_PREFIX);
        for (int i = 0; i < n; i++) b[1 + i] = (byte) (v >>> (8 * i));
        return b;
    }

    public static byte[] string(String s) {
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        return cat(new byte[] {STRING_PREFIX}, t, new byte[] {0});
    }

    /** An EISA ID ("PNP0A03") compressed into a DWord as the spec's EISAID() macro does. */
    public static byte[] eisaId(String id) {
        if (id.length() != 7) throw new IllegalArgumentException("EISA ID must have 7 characters: " + id);
        int c1 = id.charAt(0) - 0x40, c2 = id.charAt(1) - 0x40, c3 = id.charAt(2) - 0x40;
        int product = Integer.parseInt(id.substring(3), 16);
        int v = (c1 << 10 | c2 << 5 | c3) << 16 | product;
        // stored big-endian in the DWord's bytes: vendor bytes first, then product
        int le = (v >>> 24 & 0xff) | (v >>> 16 & 0xff) << 8 | (v >>> 8 & 0xff) << 16 | (v & 0xff) << 24;
        return cat(new byte[] {DWORD_PREFIX}, le32(le));
    }

    public static byte[] name(String name, byte[] value) { return cat(new byte[] {NAME_OP}, nameString(name), value); }

    public static byte[] scope(String name, byte[]... terms) {
        return cat(new byte[] {SCOPE_OP}, withPkgLength(cat(nameString(name), cat(terms))));
    }

    public static byte[] device(String name, byte[]... terms) {
        return cat(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, withPkgLength(cat(nameString(name), cat(terms))));
    }

    public static byte[] packageOf(byte[]... elements) {
        if (elements.length > 255) throw new IllegalArgumentException("Package of more than 255 elements needs VarPackage");
        return cat(new byte[] {PACKAGE_OP}, withPkgLength(cat(new byte[] {(byte) elements.length}, cat(elements))));
    }

    public static byte[] buffer(byte[] data) {
        return cat(new byte[] {BUFFER_OP}, withPkgLength(cat(integer(data.length), data)));
    }

    /** A ResourceTemplate: the descriptors followed by the end tag (checksum 0 = "treat as correct"). */
    public static byte[] resourceTemplate(byte[]... descriptors) {
        return buffer(cat(cat(descriptors), new byte[] {0x79, 0}));
    }

    /** Memory32Fixed(ReadWrite, base, length) — large resource type 0x86. */
    public static byte[] memory32Fixed(long base, long length) {
        return cat(new byte[] {(byte) 0x86, 9, 0, 1}, le32((int) base), le32((int) length));
    }

    /** IO(Decode16, min, max, alignment, length) — small resource type 0x47. */
    public static byte[] io(int min, int max, int alignment, int length) {
        return new byte[] {0x47, 1, (byte) min, (byte) (min >> 8), (byte) max, (byte) (max >> 8), (byte) alignment, (byte) length};
    }

    /** IRQNoFlags(){irq} — small resource type 0x22 (edge, active high). */
    public static byte[] irqNoFlags(int irq) {
        return new byte[] {0x22, (byte) (1 << irq), (byte) ((1 << irq) >> 8)};
    }

    /** PkgLength (20.2.4) of the contents plus its own encoding, then the contents. */
    static byte[] withPkgLength(byte[] contents) {
        int n = contents.length;
        byte[] enc;
        if (n + 1 < 0x40) enc = new byte[] {(byte) (n + 1)};
        else {
            int bytes = n + 2 < 0x1000 ? 2 : n + 3 < 0x10_0000 ? 3 : 4;
            int total = n + bytes;
            enc = new byte[bytes];
            enc[0] = (byte) ((bytes - 1) << 6 | total & 0xf);
            for (int i = 1; i < bytes; i++) enc[i] = (byte) (total >>> (4 + 8 * (i - 1)));
        }
        return cat(enc, contents);
    }

    static byte[] le32(int v) { return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)}; }

    public static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
