package org.multios.devices.nvme;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Submission and completion queue state, as the controller keeps it (NVMe Base 1.4 §4.1). */
final class NvmeQueues {
    private NvmeQueues() {}

    static final class Submission {
        final int id;
        final long base;
        final int size;
        final Completion cq;
        int head, tail;
        /** Commands fetched from this queue whose completions are not posted yet (I/O in flight). */
        final List<Request> inFlight = new ArrayList<>();

        Submission(int id, long base, int size, Completion cq) {
            this.id = id;
            this.base = base;
            this.size = size;
            this.cq = cq;
        }

        boolean isEmpty() { return head == tail; }
    }

    static final class Completion {
        final int id;
        final long base;
        final int size;
        final boolean interruptsEnabled;
        final int vector;
        int head, tail;
        boolean phase = true;
        /** Commands fetched for this queue and not yet posted: fetching stops before it could overflow. */
        int reserved;
        int submissionQueues;
        /** Entries that found the queue full (only held asynchronous event completions). */
        final ArrayDeque<long[]> waiting = new ArrayDeque<>();

        Completion(int id, long base, int size, boolean interruptsEnabled, int vector) {
            this.id = id;
            this.base = base;
            this.size = size;
            this.interruptsEnabled = interruptsEnabled;
            this.vector = vector;
        }

        int used() { return Math.floorMod(tail - head, size); }

        int free() { return size - 1 - used(); }

        boolean hasEntries() { return head != tail; }
    }

    /** A fetched command on its way to completion. */
    static final class Request {
        final Submission sq;
        final NvmeCommand cmd;
        boolean cancelled;

        Request(Submission sq, NvmeCommand cmd) {
            this.sq = sq;
            this.cmd = cmd;
        }
    }
}
