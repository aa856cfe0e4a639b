package org.multios.kernel.net;

import static org.multios.kernel.net.Tcp.ACK;
import static org.multios.kernel.net.Tcp.FIN;
import static org.multios.kernel.net.Tcp.PSH;
import static org.multios.kernel.net.Tcp.RST;
import static org.multios.kernel.net.Tcp.SYN;

/**
 * One TCP connection (RFC 793/9293): the handshake, sequence and acknowledgement numbers, a
 * sliding window both ways, retransmission with the RFC 6298 RTO estimator and Karn's rule,
 * Reno congestion control (RFC 5681: slow start, congestion avoidance, fast retransmit and
 * fast recovery), FIN/RST and TIME_WAIT. Out-of-order segments are dropped with a duplicate
 * ACK (the sender's fast retransmit repairs the hole).
 */
final class TcpConnection {
    enum State { CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT }
    static final long MIN_RTO = 200_000_000L, MAX_RTO = 60_000_000_000L, INITIAL_RTO = 1_000_000_000L;
    static final long TIME_WAIT_NANOS = 60_000_000_000L; // 2 MSL, as Linux's TCP_TIMEWAIT_LEN
    static final int RECV_CAPACITY = 65535, SEND_CAPACITY = 256 * 1024, MAX_RETRIES = 15, SYN_RETRIES = 6;

    final Tcp tcp;
    final NetStack stack;
    final int localAddr, localPort, remoteAddr, remotePort;
    State state = State.CLOSED;
    int iss, sndUna, sndNxt, sndMax, sndWnd, sndWl1, sndWl2;
    int irs, rcvNxt, advertised;
    final ByteRing sendBuf = new ByteRing(SEND_CAPACITY), recvBuf = new ByteRing(RECV_CAPACITY);
    boolean finRequested, finSent, finAcked, peerFin;
    int finSeq;
    int mss = 536, cwnd, ssthresh = 65535, dupAcks, recover;
    boolean inRecovery;
    long srtt = -1, rttvar, rto = INITIAL_RTO;
    boolean timing;
    int rttSeq;
    long rttStart;
    int retries, synTries;
    Object rtxTimer, twTimer;
    int error;
    boolean nodelay;
    /** The listening socket this half-open connection belongs to, until accepted. */
    TcpSocket listener;
    /** The socket owning this connection (null once closed by the application: an orphan finishing its close). */
    TcpSocket owner;

    TcpConnection(Tcp tcp, int localAddr, int localPort, int remoteAddr, int remotePort) {
        this.tcp = tcp;
        this.stack = tcp.stack;
        this.localAddr = localAddr;
        this.localPort = localPort;
        this.remoteAddr = remoteAddr;
        this.remotePort = remotePort;
        this.iss = tcp.iss(key());
        int ifMtu = stack.route(remoteAddr) == null ? 1500 : stack.route(remoteAddr).ifc().mtu;
        this.ourMss = Math.min(65495, ifMtu - 40);
    }
    final int ourMss;

    @Override
    public String toString() {
        return state + " una=" + (sndUna - iss) + " nxt=" + (sndNxt - iss) + " max=" + (sndMax - iss) + " wnd=" + sndWnd + " cwnd=" + cwnd
                + " ssthresh=" + ssthresh + " sendBuf=" + sendBuf.size() + " rcvNxt=" + (rcvNxt - irs) + " recvBuf=" + recvBuf.size()
                + " rto=" + rto / 1000 + "us timer=" + (rtxTimer != null) + " recovery=" + inRecovery + " fin=" + finRequested + "/" + finSent + "/" + finAcked + "/" + peerFin;
    }

    Tcp.Key key() { return new Tcp.Key(localAddr, localPort, remoteAddr, remotePort); }

    static boolean lt(int a, int b) { return a - b < 0; }
    static boolean le(int a, int b) { return a - b <= 0; }

    int window() { return Math.min(recvBuf.free(), 65535); }

    // ---- opening ----

    void connect() {
        tcp.activeOpens++;
        tcp.connections.put(key(), this);
        state = State.SYN_SENT;
        sndUna = iss; sndNxt = iss + 1; sndMax = sndNxt;
        rttStartSyn = stack.clock.now();
        sendSyn();
    }

