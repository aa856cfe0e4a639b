package org.multios.devices.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The guest console on the process's stdin/stdout. A virtual thread reads stdin into a queue
 * that devices drain at virtual-time event boundaries. On a terminal, the terminal is put in
 * raw mode and QEMU's escape keys apply: Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A,
 * Ctrl-A h lists the keys. Output is buffered and flushed at each {@link #flush}.
 */
public final class StdioConsole implements ConsoleBackend, AutoCloseable {
    private static final int CTRL_A = 0x01;

    private final OutputStream out;
    private final PrintStream messages;
    private final ConcurrentLinkedQueue<Integer> input = new ConcurrentLinkedQueue<>();
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private final TerminalMode terminal;
    private volatile Runnable onQuit = () -> {};
    private boolean escape;
    private int lastOutput = '\n';

    private StdioConsole(InputStream in, OutputStream out, PrintStream messages, boolean interactive) {
        this.out = out;
        this.messages = messages;
        this.terminal = interactive ? TerminalMode.enterRaw() : null;
        Thread.ofVirtual().name("console-stdin").start(() -> readLoop(in));
    }

    /** The console on System.in/System.out; raw mode and escape keys when stdin is a terminal. */
    public static StdioConsole open(PrintStream messages) {
        return new StdioConsole(System.in, System.out, messages, true);
    }

    /** A console on given streams, without terminal handling (tests, pipes). */
    public static StdioConsole onStreams(InputStream in, OutputStream out, PrintStream messages) {
        return new StdioConsole(in, out, messages, false);
    }

    /** What to do when the user types Ctrl-A x. */
    public void onQuit(Runnable action) { this.onQuit = action; }

    public boolean isTerminal() { return terminal != null; }

    /** True when the guest's last output byte ended a line (so a host message starts on its own line). */
    public boolean atLineStart() { return lastOutput == '\n'; }

    private void readLoop(InputStream in) {
        try {
            int b;
            while ((b = in.read()) >= 0) {
                if (terminal != null && handleEscape(b)) continue;
                input.add(b);
            }
        } catch (IOException e) {
            // stdin closed or failed: the guest simply gets no more input, as on a real line.
        }
    }

    /** Returns true when the byte was consumed as part of an escape sequence. */
    private boolean handleEscape(int b) {
        if (!escape) {
            if (b == CTRL_A) {
                escape = true;
                return true;
            }
            return false;
        }
        escape = false;
        switch (b) {
            case 'x', 'X' -> onQuit.run(); // the owner reports the stop once the terminal is restored
            case CTRL_A -> input.add(CTRL_A);
            case 'h', 'H', '?' -> {
                messages.print("\r\nmultios: Ctrl-A x  quit\r\n          Ctrl-A Ctrl-A  send Ctrl-A\r\n");
                messages.flush();
            }
            default -> { /* unknown escape: dropped, as QEMU's mux does */ }
        }
        return true;
    }

    @Override
    public void write(int b) {
        lastOutput = b & 0xff;
        if (buffered == buffer.length) flush();
        buffer[buffered++] = (byte) b;
        // A newline is a natural point to show output to a person watching.
        if (b == '\n') flush();
    }

    @Override
    public void flush() {
        if (buffered == 0) return;
        try {
            out.write(buffer, 0, buffered);
            out.flush();
        } catch (IOException e) {
            // stdout gone (closed pipe): output is lost, the guest keeps running.
        }
        buffered = 0;
    }

    @Override
    public int poll() {
        Integer b = input.poll();
        return b == null ? -1 : b;
    }

    @Override
    public void close() {
        flush();
        if (terminal != null) terminal.restore();
    }
}
