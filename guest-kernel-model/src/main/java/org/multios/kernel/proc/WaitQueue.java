package org.multios.kernel.proc;

import java.util.ArrayList;
import java.util.List;

/** Tasks sleeping until an object changes (pipe data, child exit); waking restarts their syscall. */
public final class WaitQueue {
    private final List<Task> waiters = new ArrayList<>();

    public void add(Task t) { if (!waiters.contains(t)) waiters.add(t); }

    public void remove(Task t) { waiters.remove(t); }

    public void wakeAll() {
        if (waiters.isEmpty()) return;
        List<Task> ws = new ArrayList<>(waiters);
        waiters.clear();
        for (Task t : ws) t.wakeToRestart();
    }
}
