package org.multios.core.gdb;

import java.nio.charset.StandardCharsets;
import org.multios.core.bus.MemoryRegion;
import org.multios.core.bus.RamRegion;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugTarget;

/** The documents GDB reads with {@code qXfer:...:read} (besides target descriptions) and their slicing. */
final class GdbXfer {
    private GdbXfer() {}

    /** Serves a slice {@code OFFSET,LENGTH} of a document: {@code m} data if more follows, {@code l} if last. */
    static String slice(String doc, String offLen) {
        GdbSession.AddrLen al = GdbSession.addrLen(offLen);
        byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
        if (Long.compareUnsigned(al.addr(), bytes.length) >= 0) return "l";
        int from = (int) al.addr();
        int len = Math.min(Math.min(al.len(), GdbSession.PACKET_SIZE / 2), bytes.length - from);
        String marker = from + len < bytes.length ? "m" : "l";
        return marker + new String(GdbHex.escape(bytes, from, len), StandardCharsets.ISO_8859_1);
    }

    /** {@code qXfer:threads:read}: one thread per vCPU, with its description. */
    static String threadsXml(DebugTarget target) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<threads>\n");
        for (DebugCpu c : target.cpus()) {
            String info = xml(c.threadInfo());
            sb.append(String.format("  <thread id=\"%x\" core=\"%d\" name=\"cpu%d\">%s</thread>%n",
                    c.index() + 1, c.index(), c.index(), info));
        }
        return sb.append("</threads>\n").toString();
    }

    /** Text as XML character data or attribute value. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * {@code qXfer:memory-map:read}: the RAM and ROM regions of the bus when GDB's addresses are
     * physical. When they are virtual (the CPU translates, {@code phys} is off) the map declares
     * the whole space as RAM, since GDB refuses addresses outside the map, and leaves the refusal
     * of unmapped addresses to the stub.
     */
    static String memoryMapXml(DebugTarget target, boolean physicalAddresses) {
        StringBuilder sb = new StringBuilder("""
                <?xml version="1.0"?>
                <!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">
                <memory-map>
                """);
        if (!physicalAddresses) {
            sb.append("  <memory type=\"ram\" start=\"0x0\" length=\"0xffffffffffffffff\"/>\n");
        } else {
            for (MemoryRegion r : target.machine().bus().regions()) {
                if (r instanceof RamRegion ram) {
                    sb.append(String.format("  <memory type=\"%s\" start=\"0x%x\" length=\"0x%x\"/>%n",
                            ram.isReadOnly() ? "rom" : "ram", ram.base(), ram.size()));
                }
            }
        }
        return sb.append("</memory-map>\n").toString();
    }
}
