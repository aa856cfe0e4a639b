package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Must show 3 of issue 9, second half: Debian's {@code busybox-static} for arm64 (fetched by
 * images/guest/arm64-linux/fetch-busybox.sh) runs {@code busybox sh -c} scripts with pipes,
 * arithmetic, loops and command substitution under {@code multios run --arch arm64}, printing
 * and exiting as under {@code qemu-aarch64}. Needs both; required with MULTIOS_REQUIRE_ORACLES=1.
 */
class RunArm64BusyboxTest {
    static Path busybox() {
        String dir = System.getenv().getOrDefault("MULTIOS_BUSYBOX_DIR",
                System.getProperty("user.home") + "/.cache/multios/busybox-arm64");
        Path b = Path.of(dir, "bin", "busybox");
        boolean qemu = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) qemu |= Files.isExecutable(Path.of(d, "qemu-aarch64"));
        if (!Files.isExecutable(b) || !qemu) {
            String why = !qemu ? "qemu-aarch64 is not installed" : b + " is missing (run images/guest/arm64-linux/fetch-busybox.sh)";
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail(why);
            Assumptions.abort(why);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "echo hello | tr a-z A-Z | rev; echo $((6*7)) $((1<<40)) $((-7/2)) $((7%3))",
        "i=0; s=0; while [ $i -lt 50 ]; do i=$((i+1)); s=$((s+i*i)); done; echo $i $s",
        "seq 1 200 | sort -rn | head -5 | tr '\\n' ' '; echo; seq 1000 | md5sum; seq 300 | sha256sum",
        "x=$(echo sub | sed s/u/a/); echo \"[$x]\"; for w in a b c; do printf '%s-%d\\n' $w ${#w}; done | wc -l",
        "f() { return $(($1+2)); }; f 3; echo $?; false || echo or; true && echo and; (exit 7); echo $?; exit 5",
        "d=$(mktemp -d); echo abc > $d/t; cat $d/t $d/t | uniq -c | awk '{print $1 \":\" $2}'; ls $d; rm $d/t; ls $d | wc -l; rmdir $d",
    })
    void sameAsQemu(String script) throws Exception {
        Path bb = busybox();
        Process p = new ProcessBuilder("qemu-aarch64", bb.toString(), "sh", "-c", script)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String qemuOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "qemu-aarch64 timed out");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"run", "--arch", "arm64", "--", bb.toString(), "sh", "-c", script},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(qemuOut + "exit=" + p.exitValue(), out.toString(StandardCharsets.UTF_8) + "exit=" + status, script);
    }
}
