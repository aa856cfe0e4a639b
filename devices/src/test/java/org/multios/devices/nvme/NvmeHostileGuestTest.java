package org.multios.devices.nvme;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.devices.nvme.NvmeRig.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.devices.pci.PciRegister;

/**
 * Must show 4: a hostile guest. Random and adversarial register writes, queue sizes,
 * doorbell values, command fields and PRP pointers (outside RAM, unaligned, pointing
 * into the queues themselves) must end in NVMe statuses or CSTS.CFS: never a host
 * exception, a hang, or a disk access outside the image. Seeded, so a failure replays.
 */
class NvmeHostileGuestTest {
    @TempDir Path dir;

    static final int ITERATIONS = 4000;

    /** Addresses a hostile guest likes: inside RAM (often where queues live), just outside, far outside, unaligned. */
    static long pointer(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> RAM + r.nextInt(0x40000) * 8L;                 // low RAM: queues, lists
            case 1 -> RAM + (r.nextInt(64) << 12);                    // page aligned
            case 2 -> RAM + RAM_SIZE - r.nextInt(3) * 4096L - r.nextInt(16); // straddling the end
            case 3 -> r.nextLong();                                   // anywhere
            case 4 -> RAM - 4096 + r.nextInt(8192);                   // straddling the start
            case 5 -> RAM + r.nextInt((int) RAM_SIZE);                // unaligned inside
            case 6 -> 0;
            default -> BAR + r.nextInt(0x4000);                       // the device's own registers
        };
    }

    static int interesting(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> r.nextInt(4);
            case 3 -> r.nextInt(0x10000);
            case 4 -> 1 << r.nextInt(32);
            default -> r.nextInt();
        };
    }

    record Outcome(String ram, String disk, long csts, int violations) {}

    Outcome fuzz(long seed, Path work) throws Exception {
        Files.createDirectories(work);
        Path p1 = image(work, "a.img", 256, 1), p2 = image(work, "b.img", 64, 2);
        long size1 = Files.size(p1);
        byte[] readOnlyBefore = Files.readAllBytes(p2);
        CheckedDisk d1 = new CheckedDisk(disk(p1, ""), false), d2 = new CheckedDisk(disk(p2, ",readonly"), false);
        Random r = new Random(seed);
        NvmeRig rig = new NvmeRig(List.of(d1, d2));
        int[] opcodesAdmin = {0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0a, 0x0c};
        int[] opcodesIo = {0x00, 0x01, 0x02, 0x08, 0x09};
        try {
            rig.enable(4 + r.nextInt(60));
            for (int i = 0; i < ITERATIONS; i++) {
                NvmeController ctl0 = rig.nvme.controller();
                if ((!ctl0.isReady() || ctl0.isFatal()) && r.nextInt(3) != 0) {
                    // The guest's driver notices and resets the controller properly (keeps the fuzz deep).
                    rig.reg(NvmeRegister.CC, 0);
                    rig.run();
                    rig.configure();
                    rig.reg(NvmeRegister.AQA, 63 | 63L << 16);
                    rig.reg(NvmeRegister.ASQ, ASQ);
                    rig.reg(NvmeRegister.ACQ, ACQ);
                    rig.reg(NvmeRegister.CC, CC_ENABLE);
                    rig.run();
                }
                int action = r.nextInt(100);
                if (action < 10) {
                    // random register write, any size, anywhere in the BAR
                    int size = 1 << r.nextInt(4);
                    long off = r.nextBoolean() ? r.nextInt(0x40) : 0x1000 + r.nextInt(0x100);
                    if (r.nextInt(5) == 0) off = r.nextInt(0x4000);
                    rig.bus.write(BAR + (off & -size), size, interesting(r));
                } else if (action < 16) {
                    // (re-)enable with hostile admin queue parameters
                    rig.reg(NvmeRegister.CC, 0);
                    rig.run();
                    rig.reg(NvmeRegister.AQA, interesting(r) & 0x0fff_0fffL);
                    rig.reg(NvmeRegister.ASQ, r.nextInt(3) == 0 ? pointer(r) : ASQ);
                    rig.reg(NvmeRegister.ACQ, r.nextInt(3) == 0 ? pointer(r) : ACQ);
                    rig.reg(NvmeRegister.CC, r.nextInt(4) == 0 ? interesting(r) | 1 : CC_ENABLE);
                } else if (action < 22) {
                    // a well-formed burst: the whole admin queue full of queue creations for random
                    // qids (sizes random, sometimes overlapping another queue's memory), then some tail
                    for (int slot = 0; slot < 64; slot++) {
                        int q = 1 + r.nextInt(16), n = 2 + r.nextInt(r.nextBoolean() ? 8 : 200);
                        byte[] e = (slot & 1) == 0
                                ? sqe(0x05, 0, r.nextInt(8) == 0 ? ioSq(q) : ioCq(q), 0, q | (n - 1) << 16, 1 | (r.nextBoolean() ? 2 : 0) | r.nextInt(18) << 16)
                                : sqe(0x01, 0, ioSq(q), 0, q | (n - 1) << 16, 1 | (r.nextInt(6) == 0 ? 1 + r.nextInt(16) : q) << 16);
                        if (r.nextInt(16) == 0) e = sqe(r.nextBoolean() ? 0x00 : 0x04, 0, 0, 0, q);
                        rig.ram.load(ASQ - RAM + 64L * slot, e, 0, 64);
                    }
                    rig.bus.write(BAR + 0x1000, 4, r.nextInt(64));
                } else if (action < 34) {
                    // a well-formed I/O burst with real PRPs (some lists, some overlapping the queues)
                    int q = 1 + r.nextInt(16);
                    for (int slot = 0; slot < 64; slot++) {
                        int nlb = r.nextInt(4) == 0 ? r.nextInt(64) : r.nextInt(8);
                        long buf = RAM + 0x100000 + r.nextInt(256) * 4096L;
                        long prp2 = nlb * 512 + 512 > 4096 ? RAM + 0x80000 + r.nextInt(512) * 8L : buf + 4096;
                        int op = opcodesIo[r.nextInt(opcodesIo.length)];
                        byte[] e = sqe(op, 1 + r.nextInt(2), r.nextInt(10) == 0 ? ioSq(q) : buf, prp2,
                                r.nextInt(r.nextBoolean() ? 60 : 280), 0, nlb | (r.nextInt(4) == 0 ? 1 << 30 : 0), 4);
                        rig.ram.load(ioSq(q) - RAM + 64L * slot, e, 0, 64);
                    }
                    for (int k = 0; k < 64; k++) rig.ram.write(0x80000 + 8L * r.nextInt(512), 8, RAM + 0x100000 + r.nextInt(256) * 4096L);
                    rig.bus.write(BAR + 0x1000 + 8L * q, 4, r.nextInt(64));
                } else if (action < 50) {
                    // an admin command with hostile fields, submitted at a random slot, tail anywhere
                    byte[] e = sqe(r.nextInt(8) == 0 ? r.nextInt(256) : opcodesAdmin[r.nextInt(opcodesAdmin.length)],
                            r.nextInt(4) == 0 ? interesting(r) : r.nextInt(4), pointer(r), pointer(r),
                            interesting(r) & (r.nextBoolean() ? 0xffff_00ff : -1), interesting(r) | (r.nextBoolean() ? 1 : 0),
                            interesting(r), interesting(r));
                    if (r.nextInt(10) == 0) e[1] = (byte) r.nextInt(256); // fuse / PSDT bits
                    rig.ram.load(ASQ - RAM + 64L * r.nextInt(64), e, 0, 64);
                    rig.bus.write(BAR + 0x1000, 4, r.nextInt(4) == 0 ? interesting(r) : r.nextInt(8));
                } else if (action < 85) {
                    // an I/O command on a queue that may or may not exist
                    int q = 1 + r.nextInt(17);
                    long slba = r.nextInt(3) == 0 ? interesting(r) & 0xffff_ffffL : r.nextInt(300);
                    byte[] e = sqe(r.nextInt(10) == 0 ? r.nextInt(256) : opcodesIo[r.nextInt(opcodesIo.length)],
                            r.nextInt(6) == 0 ? interesting(r) : 1 + r.nextInt(2), pointer(r), pointer(r),
                            (int) slba, r.nextInt(5) == 0 ? interesting(r) : 0,
                            (r.nextInt(4) == 0 ? interesting(r) : r.nextInt(300)) | (r.nextBoolean() ? 1 << 30 : 0), interesting(r) & 4);
                    rig.ram.load(ioSq(q) - RAM + 64L * r.nextInt(64), e, 0, 64);
                    rig.bus.write(BAR + 0x1000 + 8L * q, 4, r.nextInt(4) == 0 ? interesting(r) : r.nextInt(64));
                } else if (action < 93) {
                    // completion queue head doorbells, sane and not
                    int q = r.nextInt(18);
                    rig.bus.write(BAR + 0x1000 + 8L * q + 4, 4, r.nextInt(3) == 0 ? interesting(r) : r.nextInt(64));
                } else if (action < 97) {
                    // configuration space: command register, MSI-X / MSI control, random bytes
                    int reg = switch (r.nextInt(4)) {
                        case 0 -> PciRegister.COMMAND;
                        case 1 -> 0x40 + r.nextInt(0x40);
                        default -> r.nextInt(0x100);
                    };
                    rig.cfgWrite(reg & ~3, 4, interesting(r));
                    if (r.nextBoolean()) rig.configure();
                } else {
                    // MSI-X table scribbles
                    rig.bus.write(BAR + NvmePciFunction.MSIX_TABLE + r.nextInt(17 * 16) / 4 * 4, 4, r.nextBoolean() ? pointer(r) : interesting(r));
                }
                rig.run();
            }
            rig.reg(NvmeRegister.CC, 0);
            rig.run();
            NvmeController ctl = rig.nvme.controller();
            if (ctl.internalErrors() > 0) throw new AssertionError("internal error in the model", ctl.lastInternalError());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] all = new byte[(int) RAM_SIZE];
            rig.ram.segment().asByteBuffer().get(all);
            String ram = HexFormat.of().formatHex(md.digest(all));
            long csts = rig.reg(NvmeRegister.CSTS);
            rig.close();
            assertEquals(size1, Files.size(p1), "image size unchanged");
            assertArrayEquals(readOnlyBefore, Files.readAllBytes(p2), "read-only namespace untouched");
            System.err.printf("nvme fuzz seed %d: %d disk operations, %d errors logged, CSTS %x%n",
                    seed, d1.operations.get() + d2.operations.get(), ctl.log.errorCount(), csts);
            assertTrue(d1.operations.get() > 100, "the fuzz reached the disk: " + d1.operations.get());
            String disk = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p1)));
            return new Outcome(ram, disk, csts, d1.violations.get() + d2.violations.get());
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ": " + t, t);
        }
    }

    @Test
    void randomAndAdversarialGuestsGetStatusesNeverHostFailures() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            for (long seed = 1; seed <= 3; seed++) {
                Outcome o = fuzz(seed, dir.resolve("s" + seed));
                assertEquals(0, o.violations(), "disk accesses outside the image");
            }
        });
    }

    @Test
    void theSameHostileRunIsReproducible() {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            Outcome a = fuzz(99, dir.resolve("a")), b = fuzz(99, dir.resolve("b"));
            assertEquals(a, b, "same seed, same guest memory, disk and status");
        });
    }
}
