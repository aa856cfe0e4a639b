package org.multios.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-side reader of a TCG crypto-agile event log (PC Client Platform Firmware Profile §10):
 * the SHA-1-format TCG_PCR_EVENT carrying the "Spec ID Event03" header, then TCG_PCR_EVENT2
 * records; {@link #replay} extends a zeroed SHA-256 bank with every digest, as a verifier does.
 */
record TcgEventLog(List<Event> events) {
    record Event(int pcr, int type, byte[] sha256, byte[] data) {
        String text() { return new String(data, StandardCharsets.UTF_8); }
    }

    static TcgEventLog parse(byte[] log) {
        ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0 || b.getInt(4) != 3) throw new AssertionError("first event is not EV_NO_ACTION on PCR 0");
        int specSize = b.getInt(28);
        byte[] sig = Arrays.copyOfRange(log, 32, 48);
        if (!new String(sig, StandardCharsets.US_ASCII).equals("Spec ID Event03\0")) throw new AssertionError("no Spec ID Event03 header");
        int algs = b.getInt(32 + 24);
        if (algs != 1 || (b.getShort(32 + 28) & 0xffff) != 0x000B || b.getShort(32 + 30) != 32)
            throw new AssertionError("Spec ID event does not declare exactly SHA-256/32");
        int at = 32 + specSize;
        List<Event> events = new ArrayList<>();
        while (at < log.length) {
            int pcr = b.getInt(at), type = b.getInt(at + 4), count = b.getInt(at + 8);
            if (count != 1 || (b.getShort(at + 12) & 0xffff) != 0x000B) throw new AssertionError("event at " + at + " is not one SHA-256 digest");
            byte[] d = Arrays.copyOfRange(log, at + 14, at + 46);
            int size = b.getInt(at + 46);
            byte[] data = Arrays.copyOfRange(log, at + 50, at + 50 + size);
            events.add(new Event(pcr, type, d, data));
            at += 50 + size;
        }
        if (at != log.length) throw new AssertionError("log ends inside an event");
        return new TcgEventLog(List.copyOf(events));
    }

    /** PCR values (SHA-256 bank) the log implies: 24 PCRs, zero unless extended. */
    byte[][] replay() throws Exception {
        byte[][] pcrs = new byte[24][32];
        for (Event e : events) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(pcrs[e.pcr()]);
            md.update(e.sha256());
            pcrs[e.pcr()] = md.digest();
        }
        return pcrs;
    }

    static byte[] sha256(byte[] data) throws Exception { return MessageDigest.getInstance("SHA-256").digest(data); }
}
