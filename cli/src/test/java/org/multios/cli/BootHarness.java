package org.multios.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.devices.tpm.TpmEngine;

/** One {@code multios boot} in-process, with its console, its board (TPM, RAM) and its exit status. */
final class BootHarness implements AutoCloseable {
    final BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
    final PipedOutputStream keys = new PipedOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AtomicInteger status = new AtomicInteger(-1);
    final AtomicReference<RiscvVirtBoard> board = new AtomicReference<>();
    final Thread machine;

    BootHarness(String... args) throws IOException { this(b -> {}, args); }

    /** @param onBoard runs on the machine thread once the board exists, before it runs (schedule events, set limits) */
    BootHarness(java.util.function.Consumer<RiscvVirtBoard> onBoard, String... args) throws IOException {
        PipedInputStream in = new PipedInputStream(keys, 4096);
        BootCommand.boardListener = b -> { board.set(b); onBoard.accept(b); };
        String[] all = new String[args.length + 1];
        all[0] = "boot";
        System.arraycopy(args, 0, all, 1, args.length);
        machine = Thread.ofPlatform().name("multios-boot").start(() -> status.set(Multios.run(all, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
    }

    int waitFor(String text) throws InterruptedException { return screen.waitFor(text, 0, machine); }

    /** Waits for the machine to stop by itself (a halt or poweroff), at most ms. */
    void awaitEnd(long ms) throws InterruptedException {
        machine.join(ms);
        if (machine.isAlive()) throw new AssertionError("the machine still runs; console:\n" + screen.text());
    }

    void stop() throws InterruptedException {
        RiscvVirtBoard b = board.get();
        if (b != null) b.stop(0, "test done");
        machine.join(30_000);
    }

    /** SHA-256 PCR i as the TPM reports it to TPM2_PCR_Read (through the engine's command interface). */
    static byte[] pcrRead(TpmEngine tpm, int pcr) {
        ByteBuffer c = ByteBuffer.allocate(20);
        c.putShort((short) 0x8001).putInt(20).putInt(0x17E).putInt(1).putShort((short) 0x000B).put((byte) 3);
        byte[] sel = new byte[3];
        sel[pcr / 8] = (byte) (1 << (pcr % 8));
        c.put(sel);
        ByteBuffer r = ByteBuffer.wrap(tpm.execute(0, c.array()));
        if (r.getInt(6) != 0) throw new AssertionError("PCR_Read: response code " + Integer.toHexString(r.getInt(6)));
        // updateCounter, TPML_PCR_SELECTION (count, hash, sizeofSelect, 3 bytes), TPML_DIGEST count, TPM2B
        int at = 10 + 4 + 4 + 2 + 1 + 3;
        if (r.getInt(at) != 1 || r.getShort(at + 4) != 32) throw new AssertionError("PCR_Read returned no SHA-256 digest");
        byte[] d = new byte[32];
        r.get(at + 6, d);
        return d;
    }

    byte[][] tpmPcrs() {
        byte[][] p = new byte[24][];
        for (int i = 0; i < 24; i++) p[i] = pcrRead(board.get().tpm(), i);
        return p;
    }

    /** The event log in guest RAM, at the address and size the kernel announced. */
    byte[] eventLogFromRam() throws InterruptedException {
        waitFor("tpm: TCG event log of ");
        Matcher m = Pattern.compile("tpm: TCG event log of (\\d+) bytes at 0x([0-9a-f]+)").matcher(screen.text());
        if (!m.find()) throw new AssertionError("no event log line:\n" + screen.text());
        int size = Integer.parseInt(m.group(1));
        long at = Long.parseLong(m.group(2), 16);
        byte[] log = new byte[size];
        for (int i = 0; i < size; i++) log[i] = (byte) board.get().bus().read(at + i, 1);
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (machine.isAlive()) stop();
        BootCommand.boardListener = null;
    }
}
