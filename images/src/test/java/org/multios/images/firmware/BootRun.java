package org.multios.images.firmware;

import java.nio.file.Files;
import java.nio.file.Path;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.MemoryConsole;
import org.multios.isa.riscv.RvCpu;

/**
 * One boot of the committed stage 1 on riscv64-virt, on its own thread, with a native-call
 * handler standing in for the Java kernel: native call 2 records a0 (BootInfo), a1 (hart id),
 * the privilege level and satp, copies the BootInfo record and stops the machine.
 */
final class BootRun implements AutoCloseable {
    static final long MAX_INSTRUCTIONS = 400_000_000L;

    final MemoryConsole console = new MemoryConsole();
    final RiscvVirtBoard board;
    private final Thread runner;
    volatile boolean kernelEntered;
    volatile long a0, a1, satp;
    volatile int privilege;
    volatile int calls;

    private BootRun(Path stage1, Path disk, String append, String input, int harts, boolean display) throws Exception {
        this(stage1, disk, append, input, harts, display, c -> {});
    }

    private BootRun(Path stage1, Path disk, String append, String input, int harts, boolean display,
                    java.util.function.Consumer<RiscvVirtConfig> extra) throws Exception {
        RiscvVirtConfig cfg = new RiscvVirtConfig().bios(new Firmware.File(stage1)).console(console)
                .maxInstructions(MAX_INSTRUCTIONS).harts(harts);
        extra.accept(cfg);
        if (display) cfg.display(org.multios.devices.display.host.DisplaySpec.parse("none"));
        if (disk != null) cfg.disk(DiskSpec.parse(disk.toString()));
        if (append != null) cfg.append(append);
        if (input != null) console.send(input);
        board = RiscvVirtBoard.create(cfg);
        RvCpu hart = board.harts().get(0);
        hart.setNativeCallHandler((cpu, n) -> {
            calls++;
            if (n != 2) return;
            a0 = cpu.xreg(10);
            a1 = cpu.xreg(11);
            satp = cpu.readCsr(0x180);
            privilege = cpu.privilege();
            kernelEntered = true;
            board.stop(0, "kernel entry (native call 2)");
        });
        runner = Thread.ofPlatform().name("boot-chain").start(board::run);
    }

    static Path stage1(Path dir) throws Exception {
        Path p = dir.resolve("stage1.bin");
        if (!Files.exists(p)) Files.write(p, BootDisk.resource("stage1.bin"));
        return p;
    }

    static BootRun start(Path dir, Path disk, String append, String input) throws Exception {
        return new BootRun(stage1(dir), disk, append, input, 1, false);
    }

    static BootRun start(Path dir, Path disk, int harts) throws Exception {
        return new BootRun(stage1(dir), disk, null, null, harts, false);
    }

    /** With a NIC on {@code net} and, when bootDevice is not null, /chosen/multios,boot-device (network boot). */
    static BootRun network(Path dir, Path disk, String net, String bootDevice) throws Exception {
        return new BootRun(stage1(dir), disk, null, null, 1, false,
                c -> c.net(org.multios.devices.net.NetSpec.parse(net)).bootDevice(bootDevice));
    }

    /** With riscv64-virt's PCI display ({@code --display none}). */
    static BootRun withDisplay(Path dir, Path disk) throws Exception {
        return new BootRun(stage1(dir), disk, null, null, 1, true);
    }

    /** Waits (wall time) for the machine to stop; false on timeout. */
    boolean awaitStop(long millis) throws InterruptedException {
        runner.join(millis);
        return !runner.isAlive();
    }

    boolean running() { return runner.isAlive(); }

    /** Waits until text appears on the console or the machine stops. */
    boolean waitFor(String text, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (console.output().contains(text)) return true;
            if (!runner.isAlive()) return console.output().contains(text);
            Thread.sleep(5);
        }
        return false;
    }

    byte[] memory(long address, int length) {
        byte[] b = new byte[length];
        board.bus().dmaRead(address, b, 0, length);
        return b;
    }

    String output() { return console.output().replace("\r\n", "\n"); }

    @Override
    public void close() throws Exception {
        if (runner.isAlive()) {
            board.stop(124, "test over");
            runner.join(10_000);
        }
        board.close();
    }
}
