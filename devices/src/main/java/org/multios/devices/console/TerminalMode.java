package org.multios.devices.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Puts the terminal on the process's stdin into raw mode (no line editing, no echo, no
 * signal keys) so that every key reaches the guest, and restores the saved settings on
 * {@link #restore} or at JVM shutdown. Uses {@code stty} with the process's own stdin, which is
 * how a JVM without native terminal bindings reaches termios.
 */
public final class TerminalMode {
    private final String saved;
    private volatile boolean restored;

    private TerminalMode(String saved) { this.saved = saved; }

    /** True when the process's stdin is a terminal. */
    public static boolean stdinIsTerminal() {
        try {
            return run("[ -t 0 ]").exit == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Enters raw mode if stdin is a terminal; returns null when it is not (or stty is missing). */
    public static TerminalMode enterRaw() {
        if (!stdinIsTerminal()) return null;
        try {
            Result g = run("stty -g");
            if (g.exit != 0 || g.out.isBlank()) return null;
            TerminalMode mode = new TerminalMode(g.out.trim());
            if (run("stty raw -echo").exit != 0) return null;
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(mode::restore));
            return mode;
        } catch (IOException e) {
            return null;
        }
    }

    /** Restores the settings saved at {@link #enterRaw}; safe to call more than once. */
    public synchronized void restore() {
        if (restored) return;
        restored = true;
        try {
            run("stty " + saved);
        } catch (IOException ignored) {
            // Nothing more we can do; the user can type `reset`.
        }
    }

    private record Result(int exit, String out) {}

    private static Result run(String command) throws IOException {
        Process p = new ProcessBuilder("sh", "-c", command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "");
        }
    }
}
