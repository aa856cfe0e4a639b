package org.multios.devices.nvme;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.BusErrorException;

/**
 * Turns a command's PRP Entry 1 and 2 into the list of guest memory segments of its
 * data buffer (NVMe Base 1.4 §4.3). Every pointer is checked before any data moves:
 * a misaligned entry gives PRP Offset Invalid, a list or buffer outside guest memory
 * gives Data Transfer Error. The walk reads at most one list entry per page of data,
 * so a hostile list (loops, garbage) costs no more than the transfer size allows.
 */
public final class NvmePrp {
    private NvmePrp() {}

    /** One contiguous piece of the buffer. */
    public record Segment(long address, int length) {}

    /** Segments, or the status that refused them. */
    public record Result(List<Segment> segments, int status) {
        boolean ok() { return status == NvmeStatus.SUCCESS; }
    }

    static Result fail(int status) { return new Result(List.of(), status); }

    /**
     * @param write true if the controller will write guest memory (reads from the disk)
     */
    public static Result walk(NvmeHost host, long prp1, long prp2, long length, int pageSize, boolean write) {
        List<Segment> out = new ArrayList<>();
        if (length <= 0) return new Result(out, NvmeStatus.SUCCESS);
        long mask = pageSize - 1;
        if ((prp1 & 3) != 0) return fail(NvmeStatus.PRP_OFFSET_INVALID);
        int first = (int) Math.min(length, pageSize - (prp1 & mask));
        out.add(new Segment(prp1, first));
        long remaining = length - first;
        if (remaining > 0 && remaining <= pageSize) {
            if ((prp2 & mask) != 0) return fail(NvmeStatus.PRP_OFFSET_INVALID);
            out.add(new Segment(prp2, (int) remaining));
            remaining = 0;
        } else if (remaining > 0) {
            if ((prp2 & 7) != 0) return fail(NvmeStatus.PRP_OFFSET_INVALID);
            long list = prp2;
            byte[] entry = new byte[8];
            while (remaining > 0) {
                long entriesLeftInPage = (pageSize - (list & mask)) / 8;
                // The last entry of a list page points to the next list page if more is needed.
                if (entriesLeftInPage == 1 && remaining > pageSize) {
                    long next = readEntry(host, list, entry);
                    if (next == -1) return fail(NvmeStatus.DATA_TRANSFER_ERROR);
                    if ((next & 7) != 0) return fail(NvmeStatus.PRP_OFFSET_INVALID);
                    list = next;
                    continue;
                }
                long data = readEntry(host, list, entry);
                if (data == -1) return fail(NvmeStatus.DATA_TRANSFER_ERROR);
                if ((data & mask) != 0) return fail(NvmeStatus.PRP_OFFSET_INVALID);
                int n = (int) Math.min(remaining, pageSize);
                out.add(new Segment(data, n));
                remaining -= n;
                list += 8;
            }
        }
        for (Segment s : out) {
            if (!host.dmaCheck(s.address(), s.length(), write)) return fail(NvmeStatus.DATA_TRANSFER_ERROR);
        }
        return new Result(out, NvmeStatus.SUCCESS);
    }

    /** Reads one 8-byte list entry; -1 (never a valid, aligned entry) when it is not in memory. */
    private static long readEntry(NvmeHost host, long address, byte[] buf) {
        if (!host.dmaCheck(address, 8, false)) return -1;
        try {
            host.dmaRead(address, buf, 0, 8);
        } catch (BusErrorException e) {
            return -1;
        }
        return NvmeCommand.le64(buf, 0);
    }

    /** Copies {@code data} into the segments (controller to guest). */
    public static void scatter(NvmeHost host, List<Segment> segments, byte[] data, int length) {
        int at = 0;
        for (Segment s : segments) {
            int n = Math.min(s.length(), length - at);
            if (n <= 0) break;
            host.dmaWrite(s.address(), data, at, n);
            at += n;
        }
    }

    /** Copies the segments into a new array (guest to controller). */
    public static byte[] gather(NvmeHost host, List<Segment> segments, int length) {
        byte[] data = new byte[length];
        int at = 0;
        for (Segment s : segments) {
            int n = Math.min(s.length(), length - at);
            if (n <= 0) break;
            host.dmaRead(s.address(), data, at, n);
            at += n;
        }
        return data;
    }
}
