package org.multios.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.multios.kernel.fs.image.DefaultImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The files of a network boot (docs/boot.md "Network boot"): what a TFTP directory for
 * {@code multios boot --boot net --tftp DIR} holds — {@code stage2.bin} (the DHCP boot file),
 * {@code multios.cfg} (the network menu: relative names, initrd root), {@code kernel.elf} and
 * {@code initrd.cpio} — taken from the same resources as the default disk image.
 */
final class NetBootFiles {
    /** The DHCP boot file name {@code boot --boot net} announces unless {@code --net user,bootfile=} says otherwise. */
    static final String BOOT_FILE = "stage2.bin";

    private NetBootFiles() {}

    /** Writes the four files into dir (created if missing); returns their names. */
    static java.util.List<String> export(DefaultImage.Resources res, Path dir) throws IOException {
        Files.createDirectories(dir);
        DefaultImage image = new DefaultImage(res);
        write(dir, BOOT_FILE, need(res, DefaultImage.FIRMWARE + "stage2.bin"));
        write(dir, "multios.cfg", need(res, DefaultImage.FIRMWARE + "multios-net.cfg"));
        write(dir, "kernel.elf", need(res, DefaultImage.FIRMWARE + "kernel.elf"));
        write(dir, "initrd.cpio", image.initrd());
        return java.util.List.of(BOOT_FILE, "multios.cfg", "kernel.elf", "initrd.cpio");
    }

    private static byte[] need(DefaultImage.Resources res, String name) throws IOException {
        byte[] b = res.read(name);
        if (b == null) throw new DefaultImage.ImageException("missing resource " + name);
        return b;
    }

    private static void write(Path dir, String name, byte[] data) throws IOException {
        Files.write(dir.resolve(name), data);
    }

    /** {@code multios image export-tftp DIR}. */
    @Command(name = "export-tftp", mixinStandardHelpOptions = true,
            description = "Write the network boot files (stage2.bin, multios.cfg, kernel.elf, initrd.cpio) into DIR, for boot --boot net --tftp DIR.")
    static final class ExportCommand implements Callable<Integer> {
        @ParentCommand ImageCommand parent;

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory to fill (created if missing).")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserInputException("image export-tftp: " + dir + " is not a directory");
            java.util.List<String> names;
            try {
                names = export(DefaultImage.Resources.of(NetBootFiles.class.getClassLoader()), dir);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new UserInputException("image export-tftp: cannot write " + e.getFile());
            }
            for (String n : names) parent.top.out.println(dir.resolve(n) + " (" + Files.size(dir.resolve(n)) + " bytes)");
            return 0;
        }
    }
}