    void acceptSyn(Tcp.Segment seg) {
        tcp.passiveOpens++;
        tcp.connections.put(key(), this);
        irs = seg.seq(); rcvNxt = irs + 1;
        if (seg.mss() > 0) mss = Math.min(seg.mss(), ourMss);
        sndWnd = seg.window(); sndWl1 = seg.seq(); sndWl2 = iss;
        state = State.SYN_RECEIVED;
        sndUna = iss; sndNxt = iss + 1; sndMax = sndNxt;
        sendSyn();
    }

    private void sendSyn() {
        synTries++;
        int flags = state == State.SYN_SENT ? SYN : SYN | ACK;
        tcp.send(localAddr, localPort, remoteAddr, remotePort, iss, state == State.SYN_SENT ? 0 : rcvNxt, flags, window(), null, 0, 0, ourMss);
        armRtx();
    }

    private void established() {
        state = State.ESTABLISHED;
        cwnd = Math.min(4 * mss, Math.max(2 * mss, 4380)); // RFC 3390 initial window
        if (listener != null) listener.established(this);
        stack.changed();
    }

    // ---- application side ----

    int read(byte[] b, int off, int len) {
        if (recvBuf.size() > 0) {
            int before = window();
            int n = recvBuf.take(b, off, len);
            // Window update once the window we offered reopens by a full segment (silly-window avoidance, RFC 1122).
            if (before < mss && window() >= Math.min(mss, RECV_CAPACITY / 2) && synchronizedState()) sendAck();
            return n;
        }
        if (peerFin) return 0;
        if (error != 0) throw new org.multios.kernel.KernelException(error);
        if (state == State.CLOSED || state == State.TIME_WAIT) return 0;
        return org.multios.kernel.fs.OpenFile.WOULD_BLOCK;
    }

    int write(byte[] b, int off, int len) {
        if (error != 0) throw new org.multios.kernel.KernelException(error);
        if (finRequested) throw new org.multios.kernel.KernelException(org.multios.kernel.Errno.EPIPE);
        if (state == State.SYN_SENT || state == State.SYN_RECEIVED) return org.multios.kernel.fs.OpenFile.WOULD_BLOCK;
        if (state != State.ESTABLISHED && state != State.CLOSE_WAIT) throw new org.multios.kernel.KernelException(org.multios.kernel.Errno.EPIPE);
        int n = sendBuf.add(b, off, len);
        if (n == 0) return org.multios.kernel.fs.OpenFile.WOULD_BLOCK;
        output(false);
        return n;
    }

    boolean synchronizedState() { return state != State.CLOSED && state != State.SYN_SENT && state != State.SYN_RECEIVED; }

    void shutdownWrite() {
        if (finRequested) return;
        finRequested = true;
        if (state == State.SYN_SENT || state == State.SYN_RECEIVED) { abort(0); return; }
        output(false);
    }

    /** close(): FIN after the queued data, or RST when unread data would be lost (as Linux). */
    void close() {
        owner = null;
        if (recvBuf.size() > 0 && synchronizedState() && state != State.TIME_WAIT) {
            tcp.outRsts++;
            tcp.send(localAddr, localPort, remoteAddr, remotePort, sndNxt, rcvNxt, RST | ACK, 0, null, 0, 0, -1);
            abort(0);
            return;
        }
        if (state == State.SYN_SENT || state == State.CLOSED) { abort(0); return; }
        shutdownWrite();
    }

    void abort(int err) {
        if (err != 0) error = err;
        state = State.CLOSED;
        stack.clock.cancel(rtxTimer); rtxTimer = null;
        stack.clock.cancel(twTimer); twTimer = null;
        tcp.connections.remove(key(), this);
        if (listener != null) listener.dropChild(this);
        stack.changed();
    }

    // ---- output ----

    private int flight() { return sndNxt - sndUna; }

