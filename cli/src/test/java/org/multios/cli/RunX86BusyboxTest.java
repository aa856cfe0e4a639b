package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Must show 3 of issue 10, second half: Debian's {@code busybox-static} for amd64 (fetched by
 * images/guest/x86_64-linux/fetch-busybox.sh) runs {@code busybox sh -c} scripts with pipes,
 * arithmetic, loops, functions, command substitution, files and text applets under
 * {@code multios run --arch x86_64}, printing and exiting as the same binary does natively on
 * the (x86_64) host. Needs both; required with MULTIOS_REQUIRE_ORACLES=1.
 */
class RunX86BusyboxTest {
    static Path busybox() {
        String dir = System.getenv().getOrDefault("MULTIOS_BUSYBOX_X86_DIR",
                System.getProperty("user.home") + "/.cache/multios/busybox-amd64");
        Path b = Path.of(dir, "bin", "busybox");
        boolean x86 = System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux");
        if (!Files.isExecutable(b) || !x86) {
            String why = !x86 ? "native busybox needs an x86_64 Linux host" : b + " is missing (run images/guest/x86_64-linux/fetch-busybox.sh)";
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail(why);
            Assumptions.abort(why);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "echo hello | tr a-z A-Z | rev; echo $((6*7)) $((1<<40)) $((-7/2)) $((7%3)) $((0x10 + 010)) $((2**10))",
        "i=0; s=0; while [ $i -lt 50 ]; do i=$((i+1)); s=$((s+i*i)); done; echo $i $s",
        "seq 1 200 | sort -rn | head -5 | tr '\\n' ' '; echo; seq 1000 | md5sum; seq 300 | sha256sum",
        "x=$(echo sub | sed s/u/a/); echo \"[$x]\"; for w in a b c; do printf '%s-%d\\n' $w ${#w}; done | wc -l",
        "f() { return $(($1+2)); }; f 3; echo $?; false || echo or; true && echo and; (exit 7); echo $?; exit 5",
        "d=$(mktemp -d); echo abc > $d/t; cat $d/t $d/t | uniq -c | awk '{print $1 \":\" $2}'; ls $d; rm $d/t; ls $d | wc -l; rmdir $d",
        "printf 'b 2\\na 1\\nc 3\\n' | sort | awk '{s+=$2; print $1, s}'; printf '%05.2f|%x|%o\\n' 3.14159 255 8; expr 7 \\* 6; echo abcdef | cut -c2-4",
        "seq 10 | xargs -n 3 echo | nl; yes x | head -3; basename /a/b/c.txt .txt; dirname /a/b/c; [ 3 -gt 2 ] && echo gt",
        "d=$(mktemp -d); echo hello > $d/h; grep -c l $d/h; sed -n 's/l/L/gp' $d/h; od -An -tx1 $d/h; wc -c < $d/h; rm -r $d; ls $d 2>/dev/null; echo $?",
        "sleep 0.1; date -u -d @0 +%Y; kill -0 $$ && echo alive; trap 'echo trapped' EXIT; exit 3",
        "printf 'a 1\\nb 2\\nc 3\\n' | while read k v; do case $k in a) echo A$v;; b) echo B$((v*10));; *) echo other;; esac; done; cat <<EOF\nhere $((1+1))\nEOF",
        "sleep 0.2 & p=$!; echo started; wait $p; echo waited $?; (echo sub; exit 3) 2>&1 | tee /dev/null | wc -l; echo $((9223372036854775807 + 1)) $((-5 % 3))",
        "set -e; x=0; for i in $(seq 1 20); do x=$((x ^ (i << 3))); done; echo $x; dd if=/dev/zero bs=512 count=3 2>/dev/null | wc -c; head -c 5 /dev/urandom | wc -c",
        "v=hello; echo ${v#he} ${v%lo} ${#v} ${v:1:3} ${u:-def}; IFS=:; set -- a:b:c; echo $# $2; unset IFS; exec echo exec-ed",
    })
    void sameAsNative(String script) throws Exception {
        Path bb = busybox();
        String ours = RunX86DifferentialTest.runOurs(bb.toString(), "sh", "-c", script);
        assertEquals(RunX86DifferentialTest.runNative(bb, "sh", "-c", script), ours, script);
    }
}
