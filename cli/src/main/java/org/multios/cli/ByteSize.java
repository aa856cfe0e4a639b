package org.multios.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A memory or disk size such as {@code 128M}, {@code 1G}, {@code 512MiB} or {@code 65536K}.
 * Suffixes K, M, G, T are powers of 1024 (an optional {@code B} or {@code iB} may follow); a bare
 * number means MiB, as QEMU's {@code -m} reads it; a number ending in {@code B} means bytes.
 */
public final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        String s = value.trim().toUpperCase(Locale.ROOT);
        if (s.length() > 1 && s.endsWith("B") && Character.isDigit(s.charAt(s.length() - 2))) {
            return parseNumber(value, s.substring(0, s.length() - 1), 0); // plain bytes: 4096B
        }
        if (s.endsWith("IB")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) s = s.substring(0, s.length() - 1);
        int shift;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (last) {
            case 'K' -> shift = 10;
            case 'M' -> shift = 20;
            case 'G' -> shift = 30;
            case 'T' -> shift = 40;
            default -> shift = -1;
        }
        String digits = shift < 0 ? s : s.substring(0, s.length() - 1);
        if (shift < 0) shift = 20;
        return parseNumber(value, digits, shift);
    }

    private static long parseNumber(String value, String digits, int shift) {
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new TypeConversionException("invalid size '" + value + "' (expected a number with K, M, G or T, e.g. 128M or 1G)");
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("size '" + value + "' is too large");
        }
        if (n <= 0) throw new TypeConversionException("size '" + value + "' must be positive");
        if (n > (Long.MAX_VALUE >> shift)) throw new TypeConversionException("size '" + value + "' is too large");
        return n << shift;
    }
}
