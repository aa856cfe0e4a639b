package org.multios.kernel.dt;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.fdt.FdtWriter;

class FdtReaderTest {
    private static byte[] sample() {
        FdtWriter w = new FdtWriter();
        w.beginNode("").propU32("#address-cells", 2).propU32("#size-cells", 2).propString("compatible", "riscv-virtio");
        w.beginNode("chosen").propString("stdout-path", "/soc/serial@10000000:115200").propString("bootargs", "root=/dev/nvme0n1p2").endNode();
        w.beginNode("memory@80000000").propString("device_type", "memory").propU64("reg", 0x8000_0000L, 0x800_0000L).endNode();
        w.beginNode("soc").propU32("#address-cells", 2).propU32("#size-cells", 2);
        w.beginNode("serial@10000000").propU32("interrupts", 10).propU32("interrupt-parent", 3)
                .propU64("reg", 0x1000_0000L, 0x100).propString("compatible", "ns16550a").endNode();
        w.beginNode("plic@c000000").propU32("phandle", 3).propStrings("compatible", "sifive,plic-1.0.0", "riscv,plic0").endNode();
        w.endNode().endNode();
        return w.finish();
    }

    @Test
    void decodesNodesPropertiesAndRegWithParentCells() {
        FdtReader dt = FdtReader.parse(sample());
        FdtNode uart = dt.find("/soc/serial@10000000");
        assertNotNull(uart);
        assertEquals(List.of(new FdtNode.Reg(0x1000_0000L, 0x100)), uart.reg());
        assertEquals(10, uart.u32("interrupts"));
        assertSame(uart, dt.stdout());
        assertSame(dt.find("/soc/plic"), dt.byPhandle(3));
        assertEquals(List.of("sifive,plic-1.0.0", "riscv,plic0"), dt.byPhandle(3).compatible());
        assertEquals(1, dt.findCompatible("riscv,plic0").size());
        assertEquals(0x800_0000L, dt.find("/memory").reg().get(0).size());
        assertEquals("root=/dev/nvme0n1p2", dt.find("/chosen").string("bootargs"));
        assertEquals("/soc/serial@10000000", uart.path());
        assertNull(dt.find("/soc/nothing"));
    }

    @Test
    void shortPropertyIsAClearError() {
        FdtNode soc = FdtReader.parse(sample()).find("/soc/serial@10000000");
        FdtException e = assertThrows(FdtException.class, () -> soc.u32("compatible-missing"));
        assertTrue(e.getMessage().contains("no property"), e.getMessage());
    }

    /** Truncations, bit flips and garbage give an FdtException or a tree — never another exception. */
    @Test
    void malformedBlobsNeverEscapeAsOtherExceptions() {
        byte[] good = sample();
        Random r = new Random(42);
        for (int i = 0; i < 5000; i++) {
            byte[] bad = good.clone();
            if (i % 3 == 0) bad = java.util.Arrays.copyOf(bad, r.nextInt(good.length));
            else for (int k = 0; k < 1 + r.nextInt(4); k++) bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            try {
                FdtReader dt = FdtReader.parse(bad);
                dt.findCompatible("ns16550a");
            } catch (FdtException expected) {
                assertNotNull(expected.getMessage());
            }
        }
        assertThrows(FdtException.class, () -> FdtReader.parse(new byte[10]));
    }

    /** A blob compiled by dtc (not by our writer) decodes to what its source says. */
    @Test
    void readsWhatDtcCompiled(@TempDir Path dir) throws Exception {
        boolean have = Files.isExecutable(Path.of("/usr/bin/dtc"));
        if (!have && "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("dtc is required (MULTIOS_REQUIRE_ORACLES=1)");
        Assumptions.assumeTrue(have, "dtc not installed");
        Path src = dir.resolve("t.dts"), out = dir.resolve("t.dtb");
        Files.writeString(src, """
                /dts-v1/;
                / {
                    #address-cells = <2>; #size-cells = <1>;
                    aliases { serial0 = "/uart@9000000"; };
                    uart@9000000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x0 0x9000000 0x1000>; };
                    cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { reg = <0>; }; cpu@1 { reg = <1>; }; };
                };
                """);
        Process p = new ProcessBuilder("dtc", "-I", "dts", "-O", "dtb", "-o", out.toString(), src.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        FdtReader dt = FdtReader.parse(Files.readAllBytes(out));
        assertEquals(List.of(new FdtNode.Reg(0x900_0000L, 0x1000)), dt.find("serial0").reg());
        assertEquals(List.of(new FdtNode.Reg(1, 0)), dt.find("/cpus/cpu@1").reg());
        assertNull(dt.find("/cpus/cpu"), "two cpu nodes: the base name alone is ambiguous");
    }
}
