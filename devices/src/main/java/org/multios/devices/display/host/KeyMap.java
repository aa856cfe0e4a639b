package org.multios.devices.display.host;

import static org.lwjgl.glfw.GLFW.*;

/** What a terminal sends for the keys that produce no character: the bytes the guest's console reads. */
final class KeyMap {
    private KeyMap() {}

    /** The bytes for {@code key} with modifiers {@code mods}, or null when the character callback covers it. */
    static byte[] bytes(int key, int mods) {
        if ((mods & GLFW_MOD_CONTROL) != 0 && key >= GLFW_KEY_A && key <= GLFW_KEY_Z) return new byte[] {(byte) (key - GLFW_KEY_A + 1)};
        return switch (key) {
            case GLFW_KEY_ENTER, GLFW_KEY_KP_ENTER -> new byte[] {'\r'};
            case GLFW_KEY_BACKSPACE -> new byte[] {0x7f};
            case GLFW_KEY_TAB -> new byte[] {'\t'};
            case GLFW_KEY_ESCAPE -> new byte[] {0x1b};
            case GLFW_KEY_UP -> csi('A');
            case GLFW_KEY_DOWN -> csi('B');
            case GLFW_KEY_RIGHT -> csi('C');
            case GLFW_KEY_LEFT -> csi('D');
            case GLFW_KEY_HOME -> csi('H');
            case GLFW_KEY_END -> csi('F');
            case GLFW_KEY_DELETE -> new byte[] {0x1b, '[', '3', '~'};
            default -> null;
        };
    }

    private static byte[] csi(char c) { return new byte[] {0x1b, '[', (byte) c}; }
}
