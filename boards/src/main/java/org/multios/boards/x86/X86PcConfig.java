package org.multios.boards.x86;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multios.boards.Firmware;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.ConsoleBackend;

/** How to build an x86_64-pc machine; fluent setters, defaults as QEMU's pc machine. */
public final class X86PcConfig {
    public static final long DEFAULT_RAM = 128L << 20;
    /** Debian's U-Boot ROM for QEMU's x86_64 PC, used when no --bios is given. */
    public static final Path DEBIAN_UBOOT = Path.of("/usr/lib/u-boot/qemu-x86_64/u-boot.rom");
    /** Wall-clock epoch the CMOS clock starts at: 2025-01-01T00:00:00Z, fixed for reproducible runs. */
    public static final long DEFAULT_RTC_EPOCH_NANOS = 1_735_689_600_000_000_000L;

    long ramSize = DEFAULT_RAM;
    Firmware bios = new Firmware.Default();
    Path kernel;
    String append;
    ConsoleBackend console = ConsoleBackend.NULL;
    long rtcEpochNanos = DEFAULT_RTC_EPOCH_NANOS;
    final List<DiskSpec> disks = new ArrayList<>();
    boolean snapshot;
    /** {@code --net}: a virtio-net function and its back end, or null for no NIC. */
    org.multios.devices.net.NetSpec net;
    /** {@code --display}: the PCI display and where its picture goes, or null for none. */
    org.multios.devices.display.host.DisplaySpec display;
    boolean realtime;
    /** {@code --tpm}: a TPM 2.0 behind the TIS interface at 0xFED40000 (PC location), state in {@code tpmState} if not null. */
    boolean tpm;
    Path tpmState;
    long maxInstructions = Long.MAX_VALUE;
    long nanosPerInstruction = 10;

    public X86PcConfig ramSize(long bytes) { this.ramSize = bytes; return this; }
    public X86PcConfig bios(Firmware f) { this.bios = f; return this; }
    public X86PcConfig kernel(Path p) { this.kernel = p; return this; }
    public X86PcConfig append(String args) { this.append = args; return this; }
    public X86PcConfig console(ConsoleBackend c) { this.console = c; return this; }
    public X86PcConfig rtcEpochNanos(long t) { this.rtcEpochNanos = t; return this; }
    public X86PcConfig disk(DiskSpec d) { disks.add(d); return this; }
    public X86PcConfig snapshot(boolean b) { this.snapshot = b; return this; }
    public X86PcConfig net(org.multios.devices.net.NetSpec n) { this.net = n; return this; }
    public X86PcConfig display(org.multios.devices.display.host.DisplaySpec d) { this.display = d; return this; }
    public X86PcConfig realtime(boolean b) { this.realtime = b; return this; }
    /** Adds a TPM 2.0 behind a TIS interface at 0xFED40000 with an ACPI TPM2 table; state kept in {@code stateFile} if not null. */
    public X86PcConfig tpm(Path stateFile) { this.tpm = true; this.tpmState = stateFile; return this; }
    public X86PcConfig maxInstructions(long n) { this.maxInstructions = n; return this; }
    public X86PcConfig nanosPerInstruction(long n) { this.nanosPerInstruction = n; return this; }
}
