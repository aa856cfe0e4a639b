package org.multios.boards.riscv;

import java.nio.file.Path;
import org.multios.boards.Firmware;
import org.multios.devices.console.ConsoleBackend;
import org.multios.devices.rtc.GoldfishRtc;

/** How to build a riscv64-virt machine; fluent setters, defaults as QEMU's virt machine. */
public final class RiscvVirtConfig {
    public static final long DEFAULT_RAM = 128L << 20;
    /** Debian's OpenSBI, used when no --bios is given (QEMU's default is its own OpenSBI). */
    public static final Path DEBIAN_OPENSBI = Path.of("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
    public static final int MAX_HARTS = 64;

    int harts = 1;
    long ramSize = DEFAULT_RAM;
    Firmware bios = new Firmware.Default();
    Path defaultBios = DEBIAN_OPENSBI;
    Path kernel;
    Path initrd;
    String append;
    ConsoleBackend console = ConsoleBackend.NULL;
    long rtcBaseNanos = GoldfishRtc.DEFAULT_EPOCH_NANOS;
    Path trace;
    final java.util.List<org.multios.devices.block.DiskSpec> disks = new java.util.ArrayList<>();
    boolean snapshot;
    /** {@code --net}: a virtio-net function and its back end, or null for no NIC. */
    org.multios.devices.net.NetSpec net;
    /** {@code --display}: a bochs-display-compatible PCI display and where its picture goes, or null for none. */
    org.multios.devices.display.host.DisplaySpec display;
    boolean tpm;
    Path tpmState;
    boolean realtime;
    long maxInstructions = Long.MAX_VALUE;
    long nanosPerInstruction = 10;

    public RiscvVirtConfig harts(int n) { this.harts = n; return this; }
    public RiscvVirtConfig ramSize(long bytes) { this.ramSize = bytes; return this; }
    public RiscvVirtConfig bios(Firmware f) { this.bios = f; return this; }
    /** Where the default firmware is looked for (tests point it elsewhere). */
    public RiscvVirtConfig defaultBios(Path p) { this.defaultBios = p; return this; }
    public RiscvVirtConfig kernel(Path p) { this.kernel = p; return this; }
    public RiscvVirtConfig initrd(Path p) { this.initrd = p; return this; }
    public RiscvVirtConfig append(String args) { this.append = args; return this; }
    public RiscvVirtConfig console(ConsoleBackend c) { this.console = c; return this; }
    public RiscvVirtConfig rtcBaseNanos(long t) { this.rtcBaseNanos = t; return this; }
    /** An NVMe namespace (repeatable: namespace 1, 2, ...). */
    public RiscvVirtConfig disk(org.multios.devices.block.DiskSpec d) { disks.add(d); return this; }
    /** Every disk gets a temporary overlay deleted when the board closes. */
    public RiscvVirtConfig snapshot(boolean b) { this.snapshot = b; return this; }
    public RiscvVirtConfig net(org.multios.devices.net.NetSpec n) { this.net = n; return this; }
    /** Adds a TPM 2.0 behind a TIS interface at the platform bus (0x4000000); state kept in {@code stateFile} if not null. */
    public RiscvVirtConfig tpm(Path stateFile) { this.tpm = true; this.tpmState = stateFile; return this; }

    boolean secureBoot;
    byte[] secureBootKey;
    String bootDevice;

    /** Which device the MultiOS firmware boots from: "disk" or "net" (/chosen/multios,boot-device; docs/firmware.md). */
    public RiscvVirtConfig bootDevice(String device) {
        if (device != null && !device.equals("disk") && !device.equals("net")) throw new IllegalArgumentException("boot device must be disk or net");
        this.bootDevice = device;
        return this;
    }

    /**
     * Verified boot (docs/tpm.md): /chosen/multios,secure-boot when on, and the enrolled ECDSA
     * P-256 public key (64 bytes, x || y) as /chosen/multios,secure-boot-key (may be null).
     */
    public RiscvVirtConfig secureBoot(boolean on, byte[] keyXy) {
        if (keyXy != null && keyXy.length != 64) throw new IllegalArgumentException("secure boot key must be 64 bytes (P-256 x || y)");
        this.secureBoot = on;
        this.secureBootKey = keyXy == null ? null : keyXy.clone();
        return this;
    }
    public RiscvVirtConfig display(org.multios.devices.display.host.DisplaySpec d) { this.display = d; return this; }
    public RiscvVirtConfig trace(Path p) { this.trace = p; return this; }
    public RiscvVirtConfig realtime(boolean b) { this.realtime = b; return this; }
    public RiscvVirtConfig maxInstructions(long n) { this.maxInstructions = n; return this; }
    public RiscvVirtConfig nanosPerInstruction(long n) { this.nanosPerInstruction = n; return this; }

    public int harts() { return harts; }
    public long ramSize() { return ramSize; }
    public Firmware bios() { return bios; }
    public Path kernel() { return kernel; }
    public String append() { return append; }
    public ConsoleBackend console() { return console; }
}
