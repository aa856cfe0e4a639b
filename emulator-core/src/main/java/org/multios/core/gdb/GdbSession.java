package org.multios.core.gdb;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.multios.core.debug.BreakpointSet;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugMemory;
import org.multios.core.debug.DebugTarget;
import org.multios.core.debug.OsAwareness;
import org.multios.core.debug.RegisterInfo;
import org.multios.core.debug.RunControl;
import org.multios.core.debug.StopReason;
import org.multios.core.debug.TargetDescription;

/**
 * One connected GDB client: answers its packets (all-stop mode, one thread per vCPU).
 * <p>
 * Packets are handled in order on a virtual thread of their own, which may block while the
 * guest runs ({@code c}, {@code s}) until it stops; Ctrl-C is handled at once on the network
 * thread. The packet table below maps each packet name to its handler.
 */
final class GdbSession implements GdbPacketFramer.Listener {
    /** Largest packet we accept and send (advertised as PacketSize, hex 4000). */
    static final int PACKET_SIZE = 0x4000;
    /** Packets queued while the guest runs; a client flooding us beyond that is ignored. */
    private static final int MAX_QUEUED = 64;

    private record Entry(String prefix, Function<String, String> handler) {}

    private final DebugTarget target;
    private final RunControl control;
    private final DebugMemory memory;
    private final GdbMonitor monitor;
    private final Channel channel;
    private final GdbPacketFramer framer;
    private final Runnable onEnd;
    private final List<Entry> queries = new ArrayList<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("gdb-session").factory());
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean closed;
    /** Thread for registers and memory: CPU index + 1, or with {@code monitor os on} an OS thread id. */
    private volatile long gThread = 1;
    private volatile byte[] lastFrame;
    private long cThread = -1; // thread for c/s; -1: the stopped one
    private long stopThread = 1; // the thread the last stop reply named
    private volatile StopReason lastStop = StopReason.signal(0, StopReason.SIGTRAP);
    private boolean clientSwbreak, clientHwbreak;
    private boolean ended;

    GdbSession(DebugTarget target, Channel channel, Runnable onEnd) {
        this.target = target;
        this.control = new RunControl(target);
        this.memory = new DebugMemory(target.machine().bus());
        this.monitor = new GdbMonitor(target);
        this.channel = channel;
        this.framer = new GdbPacketFramer(this);
        this.onEnd = onEnd;
        query("qSupported", this::supported);
        query("qXfer:features:read:", this::xferFeatures);
        query("qXfer:threads:read::", a -> GdbXfer.slice(threadsXml(), a));
        query("qXfer:memory-map:read::", a -> GdbXfer.slice(GdbXfer.memoryMapXml(target,
                monitor.physical() || (!monitor.os() && !cpu().translating())), a));
        query("qC", a -> a.isEmpty() ? "QC" + Long.toHexString(gThread) : "");
        query("qfThreadInfo", a -> threadList());
        query("qsThreadInfo", a -> "l");
        query("qThreadExtraInfo,", a -> GdbHex.encode(cpuOfThread(a).threadInfo()));
        query("qAttached", a -> "1");
        query("qOffsets", a -> "Text=0;Data=0;Bss=0");
        query("qRcmd,", this::monitorCommand);
        query("qSymbol:", a -> "OK");
        query("QStartNoAckMode", a -> "OK");
        query("vCont?", a -> "vCont;c;C;s;S;t;r");
        query("vCont;", this::vCont);
        query("vKill", a -> { send("OK"); return kill(); });
    }

    GdbPacketFramer framer() { return framer; }

    private void query(String prefix, Function<String, String> handler) { queries.add(new Entry(prefix, handler)); }

    /** Stops the guest so the client finds it halted (QEMU does the same on attach). */
    void start() {
        submit(() -> {
            control.interrupt(0, StopReason.SIGTRAP);
            StopReason r = control.waitForStop(() -> closed);
            if (r != null) noteStop(r);
        });
    }

    // ---- network thread ----

    @Override
    public void packet(byte[] payload) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            return;
        }
        submit(() -> {
            try {
                handle(payload);
            } finally {
                queued.decrementAndGet();
            }
        });
    }

    @Override
    public void interrupt() { control.interrupt(lastStop.cpu(), StopReason.SIGINT); } // network thread: no OS lookups while the guest runs

    @Override
    public void retransmit() {
        byte[] f = lastFrame;
        if (f != null) channel.writeAndFlush(Unpooled.wrappedBuffer(f));
    }

    /** The connection is gone: take the breakpoints out and let the guest run on. */
    void closed() {
        closed = true;
        submit(this::end);
        worker.shutdown();
    }

    private void submit(Runnable r) {
        try {
            worker.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // session already over
        }
    }

    private void end() {
        if (ended) return;
        ended = true;
        control.release();
        onEnd.run();
    }

    // ---- session thread ----

    private void handle(byte[] raw) {
        if (ended) return;
        String p = new String(raw, StandardCharsets.ISO_8859_1);
        String reply;
        try {
            reply = dispatch(p, raw);
        } catch (GdbProtocolException | StringIndexOutOfBoundsException e) {
            reply = "E16"; // EINVAL-ish: a malformed packet
        } catch (RuntimeException e) {
            System.err.println("multios: gdb: '" + GdbHex.abbreviate(p) + "' failed: " + e);
            reply = "E01";
        }
        if (reply != null) send(reply);
        if (p.equals("QStartNoAckMode")) framer.setNoAck(true);
    }

    /** The packet table; null means no reply (the guest runs, or the session ends). */
    private String dispatch(String p, byte[] raw) {
        if (p.isEmpty()) return "";
        char c = p.charAt(0);
        String a = p.substring(1);
        return switch (c) {
            case '?' -> stopReply(lastStop);
            case 'g' -> readRegisters();
            case 'G' -> writeRegisters(a);
            case 'p' -> readRegister(a);
            case 'P' -> writeRegister(a);
            case 'm' -> readMemory(a);
            case 'M' -> writeMemory(a);
            case 'X' -> writeBinary(raw);
            case 'c', 'C' -> resume(c == 'c' ? a : after(a, ';'), false);
            case 's', 'S' -> resume(c == 's' ? a : after(a, ';'), true);
            case 'Z', 'z' -> breakpoint(c == 'Z', a);
            case 'H' -> setThread(a);
            case 'T' -> threadAlive(a) ? "OK" : "E01";
            case 'D' -> detach();
            case 'k' -> { kill(); yield null; }
            case 'q', 'Q', 'v' -> query(p);
            default -> "";
        };
    }

    private String query(String p) {
        for (Entry e : queries) {
            if (p.startsWith(e.prefix)) return e.handler.apply(p.substring(e.prefix.length()));
        }
        return "";
    }

    private static String after(String s, char sep) {
        int i = s.indexOf(sep);
        return i < 0 ? "" : s.substring(i + 1);
    }

    // ---- stop replies and execution ----

    private void noteStop(StopReason r) {
        lastStop = r;
        if (r.kind() != StopReason.Kind.EXITED) {
            gThread = stopThread = threadOf(r.cpu());
            cThread = -1;
        }
    }

    private String stopReply(StopReason r) {
        if (r.kind() == StopReason.Kind.EXITED) return String.format("W%02x", r.value() & 0xff);
        StringBuilder sb = new StringBuilder(String.format("T%02xthread:%x;", r.signal(), stopThread));
        switch (r.kind()) {
            case SWBREAK -> { if (clientSwbreak) sb.append("swbreak:;"); }
            case HWBREAK -> { if (clientHwbreak) sb.append("hwbreak:;"); }
            case WATCH -> sb.append("watch:").append(Long.toHexString(r.address())).append(';');
            case RWATCH -> sb.append("rwatch:").append(Long.toHexString(r.address())).append(';');
            case AWATCH -> sb.append("awatch:").append(Long.toHexString(r.address())).append(';');
            default -> { }
        }
        return sb.toString();
    }

    private long resumeThread() { return cThread >= 0 ? cThread : gThread; }

    private String resume(String addr, boolean step) {
        long thread = resumeThread();
        if (!addr.isEmpty()) thread(thread).setPc(GdbHex.parseLong(addr));
        if (step) step(thread, 0, 0);
        else control.resumeAll();
        return awaitStop();
    }

    /**
     * Steps a thread (a range step when {@code end != start}). An OS thread is stepped on the CPU
     * that runs it, counting only its own user instructions: other processes run on meanwhile.
     */
    private void step(long thread, long start, long end) {
        OsAwareness os = osThreads();
        control.stepOnly(os == null ? null : cpu -> os.threadOnCpu(cpu) == thread);
        if (start == end) control.step(cpuIndex(thread));
        else control.stepRange(cpuIndex(thread), start, end);
    }

    private String awaitStop() {
        if (lastStop.kind() == StopReason.Kind.EXITED) return stopReply(lastStop);
        StopReason r = control.waitForStop(() -> closed);
        if (r == null) return null;
        noteStop(r);
        return stopReply(r);
    }

    /** {@code vCont;ACTION[:THREAD]...}: step the thread named by the first s/r action, else continue. */
    private String vCont(String args) {
        String[] actions = args.split(";");
        for (String act : actions) {
            if (act.isEmpty()) throw new GdbProtocolException("empty vCont action");
            int colon = act.indexOf(':');
            String verb = colon < 0 ? act : act.substring(0, colon);
            long thread = colon < 0 ? resumeThread() : threadId(act.substring(colon + 1), true);
            if (thread < 0) thread = resumeThread();
            char k = verb.charAt(0);
            if (k == 's' || k == 'S') {
                step(thread, 0, 0);
                return awaitStop();
            }
            if (k == 'r') {
                String[] range = verb.substring(1).split(",", -1);
                if (range.length != 2) throw new GdbProtocolException("bad range");
                long start = GdbHex.parseLong(range[0]), end = GdbHex.parseLong(range[1]);
                step(thread, start, end == start ? end + 1 : end);
                return awaitStop();
            }
            if (k != 'c' && k != 'C' && k != 't') throw new GdbProtocolException("bad vCont action");
        }
        for (String act : actions) {
            char k = act.charAt(0);
            if (k == 'c' || k == 'C') {
                control.resumeAll();
                return awaitStop();
            }
        }
        return "OK"; // only 't': everything named is already stopped (all-stop mode)
    }

    private String detach() {
        send("OK");
        end();
        return null;
    }

    private String kill() {
        target.machine().stop(0, "killed by the debugger");
        end();
        channel.close();
        return null;
    }

    // ---- threads ----

    /** The OS's threads while {@code monitor os on}, else null (threads are the vCPUs). */
    private OsAwareness osThreads() { return monitor.os() ? target.os() : null; }

    /** Thread ids: vCPU index + 1, or the OS's thread ids. */
    private List<Long> threadIds() {
        List<Long> ids = new ArrayList<>();
        OsAwareness os = osThreads();
        if (os != null) {
            for (OsAwareness.OsThread t : os.threads()) ids.add(t.id());
        } else {
            for (int i = 0; i < target.cpus().size(); i++) ids.add(i + 1L);
        }
        return ids;
    }

    /** The thread's view, or null if there is no such thread (any more). */
    private DebugCpu threadOrNull(long id) {
        OsAwareness os = osThreads();
        if (os != null) {
            for (OsAwareness.OsThread t : os.threads()) if (t.id() == id) return t;
            return null;
        }
        return id >= 1 && id <= target.cpus().size() ? target.cpus().get((int) id - 1) : null;
    }

    private DebugCpu thread(long id) {
        DebugCpu t = threadOrNull(id);
        if (t == null) throw new GdbProtocolException("no thread " + Long.toHexString(id));
        return t;
    }

    /** The vCPU a thread runs on: itself, or for an OS thread the CPU the OS runs it on (one CPU: 0). */
    private int cpuIndex(long thread) {
        if (osThreads() != null) {
            for (int i = 0; i < target.cpus().size(); i++) if (osThreads().threadOnCpu(i) == thread) return i;
            return 0;
        }
        return (int) Math.max(0, Math.min(thread - 1, target.cpus().size() - 1));
    }

    /** The thread to report for a stop on vCPU {@code cpu}: the vCPU, or the OS thread it was running. */
    private long threadOf(int cpu) {
        OsAwareness os = osThreads();
        if (os == null) return cpu + 1;
        long t = os.threadOnCpu(cpu);
        if (t != 0) return t;
        List<Long> ids = threadIds(); // stopped in the kernel or idle: stay with the selected thread if it lives
        return ids.contains(gThread) || ids.isEmpty() ? gThread : ids.get(0);
    }

    private String threadList() {
        StringBuilder sb = new StringBuilder("m");
        for (long id : threadIds()) {
            if (sb.length() > 1) sb.append(',');
            sb.append(Long.toHexString(id));
        }
        return sb.toString();
    }

    private String threadsXml() {
        OsAwareness os = osThreads();
        if (os == null) return GdbXfer.threadsXml(target);
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<threads>\n");
        for (OsAwareness.OsThread t : os.threads()) {
            sb.append(String.format("  <thread id=\"%x\" core=\"%d\" name=\"%s\">%s</thread>%n",
                    t.id(), cpuIndex(t.id()), GdbXfer.xml(t.name()), GdbXfer.xml(t.threadInfo())));
        }
        return sb.append("</threads>\n").toString();
    }

    /** Thread id (hex; -1 all, 0 any) to a thread id; -1 for "all". */
    private long threadId(String id, boolean allowAll) {
        if (id.startsWith("p")) { // multiprocess syntax pPID.TID: the thread part
            int dot = id.indexOf('.');
            id = dot < 0 ? "0" : id.substring(dot + 1);
        }
        if (id.equals("-1")) {
            if (!allowAll) throw new GdbProtocolException("thread -1 not allowed here");
            return -1;
        }
        long t = GdbHex.parseLong(id);
        if (t == 0) return gThread;
        if (threadOrNull(t) == null) throw new GdbProtocolException("no thread " + id);
        return t;
    }

    private boolean threadAlive(String id) {
        try {
            return threadId(id, false) >= 0;
        } catch (GdbProtocolException e) {
            return false;
        }
    }

    private DebugCpu cpuOfThread(String id) { return thread(threadId(id, false)); }

    private String setThread(String a) {
        if (a.isEmpty()) throw new GdbProtocolException("H without operation");
        long t = threadId(a.substring(1), true);
        switch (a.charAt(0)) {
            case 'g' -> gThread = t < 0 ? gThread : t;
            case 'c' -> cThread = t;
            default -> throw new GdbProtocolException("bad H operation");
        }
        return "OK";
    }

    /** The selected thread; if it has gone (an OS thread exited), the first thread, else vCPU 0. */
    private DebugCpu cpu() {
        DebugCpu t = threadOrNull(gThread);
        if (t != null) return t;
        List<Long> ids = threadIds();
        if (!ids.isEmpty()) {
            gThread = ids.get(0);
            return thread(gThread);
        }
        return target.cpus().get(0);
    }

    // ---- registers ----

    private String readRegisters() {
        DebugCpu cpu = cpu();
        StringBuilder sb = new StringBuilder();
        for (RegisterInfo r : cpu.description().gPacketRegisters()) {
            byte[] v = cpu.readRegister(r.regnum());
            sb.append(v == null ? "xx".repeat(r.byteSize()) : GdbHex.encode(v));
        }
        return sb.toString();
    }

    private String writeRegisters(String hex) {
        byte[] data = GdbHex.decode(hex);
        DebugCpu cpu = cpu();
        TargetDescription d = cpu.description();
        if (data.length != d.gPacketBytes()) return "E16";
        int off = 0;
        for (RegisterInfo r : d.gPacketRegisters()) {
            byte[] v = java.util.Arrays.copyOfRange(data, off, off + r.byteSize());
            off += r.byteSize();
            cpu.writeRegister(r.regnum(), v);
        }
        return "OK";
    }

    private String readRegister(String a) {
        DebugCpu cpu = cpu();
        RegisterInfo r = cpu.description().register(GdbHex.parseInt(a));
        if (r == null) return "E45";
        byte[] v = cpu.readRegister(r.regnum());
        return v == null ? "xx".repeat(r.byteSize()) : GdbHex.encode(v);
    }

    private String writeRegister(String a) {
        int eq = a.indexOf('=');
        if (eq < 0) throw new GdbProtocolException("P without '='");
        DebugCpu cpu = cpu();
        RegisterInfo r = cpu.description().register(GdbHex.parseInt(a.substring(0, eq)));
        if (r == null) return "E45";
        byte[] v = GdbHex.decode(a.substring(eq + 1));
        if (v.length != r.byteSize()) return "E16";
        return cpu.writeRegister(r.regnum(), v) ? "OK" : "E01";
    }

    // ---- memory ----

    record AddrLen(long addr, int len) {}

    static AddrLen addrLen(String s) {
        int comma = s.indexOf(',');
        if (comma < 0) throw new GdbProtocolException("expected ADDR,LENGTH");
        return new AddrLen(GdbHex.parseLong(s.substring(0, comma)), GdbHex.parseInt(s.substring(comma + 1)));
    }

    private String readMemory(String a) {
        AddrLen al = addrLen(a);
        int len = Math.min(al.len(), PACKET_SIZE / 2 - 8); // GDB takes a short read and asks for the rest
        if (len == 0) return "";
        byte[] data = memory.read(cpu(), monitor.physical(), al.addr(), len);
        return data.length == 0 ? "E14" : GdbHex.encode(data);
    }

    private String writeMemory(String a) {
        int colon = a.indexOf(':');
        if (colon < 0) throw new GdbProtocolException("M without ':'");
        AddrLen al = addrLen(a.substring(0, colon));
        byte[] data = GdbHex.decode(a.substring(colon + 1));
        if (data.length != al.len()) return "E16";
        return memory.write(cpu(), monitor.physical(), al.addr(), data) == data.length ? "OK" : "E14";
    }

    private String writeBinary(byte[] raw) {
        int colon = -1;
        for (int i = 1; i < raw.length; i++) if (raw[i] == ':') { colon = i; break; }
        if (colon < 0) throw new GdbProtocolException("X without ':'");
        AddrLen al = addrLen(new String(raw, 1, colon - 1, StandardCharsets.ISO_8859_1));
        byte[] data = GdbHex.unescape(raw, colon + 1);
        if (data.length != al.len()) return "E16";
        if (data.length == 0) return "OK"; // GDB probes for X support with an empty write
        return memory.write(cpu(), monitor.physical(), al.addr(), data) == data.length ? "OK" : "E14";
    }

    // ---- breakpoints ----

    private String breakpoint(boolean insert, String a) {
        int semi = a.indexOf(';'); // conditions and commands, which we do not advertise
        String[] f = (semi < 0 ? a : a.substring(0, semi)).split(",", -1);
        if (f.length != 3) throw new GdbProtocolException("expected TYPE,ADDR,KIND");
        int type = GdbHex.parseInt(f[0]);
        long addr = GdbHex.parseLong(f[1]);
        long kind = GdbHex.parseLong(f[2]);
        if (type > BreakpointSet.ACCESS_WATCH) return "";
        BreakpointSet bps = control.breakpoints();
        if (insert) return bps.insert(type, addr, kind) ? "OK" : "E16";
        bps.remove(type, addr, kind);
        return "OK";
    }

    // ---- queries ----

    private String supported(String a) {
        for (String f : a.startsWith(":") ? a.substring(1).split(";") : new String[0]) {
            if (f.equals("swbreak+")) clientSwbreak = true;
            if (f.equals("hwbreak+")) clientHwbreak = true;
        }
        return "PacketSize=" + Integer.toHexString(PACKET_SIZE)
                + ";qXfer:features:read+;qXfer:threads:read+;qXfer:memory-map:read+"
                + ";vContSupported+;QStartNoAckMode+;swbreak+;hwbreak+";
    }

    private String xferFeatures(String a) {
        int colon = a.indexOf(':');
        if (colon < 0) throw new GdbProtocolException("qXfer without annex");
        String doc = cpu().description().document(a.substring(0, colon));
        if (doc == null) return "E00";
        return GdbXfer.slice(doc, a.substring(colon + 1));
    }

    private String monitorCommand(String hex) {
        String cmd = new String(GdbHex.decode(hex), StandardCharsets.UTF_8);
        String out = monitor.run(cmd, cpu());
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        int chunk = PACKET_SIZE / 2 - 8;
        for (int i = 0; i < bytes.length; i += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk));
            send("O" + GdbHex.encode(part));
        }
        return "OK";
    }

    // ---- output ----

    private void send(String payload) {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        byte[] frame = new byte[p.length + 4];
        frame[0] = '$';
        int sum = 0;
        for (int i = 0; i < p.length; i++) {
            frame[i + 1] = p[i];
            sum += p[i] & 0xff;
        }
        frame[p.length + 1] = '#';
        frame[p.length + 2] = (byte) Character.forDigit((sum >> 4) & 0xf, 16);
        frame[p.length + 3] = (byte) Character.forDigit(sum & 0xf, 16);
        lastFrame = frame;
        if (!closed) channel.writeAndFlush(Unpooled.wrappedBuffer(frame));
    }
}
