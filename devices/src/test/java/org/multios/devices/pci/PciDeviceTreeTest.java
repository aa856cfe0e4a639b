package org.multios.devices.pci;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.fdt.FdtWriter;

/** Our pci node against the one QEMU's riscv64 virt machine generates (both decompiled by dtc). */
class PciDeviceTreeTest {
    @TempDir Path dir;

    static boolean tool(String name) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, name))) return true;
        }
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail(name + " is required (MULTIOS_REQUIRE_ORACLES=1) but not on PATH");
        return false;
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out);
    }

    /** The property lines of the pci@ node, sorted (property order carries no meaning). */
    static List<String> pciNode(String dts) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : dts.split("\n")) {
            String t = line.trim();
            if (t.startsWith("pci@")) in = true;
            else if (in && t.equals("};")) break;
            else if (in && !t.isEmpty()) lines.add(t);
        }
        lines.sort(null);
        return lines;
    }

    @Test
    void nodeMatchesQemuVirt() throws Exception {
        Assumptions.assumeTrue(tool("dtc") && tool("qemu-system-riscv64"), "dtc and qemu-system-riscv64 needed");
        Path ours = dir.resolve("ours.dtb"), qemu = dir.resolve("qemu.dtb");
        FdtWriter fdt = new FdtWriter();
        fdt.beginNode("");
        fdt.propU32("#address-cells", 2).propU32("#size-cells", 2);
        fdt.beginNode("soc");
        fdt.propU32("#address-cells", 2).propU32("#size-cells", 2);
        PciDeviceTree.writeForPlic(fdt, PciHostLayout.riscvVirt(), 3, 0x20);
        fdt.endNode();
        fdt.endNode();
        Files.write(ours, fdt.finish());
        run("qemu-system-riscv64", "-machine", "virt,dumpdtb=" + qemu, "-nographic", "-display", "none");
        assertTrue(Files.size(qemu) > 0, "qemu wrote its device tree");
        List<String> expected = pciNode(run("dtc", "-I", "dtb", "-O", "dts", qemu.toString()));
        List<String> actual = pciNode(run("dtc", "-I", "dtb", "-O", "dts", ours.toString()));
        assertFalse(expected.isEmpty());
        assertEquals(expected, actual);
    }
}
