package org.multios.kernel.boot;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** The kernel log's early console on a serial port, the same for every architecture's UART driver. */
public final class BootConsole {
    private BootConsole() {}

    /** Log lines written a byte at a time to {@code putc}, each '\n' preceded by '\r' as a serial terminal needs. */
    public static Consumer<String> serial(IntConsumer putc) {
        return line -> {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\n') putc.accept('\r');
                putc.accept(c);
            }
        };
    }
}
