package org.multios.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDisciplineTest {
    final StringBuilder screen = new StringBuilder();
    final List<Integer> signals = new ArrayList<>();
    final LineDiscipline ld = new LineDiscipline(b -> screen.append((char) b), signals::add);

    void type(String s) { for (char c : s.toCharArray()) ld.receive(c); }

    String read() {
        byte[] b = new byte[100];
        int n = ld.read(b, 0, b.length);
        return n < 0 ? null : new String(b, 0, n);
    }

    @Test
    void canonicalModeEditsAndReleasesWholeLines() {
        type("helo");
        assertFalse(ld.readable());
        type("\u007flo wor\u0017world\r");
        assertEquals("hello world\n", read());
        assertEquals("helo\b \blo wor\b \b\b \b\b \bworld\r\n", screen.toString());
        type("abc\u0015xyz\n");
        assertEquals("xyz\n", read());
    }

    @Test
    void controlDIsEndOfFileOnAnEmptyLineAndFlushesOtherwise() {
        type("part\u0004");
        assertEquals("part", read());
        type("\u0004");
        assertEquals("", read(), "empty read = EOF");
        assertEquals(null, read());
    }

    @Test
    void interruptBecomesSigintAndDropsTheLine() {
        type("sleep 10\u0003");
        assertEquals(List.of(2), signals);
        assertTrue(screen.toString().endsWith("^C"));
        assertFalse(ld.readable());
        ld.lflag &= ~LineDiscipline.ISIG;
        type("\u0003\n");
        assertEquals("\u0003\n", read());
    }

    @Test
    void rawModePassesBytesThroughImmediately() {
        ld.lflag &= ~(LineDiscipline.ICANON | LineDiscipline.ECHO);
        type("a\u007f");
        assertEquals("a\u007f", read());
        assertEquals("", screen.toString());
    }
}