    void output(boolean probe) {
        if (!synchronizedState()) return;
        while (true) {
            int dataOff = Math.min(sndNxt - sndUna, sendBuf.size());
            int avail = sendBuf.size() - dataOff;
            int win = Math.min(cwnd, sndWnd);
            if (avail > 0 && !(finSent && le(finSeq, sndNxt - 1) && sndNxt - sndUna > sendBuf.size())) {
                int n = Math.min(Math.min(mss, avail), win - flight());
                if (probe && n <= 0 && flight() == 0) n = 1; // zero-window probe
                if (n <= 0) { if (sndWnd == 0 && flight() == 0) armRtx(); break; }
                if (!nodelay && n < mss && n == avail && flight() > 0 && !probe) break; // Nagle (RFC 896)
                byte[] d = new byte[n];
                sendBuf.peek(dataOff, d, 0, n);
                boolean retrans = lt(sndNxt, sndMax);
                if (retrans) tcp.retransSegs++;
                // Account for the segment before it leaves: on loopback its ACK comes back inside send().
                int seq = sndNxt;
                if (!timing && !retrans) { timing = true; rttSeq = seq; rttStart = stack.clock.now(); }
                sndNxt += n;
                if (lt(sndMax, sndNxt)) sndMax = sndNxt;
                if (rtxTimer == null) armRtx();
                advertised = window();
                tcp.send(localAddr, localPort, remoteAddr, remotePort, seq, rcvNxt, ACK | (n == avail ? PSH : 0), window(), d, 0, n, -1);
                probe = false;
                continue;
            }
            if (finRequested && avail == 0 && (!finSent || sndNxt == finSeq)) {
                if (!finSent) {
                    finSeq = sndNxt;
                    finSent = true;
                    if (state == State.ESTABLISHED) state = State.FIN_WAIT_1;
                    else if (state == State.CLOSE_WAIT) state = State.LAST_ACK;
                } else {
                    tcp.retransSegs++;
                }
                sndNxt = finSeq + 1;
                if (lt(sndMax, sndNxt)) sndMax = sndNxt;
                if (rtxTimer == null) armRtx();
                tcp.send(localAddr, localPort, remoteAddr, remotePort, finSeq, rcvNxt, FIN | ACK, window(), null, 0, 0, -1);
            }
            break;
        }
    }

    void sendAck() {
        advertised = window();
        tcp.send(localAddr, localPort, remoteAddr, remotePort, sndNxt, rcvNxt, ACK, advertised, null, 0, 0, -1);
    }

    private void armRtx() {
        stack.clock.cancel(rtxTimer);
        rtxTimer = stack.clock.schedule(stack.clock.now() + rto, () -> { rtxTimer = null; timeout(); stack.clock.afterEvent(); });
    }

    private void stopRtx() { stack.clock.cancel(rtxTimer); rtxTimer = null; }

    /** The retransmission timer fired (RFC 6298 5.4-5.7, RFC 5681 eq. 4). */
    private void timeout() {
        if (state == State.CLOSED || state == State.TIME_WAIT) return;
        rto = Math.min(rto * 2, MAX_RTO);
        timing = false; // Karn: no RTT sample from a retransmitted segment
        if (state == State.SYN_SENT || state == State.SYN_RECEIVED) {
            if (synTries > SYN_RETRIES) { abort(NetErrno.ETIMEDOUT); return; }
            tcp.retransSegs++;
            sendSyn();
            return;
        }
        if (flight() == 0) { // persist: probe a zero window
            if (sendBuf.size() > 0) output(true);
            return;
        }
        if (++retries > MAX_RETRIES) { abort(NetErrno.ETIMEDOUT); return; }
        ssthresh = Math.max(flight() / 2, 2 * mss);
        cwnd = mss;
        inRecovery = false;
        dupAcks = 0;
        sndNxt = sndUna; // go back: resend from the first unacknowledged byte
        if (finSent && sndUna == finSeq + 1) return;
        output(sndWnd == 0);
        if (rtxTimer == null) armRtx();
    }

    private void rttSample(long r) {
        if (srtt < 0) { srtt = r; rttvar = r / 2; }
        else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.clamp(srtt + Math.max(1_000_000L, 4 * rttvar), MIN_RTO, MAX_RTO);
    }

    // ---- input ----

