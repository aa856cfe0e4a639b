package org.multios.core.debug;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registers of one CPU type and the GDB target description documents that name them
 * ({@code target.xml} including one file per feature). Register numbers are assigned by the
 * ISA; {@code g}/{@code G} packets carry the registers numbered below {@link #gPacketCount()}
 * in order, the rest are reached with {@code p}/{@code P} (as QEMU does).
 */
public final class TargetDescription {
    private final String architecture;
    private final List<TargetFeature> features;
    private final int gPacketCount;
    private final TreeMap<Integer, RegisterInfo> byNumber = new TreeMap<>();
    private final Map<String, String> documents = new LinkedHashMap<>();

    /**
     * @param architecture BFD architecture name ({@code riscv:rv64}, {@code aarch64}, {@code i386:x86-64})
     * @param gPacketCount registers 0..gPacketCount-1 make up the {@code g} packet; they must all exist
     */
    public TargetDescription(String architecture, List<TargetFeature> features, int gPacketCount) {
        this.architecture = architecture;
        this.features = List.copyOf(features);
        this.gPacketCount = gPacketCount;
        for (TargetFeature f : this.features) {
            for (RegisterInfo r : f.registers()) {
                if (byNumber.put(r.regnum(), r) != null) {
                    throw new IllegalArgumentException("register number " + r.regnum() + " used twice");
                }
            }
        }
        for (int i = 0; i < gPacketCount; i++) {
            if (!byNumber.containsKey(i)) throw new IllegalArgumentException("g packet register " + i + " missing");
        }
        documents.put("target.xml", targetXml());
        for (TargetFeature f : this.features) documents.put(f.fileName(), featureXml(f));
    }

    public String architecture() { return architecture; }

    public List<TargetFeature> features() { return features; }

    public int gPacketCount() { return gPacketCount; }

    /** The register with this number, or null. */
    public RegisterInfo register(int regnum) { return byNumber.get(regnum); }

    public List<RegisterInfo> registers() { return List.copyOf(byNumber.values()); }

    /** The registers in the {@code g} packet, in order. */
    public List<RegisterInfo> gPacketRegisters() {
        List<RegisterInfo> out = new ArrayList<>(gPacketCount);
        for (int i = 0; i < gPacketCount; i++) out.add(byNumber.get(i));
        return out;
    }

    /** Bytes of the {@code g} packet's payload (before hex encoding). */
    public int gPacketBytes() {
        int n = 0;
        for (int i = 0; i < gPacketCount; i++) n += byNumber.get(i).byteSize();
        return n;
    }

    /** The XML document served for annex {@code name} ({@code target.xml} or a feature file), or null. */
    public String document(String name) { return documents.get(name); }

    public Map<String, String> documents() { return Collections.unmodifiableMap(documents); }

    private String targetXml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n");
        sb.append("  <architecture>").append(escape(architecture)).append("</architecture>\n");
        for (TargetFeature f : features) sb.append("  <xi:include href=\"").append(escape(f.fileName())).append("\"/>\n");
        sb.append("</target>\n");
        return sb.toString();
    }

    private static String featureXml(TargetFeature f) {
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\"?>\n<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n");
        sb.append("<feature name=\"").append(escape(f.name())).append("\">\n");
        if (!f.typesXml().isEmpty()) sb.append(f.typesXml()).append('\n');
        for (RegisterInfo r : f.registers()) {
            sb.append("  <reg name=\"").append(escape(r.name())).append("\" bitsize=\"").append(r.bitSize())
                    .append("\" regnum=\"").append(r.regnum()).append("\" type=\"").append(escape(r.type())).append('"');
            if (r.group() != null) sb.append(" group=\"").append(escape(r.group())).append('"');
            sb.append("/>\n");
        }
        sb.append("</feature>\n");
        return sb.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
