package org.multios.devices.net;

import static org.multios.devices.net.Packets.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only TFTP server (RFC 1350) over one directory, with option negotiation
 * (RFC 2347) for {@code blksize} (RFC 2348) and {@code tsize} (RFC 2349). Each read
 * request opens a transfer from a fresh server port (its TID); DATA block n+1 follows
 * ACK n, a repeated ACK re-sends the block after it (lost DATA), and a block shorter
 * than the block size ends the transfer. Block numbers roll over past 65535.
 * <p>
 * File names are confined to the directory: absolute paths are taken relative to it,
 * and a name whose real path (symlinks resolved) leaves the directory is an access
 * violation. Write requests are refused.
 */
public final class TftpServer {
    public static final int PORT = 69;
    static final int RRQ = 1, WRQ = 2, DATA = 3, ACK = 4, ERROR = 5, OACK = 6;
    static final int ERR_NOT_DEFINED = 0, ERR_NOT_FOUND = 1, ERR_ACCESS = 2, ERR_ILLEGAL = 4, ERR_UNKNOWN_TID = 5, ERR_OPTION = 8;
    public static final int DEFAULT_BLKSIZE = 512;
    /** Largest block that fits one 1500-byte Ethernet MTU (RFC 2348's example). */
    public static final int MAX_BLKSIZE = 1468;
    private static final int FIRST_TID = 49152;

    /** One UDP datagram the server sends: from {@code serverPort} to the client's port. */
    public record Reply(int serverPort, int clientPort, byte[] data) {}

    private final Path root;
    private final Map<Integer, Transfer> byServerPort = new HashMap<>();
    private int nextTid = FIRST_TID;

    private static final class Transfer {
        final int clientPort, serverPort, blksize;
        final byte[] file;
        int lastSent; // block number (unwrapped) last sent; 0 = only the OACK so far
        Transfer(int clientPort, int serverPort, int blksize, byte[] file) {
            this.clientPort = clientPort;
            this.serverPort = serverPort;
            this.blksize = blksize;
            this.file = file;
        }
        int blocks() { return file.length / blksize + 1; }
    }

