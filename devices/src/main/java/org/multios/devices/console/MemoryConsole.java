package org.multios.devices.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * A console kept in memory, for tests and embedding: input is queued with {@link #send},
 * output is collected and can be awaited with {@link #waitFor}. Thread-safe: a test thread
 * drives it while the machine thread runs the guest.
 */
public final class MemoryConsole implements ConsoleBackend {
    private final ConcurrentLinkedQueue<Integer> input = new ConcurrentLinkedQueue<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Object lock = new Object();
    private int mark;

    @Override
    public void write(int b) {
        synchronized (lock) {
            output.write(b);
            lock.notifyAll();
        }
    }

    @Override
    public int poll() {
        Integer b = input.poll();
        return b == null ? -1 : b;
    }

    public void send(byte[] bytes) {
        for (byte b : bytes) input.add(b & 0xff);
    }

    public void send(String text) { send(text.getBytes(StandardCharsets.UTF_8)); }

    public boolean inputPending() { return !input.isEmpty(); }

    /** Everything the guest has written so far (bytes decoded as ISO-8859-1, one char per byte). */
    public String output() {
        synchronized (lock) {
            return output.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Output written since the last successful {@link #waitFor}. */
    public String outputSinceMark() {
        synchronized (lock) {
            return output.toString(StandardCharsets.ISO_8859_1).substring(mark);
        }
    }

    /**
     * Waits until {@code text} appears in the output after the mark left by the previous
     * successful wait, then moves the mark past it. Returns false on timeout or when
     * {@code abort} becomes true (e.g. the machine stopped).
     */
    public boolean waitFor(String text, long timeoutMillis, BooleanSupplier abort) throws InterruptedException {
        return readUntil(text, timeoutMillis, abort) != null;
    }

    /**
     * As {@link #waitFor}, returning the output between the previous mark and the start of
     * {@code text} (for instance a command's answer before the next prompt), or null on timeout.
     */
    public String readUntil(String text, long timeoutMillis, BooleanSupplier abort) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (lock) {
            while (true) {
                String all = output.toString(StandardCharsets.ISO_8859_1);
                int at = all.indexOf(text, mark);
                if (at >= 0) {
                    String before = all.substring(mark, at);
                    mark = at + text.length();
                    return before;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || abort.getAsBoolean()) return null;
                lock.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }
}
