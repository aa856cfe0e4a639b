package org.multios.boards.riscv;

import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.devices.console.ConsoleBackend;
import org.multios.devices.power.PowerController;

/**
 * Berkeley's host-target interface as Spike implements it, for programs that define the ELF
 * symbols {@code tohost} and {@code fromhost} (riscv-tests, riscv-pk, many bare-metal tests).
 * The guest writes a 64-bit command to {@code tohost}: device in bits 63:56, command in
 * 55:48, payload in 47:0. The board looks at {@code tohost} on a periodic virtual-clock
 * event, executes the command, clears {@code tohost} and, where the protocol answers, writes
 * the reply to {@code fromhost}.
 * <ul>
 * <li>device 0 (syscall proxy), payload odd: exit with status payload &gt;&gt; 1 (riscv-tests' pass is 1);
 * <li>device 0, payload even: address of a "magic memory" block of eight 64-bit words
 *     {@code [sys, a0, a1, a2, ...]}; {@code write} (64) to fd 1 or 2 goes to the console and
 *     the return value replaces word 0, then {@code fromhost} gets 1; other calls return -ENOSYS;
 * <li>device 1 (console), command 1: write the payload's low byte to the console.
 * </ul>
 */
public final class Htif {
    /** Poll period: 10,000 instructions' worth of virtual time at the default 10 ns. */
    public static final long POLL_NANOS = 100_000;
    static final int SYS_WRITE = 64;
    static final long ENOSYS = 38;

    private final PhysicalBus bus;
    private final VirtualClock clock;
    private final long tohost, fromhost;
    private final ConsoleBackend console;
    private final PowerController power;
    private TimerEvent event;

    public Htif(PhysicalBus bus, VirtualClock clock, long tohost, long fromhost, ConsoleBackend console,
                PowerController power) {
        this.bus = bus;
        this.clock = clock;
        this.tohost = tohost;
        this.fromhost = fromhost;
        this.console = console;
        this.power = power;
    }

    /** Starts polling (again): call after every machine reset, which clears the event queue. */
    public void start() {
        clock.cancel(event);
        event = clock.scheduleIn(POLL_NANOS, this::tick);
    }

    private void tick() {
        event = clock.schedule(event.deadline() + POLL_NANOS, this::tick);
        poll();
    }

    /** Executes a pending tohost command, if any. */
    public void poll() {
        long cmd;
        try {
            cmd = bus.read(tohost, 8);
        } catch (BusErrorException e) {
            return;
        }
        if (cmd == 0) return;
        int device = (int) (cmd >>> 56);
        int command = (int) (cmd >>> 48) & 0xff;
        long payload = cmd & 0xffff_ffff_ffffL;
        bus.write(tohost, 8, 0);
        if (device == 0 && command == 0) {
            if ((payload & 1) != 0) {
                long code = payload >>> 1;
                power.powerOff((int) code, code == 0 ? "HTIF exit: pass" : "HTIF exit with code " + code);
            } else {
                syscall(payload);
                reply(device, command, 1);
            }
        } else if (device == 1 && command == 1) {
            console.write((int) payload & 0xff);
            console.flush();
            reply(device, command, 0);
        }
        // device 1 command 0 (read a character) gets no answer until input support is needed
    }

    private void syscall(long magic) {
        try {
            long sys = bus.read(magic, 8);
            long result;
            if (sys == SYS_WRITE) {
                long fd = bus.read(magic + 8, 8), buf = bus.read(magic + 16, 8), len = bus.read(magic + 24, 8);
                if (fd == 1 || fd == 2) {
                    for (long i = 0; i < len; i++) console.write((int) bus.read(buf + i, 1));
                    console.flush();
                    result = len;
                } else {
                    result = -9; // EBADF
                }
            } else {
                result = -ENOSYS;
            }
            bus.write(magic, 8, result);
        } catch (BusErrorException e) {
            // A bad pointer from the guest: nothing to write back to.
        }
    }

    private void reply(int device, int command, long payload) {
        if (fromhost < 0) return;
        try {
            bus.write(fromhost, 8, (long) device << 56 | (long) command << 48 | payload);
        } catch (BusErrorException ignored) {
            // fromhost outside memory: the guest will not get its answer, as on Spike
        }
    }
}