    public TftpServer(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) throw new IOException("not a directory: " + root);
    }

    public Path root() { return root; }

    /** Handles one datagram from the client's {@code clientPort} to our {@code serverPort}. */
    public List<Reply> handle(int clientPort, int serverPort, byte[] d) {
        List<Reply> out = new ArrayList<>();
        if (d.length < 2) return out;
        int op = u16(d, 0);
        if (serverPort == PORT) {
            if (op == RRQ) readRequest(clientPort, d, out);
            else if (op == WRQ) out.add(error(PORT, clientPort, ERR_ACCESS, "read-only server"));
            return out;
        }
        Transfer t = byServerPort.get(serverPort);
        if (t == null || t.clientPort != clientPort) {
            if (op != ERROR) out.add(error(serverPort, clientPort, ERR_UNKNOWN_TID, "unknown transfer ID"));
            return out;
        }
        if (op == ERROR) {
            byServerPort.remove(serverPort);
        } else if (op == ACK && d.length >= 4) {
            int acked = u16(d, 2);
            int expect = t.lastSent & 0xffff;
            if (acked == expect) {
                if (t.lastSent >= t.blocks()) byServerPort.remove(serverPort); // final ACK: done
                else out.add(data(t, t.lastSent + 1));
            } else if (acked == ((t.lastSent - 1) & 0xffff) && t.lastSent > 0) {
                out.add(data(t, t.lastSent)); // our DATA was lost: send it again
            }
        } else {
            byServerPort.remove(serverPort);
            out.add(error(serverPort, clientPort, ERR_ILLEGAL, "unexpected opcode " + op));
        }
        return out;
    }

    private void readRequest(int clientPort, byte[] d, List<Reply> out) {
        List<String> fields = new ArrayList<>();
        int at = 2;
        while (at < d.length) {
            int end = at;
            while (end < d.length && d[end] != 0) end++;
            if (end >= d.length) break; // unterminated string: ignored
            fields.add(new String(d, at, end - at, StandardCharsets.US_ASCII));
            at = end + 1;
        }
        if (fields.size() < 2) {
            out.add(error(PORT, clientPort, ERR_ILLEGAL, "malformed request"));
            return;
        }
        String mode = fields.get(1).toLowerCase();
        if (!mode.equals("octet") && !mode.equals("netascii")) {
            out.add(error(PORT, clientPort, ERR_ILLEGAL, "unsupported mode " + mode));
            return;
        }
        Path file = resolve(fields.get(0));
        if (file == null) {
            out.add(error(PORT, clientPort, ERR_ACCESS, "access violation"));
            return;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            out.add(error(PORT, clientPort, ERR_NOT_FOUND, "file not found"));
            return;
        }
        int blksize = DEFAULT_BLKSIZE;
        ByteArrayOutputStream oack = new ByteArrayOutputStream();
        for (int i = 2; i + 1 < fields.size(); i += 2) {
            String name = fields.get(i).toLowerCase();
            String value = fields.get(i + 1);
            if (name.equals("blksize")) {
                int v;
                try { v = Integer.parseInt(value); } catch (NumberFormatException e) { v = -1; }
                if (v < 8 || v > 65464) {
                    out.add(error(PORT, clientPort, ERR_OPTION, "bad blksize"));
                    return;
                }
                blksize = Math.min(v, MAX_BLKSIZE);
                ascii(oack, "blksize", Integer.toString(blksize));
            } else if (name.equals("tsize")) {
                ascii(oack, "tsize", Integer.toString(content.length));
            } // other options (timeout, windowsize) are not acknowledged: the client falls back
        }
        int tid = allocateTid();
        Transfer t = new Transfer(clientPort, tid, blksize, content);
        byServerPort.put(tid, t);
        if (oack.size() > 0) {
            byte[] o = new byte[2 + oack.size()];
            put16(o, 0, OACK);
            System.arraycopy(oack.toByteArray(), 0, o, 2, oack.size());
            out.add(new Reply(tid, clientPort, o));
        } else {
            out.add(data(t, 1));
        }
    }

    private int allocateTid() {
        for (int i = 0; i < 16384; i++) {
            int p = nextTid;
            nextTid = nextTid == 65535 ? FIRST_TID : nextTid + 1;
            if (!byServerPort.containsKey(p)) return p;
        }
        throw new IllegalStateException("no free TFTP transfer IDs");
    }

    /** The file under the root that {@code name} names, or null if it would leave the root. */
    Path resolve(String name) {
        String rel = name.replace('\\', '/');
        while (rel.startsWith("/")) rel = rel.substring(1);
        if (rel.isEmpty()) return null;
        try {
            Path p = root.resolve(rel).normalize();
            if (!p.startsWith(root)) return null;
            if (!Files.exists(p)) return p; // "file not found" later, without revealing anything else
            Path real = p.toRealPath();
            return real.startsWith(root) && Files.isRegularFile(real) ? real : null;
        } catch (InvalidPathException | IOException e) {
            return null;
        }
    }

    private static Reply data(Transfer t, int block) {
        int from = (block - 1) * t.blksize;
        int len = Math.max(0, Math.min(t.blksize, t.file.length - from));
        byte[] d = new byte[4 + len];
        put16(d, 0, DATA);
        put16(d, 2, block & 0xffff);
        if (len > 0) System.arraycopy(t.file, from, d, 4, len);
        t.lastSent = block;
        return new Reply(t.serverPort, t.clientPort, d);
    }

    private static Reply error(int serverPort, int clientPort, int code, String message) {
        byte[] m = message.getBytes(StandardCharsets.US_ASCII);
        byte[] d = new byte[5 + m.length];
        put16(d, 0, ERROR);
        put16(d, 2, code);
        System.arraycopy(m, 0, d, 4, m.length);
        return new Reply(serverPort, clientPort, d);
    }

    private static void ascii(ByteArrayOutputStream o, String a, String b) {
        o.writeBytes(a.getBytes(StandardCharsets.US_ASCII));
        o.write(0);
        o.writeBytes(b.getBytes(StandardCharsets.US_ASCII));
        o.write(0);
    }
}