    void input(Tcp.Segment seg) {
        switch (state) {
            case CLOSED -> { return; }
            case SYN_SENT -> { synSent(seg); return; }
            default -> {}
        }
        int len = seg.data().length;
        // acceptability (RFC 793 p. 69), with a zero window accepting only the next sequence number
        int wnd = window();
        boolean ok = len == 0 ? (wnd == 0 ? seg.seq() == rcvNxt : le(rcvNxt, seg.seq()) && lt(seg.seq(), rcvNxt + Math.max(wnd, 1)) || seg.seq() == rcvNxt)
                : wnd > 0 && (lt(seg.seq() - 1, rcvNxt + wnd) && lt(rcvNxt, seg.seq() + len + 1));
        if (!ok && !(seg.has(RST) && seg.seq() == rcvNxt)) {
            if (!seg.has(RST)) sendAck();
            return;
        }
        if (seg.has(RST)) {
            abort(state == State.SYN_RECEIVED && listener != null ? 0 : NetErrno.ECONNRESET);
            return;
        }
        if (seg.has(SYN)) { // a SYN inside the window of a synchronized connection: challenge ACK (RFC 5961)
            sendAck();
            return;
        }
        if (!seg.has(ACK)) return;
        int ack = seg.ack();
        if (state == State.SYN_RECEIVED) {
            if (lt(sndUna, ack) && le(ack, sndMax)) {
                sndUna = ack;
                sndWnd = seg.window(); sndWl1 = seg.seq(); sndWl2 = ack;
                stopRtx();
                established();
            } else {
                tcp.reset(localAddr, remoteAddr, new Tcp.Segment(remotePort, localPort, seg.seq(), ack, seg.flags(), 0, -1, seg.data()));
                return;
            }
        } else {
            if (lt(sndMax, ack)) { sendAck(); return; } // acknowledges something never sent
            processAck(seg, ack, len);
            if (state == State.CLOSED) return;
        }
        // data
        byte[] d = seg.data();
        int start = rcvNxt - seg.seq();
        boolean needAck = false;
        if (len > 0) {
            if (state == State.ESTABLISHED || state == State.FIN_WAIT_1 || state == State.FIN_WAIT_2) {
                if (start >= 0 && start < len) {
                    int n = recvBuf.add(d, start, len - start);
                    rcvNxt += n;
                    drainOutOfOrder();
                    stack.changed();
                } else if (start < 0 && outOfOrderBytes + len <= window()) {
                    // ahead of a hole: keep it (bounded by the window) until the hole is filled
                    if (outOfOrder.putIfAbsent(seg.seq() - irs, d) == null) outOfOrderBytes += len;
                }
            }
            needAck = true;
        }
        if (seg.has(FIN) && seg.seq() + len == rcvNxt && !peerFin) {
            rcvNxt++;
            peerFin = true;
            needAck = true;
            switch (state) {
                case ESTABLISHED, SYN_RECEIVED -> state = State.CLOSE_WAIT;
                case FIN_WAIT_1 -> { if (finAcked) timeWait(); else state = State.CLOSING; }
                case FIN_WAIT_2 -> timeWait();
                default -> {}
            }
            stack.changed();
        } else if (seg.has(FIN) && peerFin) {
            needAck = true; // our ACK of the FIN was lost
            if (state == State.TIME_WAIT) timeWait();
        }
        if (needAck) sendAck();
        output(false);
    }

    /** Segments received ahead of rcvNxt, keyed by offset from the initial receive sequence number. */
    private final java.util.TreeMap<Integer, byte[]> outOfOrder = new java.util.TreeMap<>(Integer::compareUnsigned);
    private int outOfOrderBytes;

    private void drainOutOfOrder() {
        while (!outOfOrder.isEmpty()) {
            var e = outOfOrder.firstEntry();
            int seq = e.getKey() + irs;
            byte[] d = e.getValue();
            if (lt(rcvNxt, seq)) return;
            outOfOrder.pollFirstEntry();
            outOfOrderBytes -= d.length;
            int skip = rcvNxt - seq;
            if (skip < d.length) rcvNxt += recvBuf.add(d, skip, d.length - skip);
        }
    }

