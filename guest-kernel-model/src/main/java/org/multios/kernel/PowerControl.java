package org.multios.kernel;

/** How the kernel turns the machine off or restarts it (reboot(2)); platform drivers implement it. */
public interface PowerControl {
    void powerOff();

    void restart();

    /** Stops the machine without powering off (Linux halts the CPUs; we end the emulator too). */
    void halt();
}
