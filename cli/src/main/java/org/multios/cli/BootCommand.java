package org.multios.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.block.DiskSpecException;
import org.multios.devices.console.StdioConsole;
import org.multios.kernel.boot.KernelBoot;
import org.multios.kernel.fs.image.DefaultImage;
import org.multios.kernel.fs.mfs.MfsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code multios boot}: the whole MultiOS boot chain on riscv64-virt — stage 1 firmware as the
 * bios, stage 2 and the kernel entry stub from the disk's boot partition, the Java kernel
 * entered through native call 2 — on the default disk image (built into a temporary file,
 * deleted at exit) or the user's {@code --disk}. The guest console is stdin/stdout; the exit
 * status is the guest's (0 after poweroff, 125 after a kernel panic).
 */
@Command(name = "boot", mixinStandardHelpOptions = true,
        description = {"Boot MultiOS (firmware, bootloader, kernel, init) to its shell.",
                "The guest console is stdin/stdout; on a terminal Ctrl-A x quits.",
                "Exit status: 0 after poweroff, 125 after a kernel panic."})
final class BootCommand implements Callable<Integer> {
    /** Size of the temporary default image (sparse on the host). */
    static final long DEFAULT_IMAGE_BYTES = 64L << 20;

    @ParentCommand Multios top;
    @Spec CommandSpec spec;

    @Option(names = "--arch", defaultValue = "riscv64", converter = Arch.Converter.class,
            description = "Guest architecture: riscv64 or arm64 (default: ${DEFAULT-VALUE}).")
    Arch arch;