    private void processAck(Tcp.Segment seg, int ack, int len) {
        // window update (RFC 793 p. 72)
        boolean windowChanged = false;
        if (lt(sndWl1, seg.seq()) || sndWl1 == seg.seq() && le(sndWl2, ack)) {
            windowChanged = sndWnd != seg.window();
            sndWnd = seg.window(); sndWl1 = seg.seq(); sndWl2 = ack;
        }
        if (lt(sndUna, ack)) {
            int acked = ack - sndUna;
            if (lt(sndNxt, ack)) sndNxt = ack;
            int dataAcked = Math.min(acked, sendBuf.size());
            sendBuf.drop(dataAcked);
            sndUna = ack;
            if (finSent && lt(finSeq, ack)) finAcked = true;
            if (timing && lt(rttSeq, ack)) { timing = false; rttSample(stack.clock.now() - rttStart); }
            if (retries > 0 && srtt >= 0) rto = Math.clamp(srtt + Math.max(1_000_000L, 4 * rttvar), MIN_RTO, MAX_RTO); // new data acked: drop the back-off, as Linux does
            retries = 0;
            if (inRecovery) {
                if (le(recover, ack)) { inRecovery = false; cwnd = ssthresh; } // full ACK: deflate (RFC 5681 3.2 step 6)
                else { // partial ACK (RFC 6582): resend the next hole, stay in recovery
                    int hole = Math.min(mss, sendBuf.size());
                    if (hole > 0) resendHead(hole);
                    cwnd = Math.max(cwnd - dataAcked + mss, mss);
                }
            } else if (cwnd < ssthresh) cwnd += Math.min(dataAcked, mss); // slow start
            else cwnd += Math.max(1, mss * mss / Math.max(cwnd, 1)); // congestion avoidance
            dupAcks = 0;
            if (flight() > 0) armRtx(); else stopRtx();
            stack.changed();
            if (finAcked) {
                switch (state) {
                    case FIN_WAIT_1 -> state = State.FIN_WAIT_2;
                    case CLOSING -> timeWait();
                    case LAST_ACK -> { abort(0); return; }
                    default -> {}
                }
            }
        } else if (ack == sndUna && len == 0 && !seg.has(FIN) && !windowChanged && flight() > 0) {
            dupAcks++;
            if (dupAcks == 3 && !inRecovery) { // fast retransmit, fast recovery (RFC 5681 3.2)
                ssthresh = Math.max(flight() / 2, 2 * mss);
                recover = sndMax;
                inRecovery = true;
                resendHead(Math.min(mss, sendBuf.size()));
                cwnd = ssthresh + 3 * mss;
            } else if (inRecovery) {
                cwnd += mss;
            }
        }
    }

    private void resendHead(int n) {
        if (n <= 0) return;
        byte[] d = new byte[n];
        sendBuf.peek(0, d, 0, n);
        tcp.retransSegs++;
        timing = false;
        tcp.send(localAddr, localPort, remoteAddr, remotePort, sndUna, rcvNxt, ACK, window(), d, 0, n, -1);
        armRtx();
    }

    private void synSent(Tcp.Segment seg) {
        if (seg.has(ACK) && (le(seg.ack(), iss) || lt(sndMax, seg.ack()))) {
            if (!seg.has(RST)) tcp.reset(localAddr, remoteAddr, new Tcp.Segment(remotePort, localPort, seg.seq(), seg.ack(), seg.flags(), 0, -1, seg.data()));
            return;
        }
        if (seg.has(RST)) {
            if (seg.has(ACK)) abort(NetErrno.ECONNREFUSED);
            return;
        }
        if (!seg.has(SYN) || !seg.has(ACK)) return; // simultaneous open is not supported
        irs = seg.seq();
        rcvNxt = irs + 1;
        sndUna = seg.ack();
        if (seg.mss() > 0) mss = Math.min(seg.mss(), ourMss);
        sndWnd = seg.window(); sndWl1 = seg.seq(); sndWl2 = seg.ack();
        stopRtx();
        if (synTries == 1) rttSample(stack.clock.now() - rttStartSyn);
        established();
        sendAck();
        output(false);
    }

    long rttStartSyn;

    private void timeWait() {
        state = State.TIME_WAIT;
        stopRtx();
        stack.clock.cancel(twTimer);
        twTimer = stack.clock.schedule(stack.clock.now() + TIME_WAIT_NANOS, () -> { twTimer = null; abort(0); stack.clock.afterEvent(); });
        stack.changed();
    }
}
