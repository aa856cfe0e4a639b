package org.multios.core.debug;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class TargetDescriptionTest {
    static final TargetDescription D = new TargetDescription("test:64", List.of(
            new TargetFeature("org.test.core", "core.xml", "  <vector id=\"v2\" type=\"int32\" count=\"2\"/>", List.of(
                    new RegisterInfo(0, "a", 64, "int", "general"),
                    new RegisterInfo(1, "pc", 64, "code_ptr", null))),
            new TargetFeature("org.test.sys", "sys.xml", "", List.of(new RegisterInfo(9, "s<&>", 32, "int", null)))), 2);

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setValidating(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void documentsAreWellFormedAndIncludeEveryFeature() throws Exception {
        Document target = parse(D.document("target.xml"));
        assertEquals("test:64", target.getElementsByTagName("architecture").item(0).getTextContent());
        assertEquals(2, target.getElementsByTagName("xi:include").getLength());
        Document sys = parse(D.document("sys.xml"));
        assertEquals("s<&>", sys.getElementsByTagName("reg").item(0).getAttributes().getNamedItem("name").getNodeValue());
        assertEquals("9", sys.getElementsByTagName("reg").item(0).getAttributes().getNamedItem("regnum").getNodeValue());
        Document core = parse(D.document("core.xml"));
        assertEquals(1, core.getElementsByTagName("vector").getLength());
        assertNull(D.document("nope.xml"));
    }

    @Test
    void gPacketLayoutAndLookups() {
        assertEquals(16, D.gPacketBytes());
        assertEquals(List.of("a", "pc"), D.gPacketRegisters().stream().map(RegisterInfo::name).toList());
        assertEquals(4, D.register(9).byteSize());
        assertNull(D.register(5));
        assertEquals(3, D.registers().size());
    }

    @Test
    void inconsistentDescriptionsAreRejected() {
        var f = new TargetFeature("x", "x.xml", "", List.of(new RegisterInfo(0, "a", 64, "int", null), new RegisterInfo(0, "b", 64, "int", null)));
        assertThrows(IllegalArgumentException.class, () -> new TargetDescription("t", List.of(f), 1));
        var g = new TargetFeature("x", "x.xml", "", List.of(new RegisterInfo(1, "a", 64, "int", null)));
        assertThrows(IllegalArgumentException.class, () -> new TargetDescription("t", List.of(g), 2), "g packet with a hole");
        assertThrows(IllegalArgumentException.class, () -> new RegisterInfo(0, "odd", 7, "int", null));
    }
}