    @Option(names = "--disk", paramLabel = "IMG[,readonly][,overlay=FILE]",
            description = "Boot this disk image (see 'multios image create') instead of a fresh default image.")
    String disk;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "128M", converter = ByteSize.class,
            description = "RAM size (default: ${DEFAULT-VALUE}).")
    long memory;

    @Option(names = "--cmdline", paramLabel = "TEXT",
            description = "Kernel command line (overrides the boot menu entry's, through /chosen/bootargs).")
    String cmdline;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "Number of harts (default: ${DEFAULT-VALUE}).")
    int smp;

    @Option(names = "--snapshot", description = "Write disk changes to a temporary overlay deleted at exit.")
    boolean snapshot;

    @Option(names = "--display", paramLabel = "none|window|png:FILE",
            description = "A PCI display (bochs-display compatible + 2D engine): the kernel's framebuffer console mirrors the serial console; shown nowhere, in FILE (PNG) or in a window (docs/display.md).")
    String display;

    @Option(names = "--net", paramLabel = "user|socket,...|none", description = "A virtio-net NIC and its back end (see docs/network.md).")
    String net;

    @Option(names = "--boot", paramLabel = "disk|net", defaultValue = "disk",
            description = "Boot device: the disk's boot partition, or the network (DHCP + TFTP from the user network's server; default: ${DEFAULT-VALUE}).")
    String bootDevice;
    private boolean netBoot;

    @Option(names = "--tftp", paramLabel = "DIR",
            description = "Serve DIR over TFTP on the user network (implies --net user). With --boot net and no --tftp, the default boot files are served.")
    Path tftp;

    @Option(names = "--gdb", paramLabel = "[HOST:]PORT",
            description = "Serve the GDB remote protocol on PORT (loopback unless HOST is given); 'monitor os on' shows MultiOS processes as threads.")
    String gdb;

    @Option(names = "--gdb-wait", description = "With --gdb: halt at the reset vector until a debugger attaches.")
    boolean gdbWait;

    @Option(names = "--realtime", description = "Pace virtual time to the wall clock.")
    boolean realtime;

    @Option(names = "--rtc", paramLabel = "fixed|host", defaultValue = "host",
            description = "RTC start time: the host's clock or a fixed date (default: ${DEFAULT-VALUE}).")
    String rtc;

    @Option(names = "--tpm", description = "A TPM 2.0 (TIS): the firmware and boot loader measure the boot into it and keep a TCG event log.")
    boolean tpm;

    @Option(names = "--tpm-state", paramLabel = "FILE", description = "Keep the TPM's non-volatile state in FILE (implies --tpm).")
    Path tpmState;

    @Option(names = "--secure-boot", description = "Verified boot: stage 1 verifies stage 2, stage 2 the kernel and initrd (FILE.sig, ECDSA P-256 via the TPM); implies --tpm, needs --secure-boot-key.")
    boolean secureBoot;

    @Option(names = "--secure-boot-key", paramLabel = "KEY.pem", description = "The enrolled public key (PEM public or private P-256 key), given to the firmware in /chosen.")
    Path secureBootKey;

    /** Tests: sees the board once it exists (its TPM and RAM outlive the run). */
    static volatile java.util.function.Consumer<RiscvVirtBoard> boardListener;

    @Override
    public Integer call() throws Exception {
        if (secureBoot && secureBootKey == null) throw usage("--secure-boot needs --secure-boot-key KEY.pem (the enrolled public key)");
        if (secureBootKey != null && !java.nio.file.Files.isRegularFile(secureBootKey)) throw usage("--secure-boot-key " + secureBootKey + ": no such file");
        if (arch == Arch.X86_64) return new X86Boot(this).call();
        if (arch == Arch.ARM64) return new Arm64Boot(this).call();
        if (arch != Arch.RISCV64) throw new UserInputException("boot: --arch " + arch + " is not supported yet (riscv64, arm64 and x86_64 only)");
        if (smp < 1) throw usage("--smp must be at least 1");
        BootSession.checkGdb(this);
        if (memory < (32L << 20) || (memory & 0xfff) != 0) throw usage("--memory must be at least 32M and a multiple of 4K");
        long rtcBase = BootSession.rtcBase(this);
        netBoot = switch (bootDevice) {
            case "disk" -> false;
            case "net" -> true;
            default -> throw usage("--boot must be 'disk' or 'net', not '" + bootDevice + "'");
        };
        if (tftp != null && !Files.isDirectory(tftp)) throw usage("--tftp: not a directory: " + tftp);
        org.multios.devices.net.NetSpec netSpec = null;
        if (net != null || tftp != null || netBoot) {
            try {
                netSpec = org.multios.devices.net.NetSpec.parse(net != null ? net : "user");
                if (netBoot && netSpec.kind() != org.multios.devices.net.NetSpec.Kind.USER)
                    throw usage("--boot net needs the user network (--net user): the firmware loads from its TFTP server");
                netSpec = netSpec.withTftp(tftp);
                if (netBoot) netSpec = netSpec.withDefaultBootFile(NetBootFiles.BOOT_FILE);
            } catch (org.multios.devices.net.NetSpec.NetSpecException e) {
                throw usage(e.getMessage());
            }
        }
        DefaultImage.Resources resources = DefaultImage.Resources.of(BootCommand.class.getClassLoader());
        DefaultImage image = new DefaultImage(resources);
        Path work = Files.createTempDirectory("multios-boot");
        try {
            Path stage1 = work.resolve("stage1.bin");
            DiskSpec diskSpec;
            try {
                Files.write(stage1, image.stage1());
                if (netBoot && netSpec.tftp() == null) {
                    // No --tftp: serve the default boot files, so "boot --boot net" works alone.
                    Path dir = work.resolve("tftp");
                    NetBootFiles.export(resources, dir);
                    netSpec = netSpec.withTftp(dir);
                }
                if (netBoot && disk == null) {
                    diskSpec = null;   // a network boot needs no disk
                } else if (disk != null) {
                    diskSpec = DiskSpec.parse(disk);
                } else {
                    diskSpec = BootSession.defaultDisk(image, work);
                }
            } catch (DefaultImage.ImageException | MfsException e) {
                throw new UserInputException("default image: " + e.getMessage());
            } catch (DiskSpecException e) {
                throw usage(e.getMessage());
            }
            displaySpec = BootSession.displaySpec(this);
            return run(stage1, diskSpec, rtcBase, netSpec);
        } finally {
            deleteTree(work);
        }
    }

    /** The parsed {@code --display} (null: no display device). */
    private org.multios.devices.display.host.DisplaySpec displaySpec;

    private int run(Path stage1, DiskSpec diskSpec, long rtcBase, org.multios.devices.net.NetSpec netSpec) throws Exception {
        StdioConsole console = BootSession.openConsole(top);
        RiscvVirtBoard board;
        try {
            RiscvVirtConfig cfg = new RiscvVirtConfig()
                    .harts(smp)
                    .ramSize(memory)
                    .bios(new Firmware.File(stage1))
                    .append(cmdline)
                    .console(console)
                    .rtcBaseNanos(rtcBase)
                    .realtime(realtime)
                    .snapshot(snapshot)
                    .net(netSpec);
            if (diskSpec != null) cfg.disk(diskSpec);
            if (netBoot) cfg.bootDevice("net");
            if (displaySpec != null) cfg.display(displaySpec);
            if (tpm || tpmState != null || secureBoot) cfg.tpm(tpmState);
            if (secureBootKey != null) cfg.secureBoot(secureBoot, SecureBootKeys.rawPoint(SecureBootKeys.readPublic(secureBootKey)));
            board = RiscvVirtBoard.create(cfg);
            var listener = boardListener;
            if (listener != null) listener.accept(board);
        } catch (Exception | Error e) {
            console.close();
            throw e;
        }
        KernelBoot.Options opt = new KernelBoot.Options();
        opt.fallback = top.err;
        opt.epochNanos = rtcBase;
        KernelBoot kernelBoot = KernelBoot.install(board.harts(), board.machine(), opt);
        org.multios.core.gdb.GdbServer gdbServer = null;
        if (gdb != null) {
            if (gdbWait) board.machine().pause(); // run() then halts before the first instruction
            var harts = org.multios.isa.riscv.gdb.RvDebugTarget.of(board.machine(), board.harts(), board.traceSink());
            var target = org.multios.core.debug.DebugTarget.withOs(harts, new org.multios.kernel.debug.LateKernelThreads(
                    kernelBoot::kernel, board.harts().get(0), harts.cpus().get(0)));
            gdbServer = BootSession.startGdb(this, target, console, board::close);
        }
        int status = BootSession.runToEnd(top, console, gdbServer, () -> board.stop(0, "terminated by Ctrl-A x"), board::run, board::close);
        if (board.stoppedByGuest()) return status;
        if (!console.atLineStart()) top.err.println();
        String reason = board.machine().stopReason();
        if (!reason.isEmpty() && !reason.startsWith("kernel panic")) top.message(reason);
        return status;
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what we could not
        }
    }

    private ParameterException usage(String message) { return BootSession.usage(this, message); }
}
