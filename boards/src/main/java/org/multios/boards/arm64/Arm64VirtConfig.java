package org.multios.boards.arm64;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multios.boards.Firmware;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.ConsoleBackend;
import org.multios.devices.rtc.GoldfishRtc;

/** How to build an arm64-virt machine; fluent setters, defaults as QEMU's virt machine. */
public final class Arm64VirtConfig {
    public static final long DEFAULT_RAM = 128L << 20;
    /** Debian's U-Boot for QEMU's arm64 virt machine, used when no --bios and no --kernel are given. */
    public static final Path DEBIAN_UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
    public static final int MAX_CPUS = 8;

    int cpus = 1;
    long ramSize = DEFAULT_RAM;
    Firmware bios = new Firmware.Default();
    Path kernel;
    String append;
    ConsoleBackend console = ConsoleBackend.NULL;
    long rtcBaseNanos = GoldfishRtc.DEFAULT_EPOCH_NANOS;
    final List<DiskSpec> disks = new ArrayList<>();
    boolean snapshot;
    /** {@code --net}: a virtio-net function and its back end, or null for no NIC. */
    org.multios.devices.net.NetSpec net;
    /** {@code --display}: the PCI display and where its picture goes, or null for none. */
    org.multios.devices.display.host.DisplaySpec display;
    boolean realtime;
    long maxInstructions = Long.MAX_VALUE;
    long nanosPerInstruction = 10;
    Path trace;
    boolean tpm;
    Path tpmState;

    public Arm64VirtConfig cpus(int n) { this.cpus = n; return this; }
    public Arm64VirtConfig ramSize(long bytes) { this.ramSize = bytes; return this; }
    public Arm64VirtConfig bios(Firmware f) { this.bios = f; return this; }
    public Arm64VirtConfig kernel(Path p) { this.kernel = p; return this; }
    public Arm64VirtConfig append(String args) { this.append = args; return this; }
    public Arm64VirtConfig console(ConsoleBackend c) { this.console = c; return this; }
    public Arm64VirtConfig rtcBaseNanos(long t) { this.rtcBaseNanos = t; return this; }
    public Arm64VirtConfig disk(DiskSpec d) { disks.add(d); return this; }
    public Arm64VirtConfig snapshot(boolean b) { this.snapshot = b; return this; }
    public Arm64VirtConfig net(org.multios.devices.net.NetSpec n) { this.net = n; return this; }
    public Arm64VirtConfig display(org.multios.devices.display.host.DisplaySpec d) { this.display = d; return this; }
    public Arm64VirtConfig realtime(boolean b) { this.realtime = b; return this; }
    public Arm64VirtConfig maxInstructions(long n) { this.maxInstructions = n; return this; }
    public Arm64VirtConfig nanosPerInstruction(long n) { this.nanosPerInstruction = n; return this; }
    /** Writes an instruction trace (docs/trace-format.md) to this file. */
    public Arm64VirtConfig trace(Path p) { this.trace = p; return this; }
    /**
     * Adds a TPM 2.0 behind a TIS interface where QEMU's {@code -device tpm-tis-device} sits
     * (0x0c000000); {@code stateFile} keeps its state across runs, null keeps it in memory only.
     */
    public Arm64VirtConfig tpm(Path stateFile) { this.tpm = true; this.tpmState = stateFile; return this; }
}
