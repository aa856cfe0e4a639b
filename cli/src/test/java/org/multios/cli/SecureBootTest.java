package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, Must show 3 (verified half): {@code image keygen} + {@code image sign}, then
 * {@code boot --secure-boot}: a signed image boots with every file verified by the TPM; one
 * changed kernel byte, or an unsigned image, stops the boot with a message naming the file.
 */
class SecureBootTest {
    @Test
    @Timeout(300)
    void signedBootsTamperedAndUnsignedStop(@TempDir Path tmp) throws Exception {
        Path key = tmp.resolve("sb.pem"), pub = tmp.resolve("sb.pub.pem"), img = tmp.resolve("d.img"), kernel = tmp.resolve("kernel.elf");
        MeasuredBootTest.cli("image", "keygen", key.toString());
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----"));
        MeasuredBootTest.cli("image", "create", "--size", "64M", img.toString());
        Path unsigned = tmp.resolve("unsigned.img");
        Files.copy(img, unsigned);
        MeasuredBootTest.cli("image", "sign", img.toString(), "--key", key.toString());

        try (BootHarness h = new BootHarness("--secure-boot", "--secure-boot-key", pub.toString(), "--rtc", "fixed", "--disk", img.toString())) {
            h.waitFor("tpm: TCG event log of ");
            String s = h.screen.text();
            for (String f : new String[] {"/boot/stage2.bin", "/boot/kernel.elf", "/boot/initrd.cpio"})
                assertTrue(s.contains("secure boot: " + f + " verified (ECDSA P-256, TPM2_VerifySignature)"), f + ":\n" + s);
            assertTrue(s.contains(", secure boot verified"), s);
        }

        // A key that did not sign the image: refused at stage 2 already.
        Path other = tmp.resolve("other.pem");
        MeasuredBootTest.cli("image", "keygen", other.toString());
        stops(img, other, "stage1: error: secure boot: /boot/stage2.bin failed verification");

        MeasuredBootTest.cli("image", "get", "--partition", "boot", img.toString(), "/boot/kernel.elf", kernel.toString());
        byte[] k = Files.readAllBytes(kernel);
        k[k.length - 1] ^= 0x01;
        Files.write(kernel, k);
        MeasuredBootTest.cli("image", "put", "--partition", "boot", img.toString(), kernel.toString(), "/boot/kernel.elf");
        stops(img, pub, "stage2: error: secure boot: /boot/kernel.elf failed verification: its signature /boot/kernel.elf.sig does not match");

        stops(unsigned, pub, "stage1: error: secure boot: /boot/stage2.bin is not signed (/boot/stage2.bin.sig not found on the boot partition)");
    }

    static void stops(Path img, Path key, String message) throws Exception {
        try (BootHarness h = new BootHarness("--secure-boot", "--secure-boot-key", key.toString(), "--rtc", "fixed", "--disk", img.toString())) {
            h.waitFor(message);
            h.waitFor("halted");
            h.awaitEnd(60_000);
            String s = h.screen.text();
            assertFalse(s.contains("Booting MultiOS"), "the kernel must not run:\n" + s);
        }
    }
}
