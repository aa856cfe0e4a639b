package org.multios.devices.power;

/**
 * What a machine does when a guest asks to power off or to reset (test finisher, syscon,
 * PSCI). Implemented by the board, which knows how to stop or restart its machine safely
 * from inside a device access.
 */
public interface PowerController {
    /** The guest powered the machine off; {@code status} becomes the process exit status. */
    void powerOff(int status, String reason);

    /** The guest asked for a system reset. */
    void reset(String reason);
}
