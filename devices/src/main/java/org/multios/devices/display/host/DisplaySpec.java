package org.multios.devices.display.host;

import java.nio.file.Path;

/**
 * The {@code --display} argument: {@code none} (the device is there, nothing is shown),
 * {@code png:FILE} (also {@code png=FILE}; the screen is written to FILE whenever it changed, at most every 100 ms of
 * virtual time, and at exit) or {@code window} (a GLFW window).
 */
public record DisplaySpec(Kind kind, Path file) {
    public enum Kind { NONE, PNG, WINDOW }

    public static DisplaySpec parse(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("--display needs none, window or png:FILE");
        if (s.equals("none")) return new DisplaySpec(Kind.NONE, null);
        if (s.equals("window")) return new DisplaySpec(Kind.WINDOW, null);
        if ((s.startsWith("png:") || s.startsWith("png=")) && s.length() > 4) return new DisplaySpec(Kind.PNG, Path.of(s.substring(4)));
        throw new IllegalArgumentException("--display " + s + ": expected none, window or png:FILE");
    }

    /** Opens the output; {@code keyboard} receives the bytes typed into a window (for the guest's console). */
    public DisplayOutput open(String title, java.util.function.Consumer<byte[]> keyboard) {
        return switch (kind) {
            case NONE -> new DisplayOutput() {
                @Override public void frame(org.multios.devices.display.DisplayMode m, org.multios.devices.display.Vram v, int a, int b) {}
                @Override public void close() {}
            };
            case PNG -> new PngOutput(file);
            case WINDOW -> new WindowOutput(title, keyboard);
        };
    }
}
