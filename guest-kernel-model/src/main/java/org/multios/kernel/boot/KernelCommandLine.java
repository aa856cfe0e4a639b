package org.multios.kernel.boot;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel command line as Linux reads it (kernel-parameters.txt): words separated by
 * blanks, double quotes group a value with spaces, everything after "--" goes to init.
 * Understood: {@code root=}, {@code init=}, {@code console=}, {@code quiet}, {@code loglevel=},
 * {@code rootfstype=}, {@code ro}/{@code rw}; other words are kept for init's environment
 * (key=value) or arguments, as Linux does.
 */
public record KernelCommandLine(String text, String root, String rootFsType, boolean readOnlyRoot, String init,
                                String console, boolean quiet, int logLevel, List<String> initArgs,
                                List<String> initEnv) {
    /** Linux's default console log level (messages below it reach the console). */
    public static final int DEFAULT_LOGLEVEL = 7, QUIET_LOGLEVEL = 4;

    public static KernelCommandLine parse(String text) {
        String root = null, fsType = null, init = null, console = null;
        boolean quiet = false, ro = false;
        int level = -1;
        List<String> args = new ArrayList<>(), env = new ArrayList<>();
        boolean forInit = false;
        for (String w : words(text == null ? "" : text)) {
            if (forInit) { args.add(w); continue; }
            if (w.equals("--")) { forInit = true; continue; }
            int eq = w.indexOf('=');
            String key = eq < 0 ? w : w.substring(0, eq), value = eq < 0 ? "" : w.substring(eq + 1);
            switch (key) {
                case "root" -> root = value;
                case "rootfstype" -> fsType = value;
                case "init" -> init = value;
                case "console" -> console = value;
                case "quiet" -> quiet = true;
                case "ro" -> ro = true;
                case "rw" -> ro = false;
                case "loglevel" -> {
                    try {
                        level = Math.max(0, Math.min(8, Integer.parseInt(value)));
                    } catch (NumberFormatException e) {
                        level = -1;
                    }
                }
                default -> {
                    if (eq > 0 && !key.contains(".")) env.add(w);
                    else if (eq < 0) args.add(w);
                }
            }
        }
        int effective = level >= 0 ? level : quiet ? QUIET_LOGLEVEL : DEFAULT_LOGLEVEL;
        return new KernelCommandLine(text == null ? "" : text.strip(), root, fsType, ro, init, console, quiet, effective,
                List.copyOf(args), List.copyOf(env));
    }

    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false, any = false;
        for (char c : s.toCharArray()) {
            if (c == '"') { quoted = !quoted; any = true; continue; }
            if (!quoted && Character.isWhitespace(c)) {
                if (any) out.add(cur.toString());
                cur.setLength(0);
                any = false;
                continue;
            }
            cur.append(c);
            any = true;
        }
        if (any) out.add(cur.toString());
        return out;
    }
}
