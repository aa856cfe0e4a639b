package org.multios.devices.block;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The host I/O thread of one disk: a virtual thread that runs requests strictly in
 * submission order. Order is what keeps runs reproducible: a read submitted after a
 * write always sees it. The device waits for a request's result only at the virtual
 * time it chose for its completion, so host latency never shows in the guest.
 */
public final class DiskIoThread implements AutoCloseable {
    private final ExecutorService executor;

    public DiskIoThread(String name) {
        executor = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("disk-io-" + name).factory());
    }

    public <T> Future<T> submit(Callable<T> request) { return executor.submit(request); }

    /** Finishes queued requests, then stops the thread. */
    @Override
    public void close() { executor.close(); }
}
