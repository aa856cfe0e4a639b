package org.multios.core.trace;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Destination of the instruction trace ({@code --trace FILE}). The ISA formats one line
 * per retired instruction (close to Spike's {@code --log-commits}) and hands it here.
 */
public final class TraceSink implements Closeable {
    private final Writer out;

    public TraceSink(Writer out) { this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16); }

    public static TraceSink toFile(Path file) throws IOException {
        return new TraceSink(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public void line(CharSequence s) {
        try {
            out.append(s).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException { out.close(); }
}
