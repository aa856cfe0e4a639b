package org.multios.devices.console;

/**
 * The host side of a serial console: where guest output bytes go and where input bytes come
 * from. Devices call these methods only from the machine thread, at instruction or virtual-time
 * event boundaries; an implementation that reads a host stream does so on its own thread and
 * queues the bytes, so that what the guest sees depends only on when the bytes were queued.
 */
public interface ConsoleBackend {
    /** One byte of guest output. */
    void write(int b);

    /** Pushes buffered output to the host (called at event boundaries and on exit). */
    default void flush() {}

    /** The next queued input byte (0..255), or -1 when none is queued now. */
    int poll();

    /** A back end that discards output and never has input. */
    ConsoleBackend NULL = new ConsoleBackend() {
        @Override public void write(int b) {}
        @Override public int poll() { return -1; }
    };
}
