package org.multios.core.gdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hex and binary encodings of the GDB remote protocol. */
final class GdbHex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private GdbHex() {}

    static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length * 2);
        for (byte b : data) sb.append(DIGITS[(b >> 4) & 0xf]).append(DIGITS[b & 0xf]);
        return sb.toString();
    }

    static String encode(String text) { return encode(text.getBytes(StandardCharsets.UTF_8)); }

    static int digit(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** Decodes pairs of hex digits; throws {@link GdbProtocolException} on odd length or a non-digit. */
    static byte[] decode(CharSequence s) {
        if ((s.length() & 1) != 0) throw new GdbProtocolException("odd-length hex");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = digit(s.charAt(2 * i)), lo = digit(s.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) throw new GdbProtocolException("bad hex digit");
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** Parses an unsigned hex number of at most 16 digits. */
    static long parseLong(String s) {
        if (s.isEmpty() || s.length() > 16) throw new GdbProtocolException("bad number '" + abbreviate(s) + "'");
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = digit(s.charAt(i));
            if (d < 0) throw new GdbProtocolException("bad number '" + abbreviate(s) + "'");
            v = v << 4 | d;
        }
        return v;
    }

    /** Parses a hex number that must fit an int (lengths, register numbers, kinds). */
    static int parseInt(String s) {
        long v = parseLong(s);
        if (v > Integer.MAX_VALUE) throw new GdbProtocolException("number too large");
        return (int) v;
    }

    /** Undoes the {@code '}'} escapes of binary data ({@code X} packets). */
    static byte[] unescape(byte[] raw, int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length - from);
        for (int i = from; i < raw.length; i++) {
            int b = raw[i] & 0xff;
            if (b == '}') {
                if (++i >= raw.length) throw new GdbProtocolException("dangling escape");
                b = (raw[i] & 0xff) ^ 0x20;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** Escapes binary data for a reply ({@code qXfer}): {@code # $ } *} become {@code '}'} and the byte xor 0x20. */
    static byte[] escape(byte[] data, int from, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
        for (int i = from; i < from + length; i++) {
            int b = data[i] & 0xff;
            if (b == '#' || b == '$' || b == '}' || b == '*') {
                out.write('}');
                out.write(b ^ 0x20);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    static String abbreviate(String s) { return s.length() <= 24 ? s : s.substring(0, 24) + "..."; }
}
