package org.multios.devices.console;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A console back end with a second input source: bytes {@link #inject}ed from another host
 * thread (a display window's keyboard) are delivered before the wrapped back end's own input.
 * Output goes to the wrapped back end unchanged.
 */
public final class InputMergingConsole implements ConsoleBackend {
    private final ConsoleBackend inner;
    private final ConcurrentLinkedQueue<Integer> injected = new ConcurrentLinkedQueue<>();

    public InputMergingConsole(ConsoleBackend inner) { this.inner = inner; }

    /** Queues input bytes (any thread). */
    public void inject(byte[] bytes) {
        for (byte b : bytes) injected.add(b & 0xff);
    }

    @Override public void write(int b) { inner.write(b); }
    @Override public void flush() { inner.flush(); }

    @Override
    public int poll() {
        Integer b = injected.poll();
        return b != null ? b : inner.poll();
    }
}
