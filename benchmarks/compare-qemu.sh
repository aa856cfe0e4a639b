#!/bin/sh
# Side-by-side speed of the intmix guest (docs/images.md) under qemu-system-riscv64 and under
# our riscv64-virt board. Prints:
#   - QEMU: best wall time of RUNS runs of the whole program, minus QEMU's own start-up and
#     exit (measured on the tiny hello program), and the MIPS that implies;
#   - ours: IntmixRun's whole-program runs (wall and CPU time) and, unless QUICK=1, the JMH
#     RiscvMipsBenchmark.mipsWarm score (guest MIPS, steady state).
# Needs: qemu-system-riscv64, a JDK 25, and benchmarks/target/benchmarks.jar
#   (./mvnw -pl benchmarks -am package -DskipTests).
# Usage: benchmarks/compare-qemu.sh            RUNS=5 QUICK=1 benchmarks/compare-qemu.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
images="$root/images/src/main/resources/org/multios/images/riscv64"
jar="$here/target/benchmarks.jar"
RUNS=${RUNS:-3}
QEMU=${QEMU:-qemu-system-riscv64}

find_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; return; fi
    if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -q 'version "25'; then command -v java; return; fi
    for j in /usr/lib/jvm/*25*/bin/java; do [ -x "$j" ] && { echo "$j"; return; }; done
    echo "compare-qemu.sh: no JDK 25 found (set JAVA_HOME)" >&2
    exit 1
}

command -v "$QEMU" >/dev/null 2>&1 || { echo "compare-qemu.sh: $QEMU not found (apt-get install qemu-system-misc)" >&2; exit 1; }
[ -f "$jar" ] || { echo "compare-qemu.sh: $jar missing; build it: ./mvnw -pl benchmarks -am package -DskipTests" >&2; exit 1; }
JAVA=$(find_java)

# Best-of-N wall time of one QEMU run, in seconds (hyperfine's minimum if it is installed,
# else the best of N runs timed with date).
qemu_time() {
    elf=$1
    if command -v hyperfine >/dev/null 2>&1; then
        hf=$(mktemp)
        hyperfine -N --runs "$RUNS" --export-json "$hf" \
            "$QEMU -machine virt -cpu rv64,h=false -bios none -nographic -monitor none -serial stdio -kernel $elf" >/dev/null 2>&1
        python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['min'])" "$hf"
        rm -f "$hf"
        return
    fi
    best=""
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(date +%s.%N)
        "$QEMU" -machine virt -cpu rv64,h=false -bios none -nographic -monitor none -serial stdio \
            -kernel "$elf" </dev/null >/dev/null
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
        i=$((i + 1))
    done
    echo "$best"
}

echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "QEMU: $("$QEMU" --version | head -1)"

qemu_full=$(qemu_time "$images/intmix.elf")
qemu_startup=$(qemu_time "$images/hello.elf")
# QEMU's CPU time (user + system) for one run: on a loaded host the steadier figure, and the
# one to compare with IntmixRun's CPU seconds.
qemu_cpu=""
if [ -x /usr/bin/time ]; then
    qemu_cpu=$( { /usr/bin/time -f '%U %S' "$QEMU" -machine virt -cpu rv64,h=false -bios none -nographic \
        -monitor none -serial stdio -kernel "$images/intmix.elf" </dev/null >/dev/null; } 2>&1 | tail -1 |
        awk '{ print $1 + $2 }')
fi

echo "ours: IntmixRun ($RUNS runs in one JVM; the first includes JIT warm-up)"
ours=$("$JAVA" -Xss8m --enable-native-access=ALL-UNNAMED -cp "$jar" org.multios.benchmarks.IntmixRun "$RUNS")
echo "$ours" | sed 's/^/  /'
instructions=$(echo "$ours" | tail -1 | sed 's/.*instructions=\([0-9]*\).*/\1/')
ours_best=$(echo "$ours" | sed 's/.* seconds=\([0-9.]*\).*/\1/' | sort -n | head -1)

jmh_mips="(skipped: QUICK=1)"
if [ "${QUICK:-0}" != 1 ]; then
    json=$(mktemp)
    jmh_log=$(mktemp)
    if ! "$JAVA" -jar "$jar" 'RiscvMipsBenchmark.mipsWarm' -rf json -rff "$json" >"$jmh_log" 2>&1; then
        cat "$jmh_log" >&2
        echo "compare-qemu.sh: the JMH benchmark failed" >&2
        exit 1
    fi
    rm -f "$jmh_log"
    jmh_mips=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))[0]['primaryMetric']; print('%.1f +- %.1f' % (r['score'], r['scoreError']))" "$json")
    rm -f "$json"
fi

qemu_net=$(echo "$qemu_full - $qemu_startup" | bc -l)
echo
echo "intmix: $instructions guest instructions"
printf '%-34s %12s %12s\n' "" "seconds" "MIPS"
printf '%-34s %12.3f %12.1f\n' "qemu-system-riscv64 (wall)" "$qemu_full" "$(echo "$instructions / $qemu_full / 1000000" | bc -l)"
printf '%-34s %12.3f %12.1f\n' "qemu, minus start-up ($(printf %.3f "$qemu_startup") s)" "$qemu_net" "$(echo "$instructions / $qemu_net / 1000000" | bc -l)"
if [ -n "$qemu_cpu" ]; then
    printf '%-34s %12.3f %12.1f\n' "qemu CPU time (user + sys)" "$qemu_cpu" "$(echo "$instructions / $qemu_cpu / 1000000" | bc -l)"
fi
printf '%-34s %12.3f %12.1f\n' "multios riscv64-virt (best run)" "$ours_best" "$(echo "$instructions / $ours_best / 1000000" | bc -l)"
ours_cpu=$(echo "$ours" | sed 's/.* cpu-seconds=\([0-9.]*\).*/\1/' | sort -n | head -1)
printf '%-34s %12.3f %12.1f\n' "multios machine-thread CPU time" "$ours_cpu" "$(echo "$instructions / $ours_cpu / 1000000" | bc -l)"
printf '%-34s %12s %12s\n' "multios JMH mipsWarm (steady)" "" "$jmh_mips"
