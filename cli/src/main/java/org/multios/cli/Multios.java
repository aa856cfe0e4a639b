package org.multios.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.multios.boards.BoardException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code multios} command. Subcommands are separate classes listed in
 * {@link #SUBCOMMANDS}; each shares the streams and the {@code --debug} flag through this object.
 * Error policy, for every subcommand: a usage error (unknown option, bad value) prints one line
 * and exits 2; an input error ({@link UserInputException}, {@link BoardException}) prints one
 * line and exits 1; anything else is an internal error, also one line and exit 1, with the stack
 * trace only under {@code --debug}.
 */
@Command(name = "multios",
        mixinStandardHelpOptions = true,
        versionProvider = Multios.Version.class,
        description = "MultiOS Emulator: full-system RISC-V (later AArch64, x86-64) emulator.",
        subcommandsRepeatable = false)
public final class Multios implements Runnable {
    /** Every subcommand class; new commands (boot, run, image, tpm) are added here. */
    static final Class<?>[] SUBCOMMANDS = {MachineCommand.class, DisasmCommand.class, ImageCommand.class, RunCommand.class, TpmCommand.class, BootCommand.class};

    public static final int EXIT_INPUT = 1, EXIT_USAGE = 2;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show Java stack traces for internal errors.")
    boolean debug;

    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    final boolean systemStreams;

    Multios(InputStream in, PrintStream out, PrintStream err, boolean systemStreams) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.systemStreams = systemStreams;
    }

    @Override
    public void run() {
        // `multios` alone: show what there is.
        new CommandLine(this).usage(out);
    }

    /** Prints an emulator message on stderr, prefixed so it stands apart from guest output. */
    void message(String text) {
        err.println("multios: " + text);
        err.flush();
    }

    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err, true);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the command line and returns the exit status (tests call this in-process). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, false);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean systemStreams) {
        Multios top = new Multios(in, out, err, systemStreams);
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        try {
            CommandLine cl = new CommandLine(top);
            for (Class<?> c : SUBCOMMANDS) cl.addSubcommand(c);
            cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
            cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            cl.setParameterExceptionHandler((ex, a) -> {
                CommandLine c = ex.getCommandLine();
                String hint = " (see '" + c.getCommandSpec().qualifiedName() + " --help')";
                top.message(firstLine(ex.getMessage()) + hint);
                return EXIT_USAGE;
            });
            cl.setExecutionExceptionHandler((ex, c, parsed) -> handle(top, ex, debug));
            return cl.execute(args);
        } catch (Throwable t) {
            return handle(top, t, debug);
        }
    }

    static int handle(Multios top, Throwable ex, boolean debug) {
        if (ex instanceof UserInputException || ex instanceof BoardException) {
            top.message(firstLine(ex.getMessage()));
            if (debug) ex.printStackTrace(top.err);
            return EXIT_INPUT;
        }
        if (ex instanceof OutOfMemoryError) {
            top.message("out of host memory (try a smaller --memory, or give Java more with JAVA_TOOL_OPTIONS=-Xmx...)");
            return EXIT_INPUT;
        }
        if (ex instanceof StackOverflowError) {
            top.message("internal error: stack overflow" + (debug ? "" : " (run with --debug for details)"));
        } else {
            String what = ex.getMessage() == null ? ex.getClass().getSimpleName()
                    : ex.getClass().getSimpleName() + ": " + firstLine(ex.getMessage());
            top.message("internal error: " + what + (debug ? "" : " (run with --debug for details)"));
        }
        if (debug) ex.printStackTrace(top.err);
        return EXIT_INPUT;
    }

    static String firstLine(String s) {
        if (s == null) return "unknown error";
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /** Version from the jar manifest (set by the build), or "development" when run from classes. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Multios.class.getPackage().getImplementationVersion();
            return new String[] {"multios " + (v == null ? "development build" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
