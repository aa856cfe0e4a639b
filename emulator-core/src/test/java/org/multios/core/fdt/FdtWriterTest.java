package org.multios.core.fdt;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FdtWriterTest {
    static byte[] sample() {
        FdtWriter f = new FdtWriter();
        f.beginNode("");
        f.propU32("#address-cells", 2).propU32("#size-cells", 2).propString("compatible", "riscv-virtio");
        f.beginNode("memory@80000000").propString("device_type", "memory").propU64("reg", 0x8000_0000L, 0x800_0000L).endNode();
        f.beginNode("chosen").propString("bootargs", "console=ttyS0").propStrings("x", "a", "bc").propEmpty("e").endNode();
        f.endNode();
        return f.reserve(0x8000_0000L, 0x1000).finish();
    }

    @Test
    void headerIsConsistent() {
        byte[] dtb = sample();
        ByteBuffer b = ByteBuffer.wrap(dtb);
        assertEquals(0xd00dfeed, b.getInt(0));
        assertEquals(dtb.length, b.getInt(4));
        assertEquals(17, b.getInt(20));
        int off = b.getInt(8), size = b.getInt(36);
        assertEquals(9, b.getInt(off + size - 4), "structure block ends with FDT_END");
        assertEquals(0x8000_0000L, b.getLong(b.getInt(16)));
    }

    @Test
    void unbalancedNodesAreRefused() {
        FdtWriter f = new FdtWriter();
        f.beginNode("");
        assertThrows(IllegalStateException.class, f::finish);
        assertThrows(IllegalStateException.class, () -> new FdtWriter().propU32("x", 1));
    }

    @Test
    void dtcReadsItBack() throws Exception {
        boolean need = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        boolean have = Files.isExecutable(Path.of("/usr/bin/dtc"));
        if (need) assertTrue(have, "dtc is required (MULTIOS_REQUIRE_ORACLES=1)");
        org.junit.jupiter.api.Assumptions.assumeTrue(have, "dtc not installed");
        Path in = Files.createTempFile("fdt", ".dtb");
        Files.write(in, sample());
        Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", in.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("compatible = \"riscv-virtio\";"), out);
        assertTrue(out.contains("reg = <0x00 0x80000000 0x00 0x8000000>;"), out);
        assertTrue(out.contains("x = \"a\\0bc\";"), out);
        assertTrue(out.contains("/memreserve/\t0x0000000080000000 0x0000000000001000;"), out);
        Files.delete(in);
    }
}
