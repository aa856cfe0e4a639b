package org.multios.kernel.fs;

import java.io.ByteArrayOutputStream;
import java.util.function.IntConsumer;

/**
 * The N_TTY line discipline between a console driver and readers (termios(3)): in canonical
 * mode input is edited a line at a time (ERASE, KILL, WERASE), echoed, and released on NL or
 * EOF (^D: the pending bytes, or end-of-file on an empty line); ISIG turns INTR/QUIT/SUSP into
 * signals; ICRNL maps CR to NL; OPOST|ONLCR turn output NL into CR NL. Non-canonical ("raw")
 * mode hands bytes over as they come.
 */
public final class LineDiscipline {
    // c_lflag, c_iflag, c_oflag bits (asm-generic termbits.h)
    public static final int ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40, ECHOCTL = 0x200;
    public static final int ICRNL = 0x100, INLCR = 0x40, IGNCR = 0x80;
    public static final int OPOST = 0x1, ONLCR = 0x4;
    // c_cc indices
    public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VMIN = 6, VWERASE = 14, VSUSP = 10;

    public int iflag = ICRNL, oflag = OPOST | ONLCR, lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL;
    public final byte[] cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final java.util.ArrayDeque<byte[]> ready = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Byte> raw = new java.util.ArrayDeque<>();
    private final IntConsumer echo;
    private final IntConsumer signal;
    private boolean eofPending;

    /** echo: bytes to the terminal; signal: SIGINT/SIGQUIT/SIGTSTP for the foreground group. */
    public LineDiscipline(IntConsumer echo, IntConsumer signal) {
        this.echo = echo;
        this.signal = signal;
    }

    public boolean canonical() { return (lflag & ICANON) != 0; }

    /** A byte from the device (keyboard / UART receive). */
    public void receive(int b) {
        b &= 0xff;
        if (b == '\r' && (iflag & IGNCR) != 0) return;
        if (b == '\r' && (iflag & ICRNL) != 0) b = '\n';
        else if (b == '\n' && (iflag & INLCR) != 0) b = '\r';
        if ((lflag & ISIG) != 0) {
            int sig = b == cc[VINTR] ? 2 : b == cc[VQUIT] ? 3 : b == cc[VSUSP] ? 20 : 0;
            if (sig != 0) {
                if ((lflag & ECHO) != 0) echoControl(b);
                line.reset();
                signal.accept(sig);
                return;
            }
        }
        if (!canonical()) {
            raw.add((byte) b);
            if ((lflag & ECHO) != 0) output(b);
            return;
        }
        if (b == cc[VERASE] || b == 8) {
            if (line.size() > 0) {
                byte[] l = line.toByteArray();
                line.reset();
                line.write(l, 0, l.length - 1);
                if ((lflag & ECHOE) != 0) { echo.accept('\b'); echo.accept(' '); echo.accept('\b'); }
            }
            return;
        }
        if (b == cc[VKILL]) {
            int n = line.size();
            line.reset();
            if ((lflag & ECHOK) != 0) for (int i = 0; i < n; i++) { echo.accept('\b'); echo.accept(' '); echo.accept('\b'); }
            return;
        }
        if (b == cc[VWERASE]) {
            byte[] l = line.toByteArray();
            int end = l.length;
            while (end > 0 && l[end - 1] == ' ') end--;
            while (end > 0 && l[end - 1] != ' ') end--;
            for (int i = end; i < l.length; i++) { echo.accept('\b'); echo.accept(' '); echo.accept('\b'); }
            line.reset();
            line.write(l, 0, end);
            return;
        }
        if (b == cc[VEOF]) {
            ready.add(line.toByteArray()); // an empty entry reads as end-of-file
            line.reset();
            return;
        }
        line.write(b);
        if ((lflag & ECHO) != 0 || (b == '\n' && (lflag & ECHONL) != 0)) output(b);
        if (b == '\n') {
            ready.add(line.toByteArray());
            line.reset();
        }
    }

    private void echoControl(int b) {
        if ((lflag & ECHOCTL) != 0 && b < 32) { echo.accept('^'); echo.accept(b + 64); }
        else echo.accept(b);
    }

    /** True when a read would not block. */
    public boolean readable() { return canonical() ? !ready.isEmpty() : !raw.isEmpty(); }

    /** Bytes a read could return now (FIONREAD). */
    public int available() {
        if (!canonical()) return raw.size();
        int n = 0;
        for (byte[] l : ready) n += l.length;
        return n;
    }

    /** Copies available input into b; 0 = end of file (canonical ^D on an empty line); -1 = nothing yet. */
    public int read(byte[] b, int off, int len) {
        if (canonical()) {
            byte[] l = ready.peek();
            if (l == null) return -1;
            int n = Math.min(len, l.length);
            System.arraycopy(l, 0, b, off, n);
            ready.poll();
            if (n < l.length) ready.addFirst(java.util.Arrays.copyOfRange(l, n, l.length));
            return n;
        }
        if (raw.isEmpty()) return -1;
        int n = 0;
        while (n < len && !raw.isEmpty()) b[off + n++] = raw.poll();
        return n;
    }

    /** Output processing for bytes written by programs (and echo). */
    public void output(int b) {
        if (b == '\n' && (oflag & (OPOST | ONLCR)) == (OPOST | ONLCR)) echo.accept('\r');
        echo.accept(b);
    }
}
