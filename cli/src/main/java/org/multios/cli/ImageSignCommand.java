package org.multios.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.multios.kernel.fs.mfs.MfsException;
import org.multios.kernel.fs.mfs.MfsVolume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code multios image sign} and {@code image keygen}: verified boot's signatures (docs/tpm.md). */
final class ImageSignCommand {
    private ImageSignCommand() {}

    static final String STAGE2 = "/boot/stage2.bin", CFG = "/boot/multios.cfg";

    /** The files stage 1 and stage 2 verify: stage 2, then every kernel and initrd of the menu. */
    static List<String> bootFiles(String cfg) {
        Set<String> files = new LinkedHashSet<>();
        files.add(STAGE2);
        for (String line : cfg.split("\n")) {
            String[] w = line.trim().split("\\s+", 2);
            if (w.length == 2 && (w[0].equals("kernel") || w[0].equals("initrd"))) {
                String path = w[1].replaceAll("\\s+#.*$", "").trim();
                if (!path.isEmpty()) files.add(path);
            }
        }
        return new ArrayList<>(files);
    }

    static byte[] readAll(MfsVolume v, String path) throws IOException {
        long ino = v.resolve(path, true);
        long size = v.stat(ino).size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 20];
        for (long off = 0; off < size;) {
            int n = v.read(ino, off, buf, 0, buf.length);
            if (n <= 0) break;
            out.write(buf, 0, n);
            off += n;
        }
        return out.toByteArray();
    }

    static void writeAll(MfsVolume v, String path, byte[] data) throws IOException {
        long ino;
        try {
            ino = v.resolve(path, true);
            v.truncate(ino, 0);
        } catch (MfsException e) {
            if (e.errno() != MfsException.Errno.ENOENT) throw e;
            MfsVolume.ParentAndName pn = v.resolveParent(path);
            ino = v.create(pn.dir(), pn.name(), 0644, 0, 0);
        }
        v.write(ino, 0, data, 0, data.length);
        v.fsync(ino);
    }

    /** Signs every boot file of the boot volume (FILE.sig next to FILE); returns the files signed. */
    static List<String> signVolume(MfsVolume v, ECPrivateKey key) throws IOException, GeneralSecurityException {
        String cfg = new String(readAll(v, CFG), StandardCharsets.UTF_8);
        List<String> signed = new ArrayList<>();
        for (String f : bootFiles(cfg)) {
            byte[] data = readAll(v, f);
            writeAll(v, f + ".sig", SecureBootKeys.sign(key, data));
            signed.add(f);
        }
        return signed;
    }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Sign the boot files of an image for --secure-boot: /boot/stage2.bin and every kernel and initrd",
                    "named in /boot/multios.cfg get FILE.sig (DER ECDSA P-256 over SHA-256) next to them."})
    static final class Sign implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Option(names = "--key", required = true, paramLabel = "KEY.pem", description = "PKCS#8 PEM P-256 private key (see 'image keygen').") Path key;
        @Parameters(index = "0", paramLabel = "IMG") Path img;

        @Override
        public Integer call() throws Exception {
            ECPrivateKey k = SecureBootKeys.readPrivate(key);
            ImageCommand.Target t = new ImageCommand.Target();
            t.partition = "boot";
            try (ImageCommand.Opened o = ImageCommand.open(img, t, true, false)) {
                ImageCommand.requireWritable(o);
                try {
                    for (String f : signVolume(o.vol, k)) image.top.out.println("signed " + f + " -> " + f + ".sig");
                } catch (IOException e) {
                    throw ImageCommand.fail(o, null, e);
                }
            }
            return 0;
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make a secure boot key pair: KEY.pem (PKCS#8 private) and KEY.pub.pem (public, for boot --secure-boot-key).")
    static final class Keygen implements Callable<Integer> {
        @ParentCommand ImageCommand image;
        @Parameters(index = "0", paramLabel = "KEY.pem") Path out;

        @Override
        public Integer call() throws Exception {
            KeyPair kp = SecureBootKeys.generate();
            String name = out.getFileName().toString();
            Path pub = out.resolveSibling((name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name) + ".pub.pem");
            try {
                SecureBootKeys.writePrivate(out, kp.getPrivate());
                SecureBootKeys.writePublic(pub, kp.getPublic());
            } catch (IOException e) {
                throw new UserInputException(out + ": cannot write (" + e.getMessage() + ")");
            }
            byte[] xy = SecureBootKeys.rawPoint((ECPublicKey) kp.getPublic());
            image.top.out.println("wrote " + out + " and " + pub + " (P-256, public x||y " + java.util.HexFormat.of().formatHex(xy, 0, 8) + "...)");
            return 0;
        }
    }
}
