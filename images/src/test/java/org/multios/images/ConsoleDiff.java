package org.multios.images;

/** Explains where two console transcripts first differ, line by line, for test messages. */
final class ConsoleDiff {
    private ConsoleDiff() {}

    static String describe(String expected, String actual) {
        String[] e = expected.split("\n", -1), a = actual.split("\n", -1);
        int n = Math.min(e.length, a.length);
        StringBuilder out = new StringBuilder();
        int differing = 0;
        for (int i = 0; i < n; i++) {
            if (e[i].equals(a[i])) continue;
            if (differing < 5) {
                out.append(differing == 0 ? "first differences" : "").append("\n  line ").append(i + 1)
                        .append("\n    expected: ").append(printable(e[i]))
                        .append("\n    actual:   ").append(printable(a[i]));
            }
            differing++;
        }
        if (differing > 0) {
            return out.append("\n  (").append(differing).append(" differing lines of ").append(n)
                    .append(e.length != a.length ? "; line counts differ: " + e.length + " vs " + a.length : "")
                    .append(")").toString();
        }
        if (e.length != a.length) {
            return e.length > a.length
                    ? "output stops early after line " + a.length + "; next expected: " + printable(e[a.length])
                    : "extra output after line " + e.length + ": " + printable(a[e.length]);
        }
        return "outputs are equal";
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\r') continue;
            if (c < 0x20 || c > 0x7e) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
