package org.multios.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.multios.kernel.proc.WaitQueue;

/**
 * The kernel log ring (what {@code dmesg} reads through syslog(2)): records with a level and a
 * timestamp, printed on the console as Linux does ({@code [    0.123456] text}) when their level
 * is below the console log level ({@code loglevel=}, 4 with {@code quiet}), kept in a bounded
 * ring (oldest records dropped first) for SYSLOG_ACTION_READ/READ_ALL/READ_CLEAR/SIZE_*.
 */
public final class KernelLog {
    public static final int EMERG = 0, ALERT = 1, CRIT = 2, ERR = 3, WARNING = 4, NOTICE = 5, INFO = 6, DEBUG = 7;
    /** Ring capacity in bytes of formatted records (Linux's default log_buf_len is 128 KiB). */
    public static final int CAPACITY = 128 << 10;

    private record Entry(long seq, String syslogText) {}

    private final ArrayDeque<Entry> ring = new ArrayDeque<>();
    private final LongSupplier uptimeNanos;
    private final WaitQueue readers = new WaitQueue();
    private Consumer<String> console;
    private int consoleLevel = 7;
    private int bytes;
    private long nextSeq, readSeq, clearSeq;

    /** uptimeNanos: the timestamp of each record (time since the machine started). */
    public KernelLog(LongSupplier uptimeNanos) { this.uptimeNanos = uptimeNanos; }

    /** Where records at a level below the console level are printed (null: nowhere). */
    public void setConsole(Consumer<String> c) { console = c; }

    public void setConsoleLevel(int level) { consoleLevel = Math.max(0, Math.min(8, level)); }

    public int consoleLevel() { return consoleLevel; }

    public WaitQueue readers() { return readers; }

    /** Logs one line (a multi-line text becomes several records). */
    public void log(int level, String text) {
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty() && text.endsWith("\n")) continue;
            long t = uptimeNanos.getAsLong();
            String stamped = String.format("[%5d.%06d] %s", t / 1_000_000_000L, t % 1_000_000_000L / 1000, line);
            String rec = "<" + level + ">" + stamped + "\n";
            ring.add(new Entry(nextSeq++, rec));
            bytes += rec.length();
            while (bytes > CAPACITY && ring.size() > 1) bytes -= ring.poll().syslogText().length();
            if (console != null && level < consoleLevel) console.accept(stamped + "\n");
        }
        readers.wakeAll();
    }

    public void info(String text) { log(INFO, text); }

    /** A PrintStream whose lines become records of {@code level} (for code that logs through a stream). */
    public PrintStream stream(int level) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    log(level, line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    private long firstSeq() { return ring.isEmpty() ? nextSeq : ring.peek().seq(); }

    /** SYSLOG_ACTION_READ: unread records, consumed; null when there are none (the caller blocks). */
    public byte[] readUnread(int max) {
        StringBuilder sb = new StringBuilder();
        readSeq = Math.max(readSeq, firstSeq());
        for (Entry e : ring) {
            if (e.seq() < readSeq) continue;
            if (sb.length() + e.syslogText().length() > max) break;
            sb.append(e.syslogText());
            readSeq = e.seq() + 1;
        }
        if (sb.isEmpty()) return readSeq < nextSeq && max > 0 ? new byte[0] : null;
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** SYSLOG_ACTION_READ_ALL: the newest records since the last clear that fit in max bytes. */
    public byte[] readAll(int max) {
        ArrayDeque<String> picked = new ArrayDeque<>();
        int n = 0;
        var it = ring.descendingIterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.seq() < clearSeq) break;
            if (n + e.syslogText().length() > max) break;
            picked.addFirst(e.syslogText());
            n += e.syslogText().length();
        }
        return String.join("", picked).getBytes(StandardCharsets.UTF_8);
    }

    /** SYSLOG_ACTION_CLEAR. */
    public void clear() { clearSeq = nextSeq; }

    /** SYSLOG_ACTION_SIZE_UNREAD. */
    public int unreadBytes() {
        int n = 0;
        for (Entry e : ring) if (e.seq() >= readSeq) n += e.syslogText().length();
        return n;
    }

    /** SYSLOG_ACTION_SIZE_BUFFER. */
    public int capacity() { return CAPACITY; }

    /** The whole ring as dmesg prints it (no level prefixes). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : ring) sb.append(e.syslogText().substring(e.syslogText().indexOf('>') + 1));
        return sb.toString();
    }
}
