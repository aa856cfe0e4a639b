package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.kernel.arch.riscv.RiscvUserRun;

/**
 * The MultiOS userland (images/userland: mbox = init, sh and the utilities) under
 * {@code multios run} against {@code qemu-riscv64}: each script of images/userland/tests runs as
 * {@code mbox sh -c SCRIPT} in a fresh shared directory, and stdout plus the exit status must be the
 * same as the recorded qemu-riscv64 output (NAME.expected, always) and as a live qemu-riscv64 run (when
 * installed; required with MULTIOS_REQUIRE_ORACLES=1). The hash utilities are checked against the
 * JDK's digests and the host's md5sum/sha256sum on random files.
 */
class UserlandDifferentialTest {
    static final Path USERLAND = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "userland", "riscv64");
    static final Path MBOX = USERLAND.resolve("mbox").toAbsolutePath().normalize();
    static final Path SCRIPTS = Path.of("..", "images", "userland", "tests");
    /** A PATH that finds nothing: applets are what runs, never a host program under qemu-user. */
    static final List<String> ENV = List.of("PATH=/nonexistent", "HOME=/", "LC_ALL=C", "TERM=dumb");

    static Path work;

    @BeforeAll
    static void makeWorkDir() throws IOException { work = Files.createTempDirectory("userland"); }

    @AfterAll
    static void removeWorkDir() throws IOException { clear(work); Files.deleteIfExists(work); }

    static Stream<String> scripts() throws IOException {
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sh")).map(n -> n.substring(0, n.length() - 3)).sorted().toList().stream();
        }
    }

    record Result(String out, String err, int status) {
        String recorded() { return out + "exit=" + status + "\n"; }
    }

    /** mbox ARGS under multios run, in-process, with dir as the shared current directory. */
    static Result runOurs(Path dir, List<String> args, String stdin) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>();
        argv.add(MBOX.toString());
        argv.addAll(args);
        PrintStream log = new PrintStream(err, true);
        RiscvUserRun run = new RiscvUserRun(MBOX, argv, ENV, dir, List.of(), 256L << 20,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err, log, 120_000_000_000L);
        int status = run.run();
        return new Result(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), status);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    static void requireTool(String tool) {
        if (onPath(tool)) return;
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail(tool + " is not installed but MULTIOS_REQUIRE_ORACLES=1");
        Assumptions.abort(tool + " not installed");
    }

    static Result runHost(Path dir, List<String> command, List<String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        for (String e : env) { int eq = e.indexOf('='); pb.environment().put(e.substring(0, eq), e.substring(eq + 1)); }
        Process p = pb.start();
        var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try { return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8); } catch (IOException e) { return ""; }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), command + " timed out");
        return new Result(out, errF.get(), p.exitValue());
    }

    static Result runQemu(Path dir, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-riscv64", MBOX.toString()));
        cmd.addAll(args);
        return runHost(dir, cmd, ENV);
    }

    static void clear(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) if (!q.equals(dir)) Files.deleteIfExists(q);
        }
    }

    static String script(String name) throws IOException { return Files.readString(SCRIPTS.resolve(name + ".sh")); }

    /** One run under multios per script: against the recording, then against a live qemu-riscv64. */
    @ParameterizedTest
    @MethodSource("scripts")
    void sameAsQemu(String name) throws Exception {
        clear(work);
        Result ours = runOurs(work, List.of("sh", "-c", script(name)), "");
        String expected = Files.readString(SCRIPTS.resolve(name + ".expected"));
        assertTrue(expected.contains("\nEND\n"), "the recording of " + name + " is incomplete");
        assertEquals(expected, ours.recorded(), name + ": multios run vs recorded qemu-riscv64 output; stderr was:\n" + ours.err());
        try (Stream<Path> left = Files.list(work)) { assertEquals(List.of(), left.toList(), name + " leaves no files behind"); }
        if (!onPath("qemu-riscv64")) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("qemu-riscv64 is not installed but MULTIOS_REQUIRE_ORACLES=1");
            return;   // the recording stood in for it
        }
        Result qemu = runQemu(work, List.of("sh", "-c", script(name)));
        assertEquals(qemu.recorded(), ours.recorded(), name + ": multios run vs live qemu-riscv64");
    }

    /** Random files of sizes around the 64-byte block and padding boundaries, and larger ones. */
    static List<Path> randomFiles(Path dir) throws IOException {
        Random r = new Random(20261128);
        int[] sizes = { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4095, 4096, 16385, 100_003 };
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            byte[] b = new byte[sizes[i]];
            r.nextBytes(b);
            Path f = dir.resolve("r" + i + ".bin");
            Files.write(f, b);
            files.add(f);
        }
        return files;
    }

    static String digests(List<Path> files, String algorithm) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            byte[] d = MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(f));
            sb.append(HexFormat.of().formatHex(d)).append("  ").append(f.getFileName()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void hashesMatchTheJdkAndTheHostTools() throws Exception {
        clear(work);
        List<Path> files = randomFiles(work);
        List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
        for (String[] tool : new String[][] { { "md5sum", "MD5" }, { "sha256sum", "SHA-256" } }) {
            List<String> args = new ArrayList<>(List.of(tool[0]));
            args.addAll(names);
            Result ours = runOurs(work, args, "");
            assertEquals(0, ours.status(), tool[0] + ": " + ours.err());
            assertEquals(digests(files, tool[1]), ours.out(), tool[0] + " vs the JDK's " + tool[1]);
            if (onPath(tool[0])) {
                List<String> cmd = new ArrayList<>(List.of(tool[0]));
                cmd.addAll(names);
                assertEquals(runHost(work, cmd, ENV.subList(1, ENV.size())).out(), ours.out(), tool[0] + " vs the host's");
            } else if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail(tool[0] + " is not installed");
        }
        // stdin and "-"
        Result stdin = runOurs(work, List.of("sh", "-c", "sha256sum < r16.bin; md5sum - < r1.bin"), "");
        assertEquals(digests(List.of(files.get(16)), "SHA-256").replace("r16.bin", "-") + digests(List.of(files.get(1)), "MD5").replace("r1.bin", "-"), stdin.out());
        clear(work);
    }

    @Test
    void kernelIdentityAndProcesses() throws Exception {
        clear(work);
        Result r = runOurs(work, List.of("sh", "-c", "uname -s; uname -m; ps; sleep 1 & ps | grep -c '[s]leep 1$'; kill $!; wait; free | head -2 | tail -1 | grep -c '^Mem:'"), "");
        String[] lines = r.out().split("\n");
        assertEquals("MultiOS", lines[0], r.out());
        assertEquals("riscv64", lines[1], r.out());
        assertTrue(lines[2].matches("\\s+PID\\s+PPID S\\s+TIME COMMAND"), r.out());
        assertTrue(r.out().contains(" ps\n"), "ps lists itself (exec'd as ps): " + r.out());
        assertTrue(r.out().contains("sh -c uname -s"), "ps lists the shell's command line: " + r.out());
        assertEquals("1", lines[lines.length - 2], "the background sleep shows in ps: " + r.out());
        assertEquals("1", lines[lines.length - 1], "free has a Mem: line: " + r.out());
        assertEquals(0, r.status(), r.err());
    }

    /**
     * init as PID 1 (multios run makes the program process 1) with an /etc/inittab shared in: the
     * entries run in their order and kinds, a respawn entry is restarted until it asks for a power
     * off, the shutdown entry runs, everything else is stopped, and (run has no reboot(2)) init ends
     * with status 0.
     */
    @Test
    void initRunsTheInittabRespawnsAndPowersOff() throws Exception {
        clear(work);
        Path etc = Files.createTempDirectory("userland-etc");
        try {
            Files.writeString(etc.resolve("inittab"), """
                    # a comment, then one entry of each kind
                    sysinit:/bin/echo sysinit
                    wait:/bin/sh /etc/wait.sh
                    once:/bin/sh /etc/once.sh
                    respawn:/bin/sh /etc/respawn.sh
                    shutdown:/bin/echo shutdown
                    bogus line
                    """);
            Files.writeString(etc.resolve("wait.sh"), "sleep 0.1; echo wait\n");
            Files.writeString(etc.resolve("once.sh"), "echo once > /tmp/once\n");
            Files.writeString(etc.resolve("respawn.sh"), """
                    n=$(cat /tmp/count 2>/dev/null || echo 0)
                    n=$((n+1)); echo $n > /tmp/count
                    echo "respawn $n ppid-is-init=$([ $PPID = 1 ] && echo yes)"
                    sleep 5 &
                    if [ $n = 3 ]; then sleep 0.2; cat /tmp/once; poweroff; echo not reached; fi
                    """);
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            RiscvUserRun run = new RiscvUserRun(MBOX, List.of(MBOX.toString(), "init"), ENV, work,
                    List.of(new RiscvUserRun.Share(etc, "/etc", true)), 256L << 20,
                    new ByteArrayInputStream(new byte[0]), out, err, new PrintStream(err, true), 120_000_000_000L);
            int status = run.run();
            String console = out.toString(StandardCharsets.UTF_8);
            assertEquals("""
                    init: /etc/inittab:7: unknown entry (want ACTION:COMMAND, ACTION one of sysinit wait once respawn shutdown)
                    sysinit
                    wait
                    respawn 1 ppid-is-init=yes
                    respawn 2 ppid-is-init=yes
                    respawn 3 ppid-is-init=yes
                    once
                    shutdown
                    init: powering off
                    """, console.replaceFirst("init: reboot\\(2\\): [A-Z][a-z ]+\n$", ""), "stderr: " + err);
            assertEquals(0, status);
        } finally {
            clear(etc);
            Files.deleteIfExists(etc);
        }
    }

    /**
     * Utilities that need kernel features `run` may lack answer with one clear line and status 1, or
     * work. Which of the two is the kernel's business; a crash, a hang, or silence is a failure.
     */
    @Test
    void kernelDependentUtilitiesWorkOrSayWhatIsMissing() throws Exception {
        String[][] cases = {
            { "dmesg", "(?s).*", "dmesg: syslog\\(SYSLOG_ACTION_READ_ALL\\): [A-Z][a-z ]+\n" },
            { "mount", "(\\S+ on /\\S* type \\S+ \\(\\S+\\)\n)*", "mount: /proc/mounts: [A-Z][a-z ]+ \\(the kernel does not publish its mount table\\)\n" },
            { "df", "(?s)Filesystem +1K-blocks +Used +Available +Use% Mounted on\n.*", "(?s)Filesystem.*\ndf: /proc/mounts: [A-Z][a-z ]+ \\(the kernel does not publish its mount table\\)\n" },
            { "mount -t tmpfs none /tmp", "", "mount: mounting none on /tmp failed: [A-Z][a-z ]+\n" },
            { "poweroff -f", "", "poweroff: reboot\\(2\\): [A-Z][a-z ]+\n" },
        };
        StringBuilder script = new StringBuilder();
        for (String[] c : cases) script.append("echo '@@'; ").append(c[0]).append(" 2>&1; echo \"@@status=$?\"; ");
        clear(work);
        Result r = runOurs(work, List.of("sh", "-c", script.toString()), "");
        String[] parts = r.out().split("@@\n", -1);
        assertEquals(cases.length + 1, parts.length, r.out());
        for (int i = 0; i < cases.length; i++) {
            String part = parts[i + 1];
            int at = part.lastIndexOf("@@status=");
            String out = part.substring(0, at);
            int status = Integer.parseInt(part.substring(at + 9).strip());
            if (status == 0) assertTrue(out.matches(cases[i][1]), cases[i][0] + " output: " + out);
            else {
                assertEquals(1, status, cases[i][0] + ": " + out);
                assertTrue(out.matches(cases[i][2]), cases[i][0] + " error: " + out);
            }
        }
    }
}
