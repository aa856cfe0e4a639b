package org.multios.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference guest for {@link NetBenchReport}'s QEMU column: Debian's riscv64 Linux kernel with
 * its virtio-net modules and busybox-static (fetched by {@code benchmarks/fetch-qemu-net-guest.sh})
 * under {@code qemu-system-riscv64 -M virt} (TCG, OpenSBI from QEMU), one virtio-net-pci NIC on the
 * given {@code -netdev}. The initramfs is made here (cpio newc): {@code /init} loads the modules,
 * sets the address and route with busybox's ifconfig/route and starts a shell on the console.
 */
final class QemuLinuxGuest extends NetBenchReport.Shell {
    static final Path DIR = Path.of(System.getProperty("multios.qemuNetGuest",
            System.getProperty("user.home") + "/.cache/multios/qemu-net-guest"));
    static final List<String> MODULES = List.of("failover", "net_failover", "virtio_net");
    static final String PROMPT = "\nqemu# ";
    private final Process process;

    private QemuLinuxGuest(NetBenchReport.Screen screen, Process p) {
        super(screen, p.getOutputStream(), p::isAlive, PROMPT);
        this.process = p;
    }

    static String missing() {
        for (String f : List.of("vmlinux", "busybox", "modules/virtio_net.ko")) if (!Files.isReadable(DIR.resolve(f))) return DIR.resolve(f) + " missing";
        if (!GuestFsBench.onPath("qemu-system-riscv64")) return "qemu-system-riscv64 missing";
        return null;
    }

    static boolean available() { return missing() == null; }

    static String version() {
        try {
            return Files.readString(DIR.resolve("version")).strip();
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    /** Boots, configures eth0 as {@code address}/24 (+ default route via {@code gateway}), and waits for the shell. */
    static QemuLinuxGuest boot(String netdev, String mac, String address, String gateway) throws Exception {
        Path initrd = Files.createTempFile("netbench-initrd", ".cpio");
        Files.write(initrd, initramfs(address, gateway));
        Process p = new ProcessBuilder("qemu-system-riscv64", "-M", "virt", "-m", "512M", "-smp", "1", "-nographic", "-bios", "default",
                "-kernel", DIR.resolve("vmlinux").toString(), "-initrd", initrd.toString(), "-append", "console=ttyS0 rdinit=/init quiet",
                "-netdev", netdev, "-device", "virtio-net-pci,netdev=n,mac=" + mac).redirectErrorStream(true).start();
        NetBenchReport.Screen s = new NetBenchReport.Screen();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                p.getInputStream().transferTo(s);
            } catch (IOException e) {
                // the process ended
            }
        });
        QemuLinuxGuest g = new QemuLinuxGuest(s, p);
        g.waitFor("qemu-net-guest-ready");
        g.expectPrompt();
        Files.deleteIfExists(initrd);
        return g;
    }

    static byte[] initramfs(String address, String gateway) throws IOException {
        String init = "#!/bin/busybox sh\n"
                + "/bin/busybox --install -s /bin\n"
                + "mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev\n"
                + "for m in " + String.join(" ", MODULES) + "; do insmod /lib/$m.ko; done\n"
                + "ifconfig lo 127.0.0.1 up\n"
                + "ifconfig eth0 " + address + " netmask 255.255.255.0 up\n"
                + (gateway != null ? "route add default gw " + gateway + "\n" : "")
                + "export PS1='qemu# '\n"
                + "echo qemu-net-guest-ready\n"
                + "exec sh\n";
        Newc c = new Newc();
        for (String d : new String[] {"bin", "dev", "proc", "sys", "tmp", "lib"}) c.add(d, 040755, new byte[0], 0);
        c.add("dev/console", 020600, new byte[0], 5 << 8 | 1);
        c.add("bin/busybox", 0100755, Files.readAllBytes(DIR.resolve("busybox")), 0);
        for (String m : MODULES) c.add("lib/" + m + ".ko", 0100644, Files.readAllBytes(DIR.resolve("modules/" + m + ".ko")), 0);
        c.add("init", 0100755, init.getBytes(StandardCharsets.US_ASCII), 0);
        return c.finish();
    }

    @Override String name() { return "QEMU"; }

    @Override String httpdInBackground(String dir, int n) { return "httpd -p 80 -h " + dir; } // busybox httpd daemonizes

    @Override
    public void close() throws Exception {
        process.destroyForcibly().waitFor();
    }

    /** A cpio "newc" archive (the initramfs format): 110-byte ASCII headers, 4-byte alignment. */
    static final class Newc {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int ino = 1;

        void add(String name, int mode, byte[] data, int rdev) {
            byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
            String h = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino++, mode, 0, 0, 1, 0, data.length, 0, 0,
                    rdev >>> 8, rdev & 0xff, n.length, 0);
            out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(n);
            pad();
            out.writeBytes(data);
            pad();
        }

        private void pad() { while (out.size() % 4 != 0) out.write(0); }

        byte[] finish() {
            add("TRAILER!!!", 0, new byte[0], 0);
            return out.toByteArray();
        }
    }
}
