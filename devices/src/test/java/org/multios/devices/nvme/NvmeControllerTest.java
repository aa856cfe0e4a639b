package org.multios.devices.nvme;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.devices.nvme.NvmeRig.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.devices.pci.PciRegister;

class NvmeControllerTest {
    @TempDir Path dir;
    Path img1, img2, img3;
    NvmeRig rig;

    @BeforeEach
    void setUp() throws Exception {
        img1 = image(dir, "ns1.img", 2048, 0x10);   // 1 MiB
        img2 = image(dir, "ns2.img", 512, 0x80);    // 256 KiB
        img3 = image(dir, "ns3.img", 64, 0x40);     // read-only
        rig = new NvmeRig(List.of(disk(img1, ""), disk(img2, ""), disk(img3, ",readonly")));
    }

    @AfterEach
    void tearDown() throws Exception { rig.close(); }

    static final long DATA = RAM + 0x100000, DATA2 = RAM + 0x200000, LIST = RAM + 0x80000;

    @Test
    void pciIdentityIsQemusNvme() {
        assertEquals(0x0010_1b36L, rig.cfgRead(0, 4));
        assertEquals(0x0108_02L, rig.cfgRead(0x08, 4) >>> 8);
        rig.cfgWrite(0x10, 4, 0xffff_ffffL);
        rig.cfgWrite(0x14, 4, 0xffff_ffffL);
        assertEquals(0xffff_c004L, rig.cfgRead(0x10, 4), "16 KiB 64-bit BAR");
    }

    @Test
    void capabilitiesAndEnableSequenceInVirtualTime() {
        rig.configure();
        long cap = rig.reg(NvmeRegister.CAP);
        assertEquals(2047, cap & 0xffff, "MQES");
        assertEquals(1, (cap >>> 16) & 1, "CQR");
        assertEquals(0, (cap >>> 32) & 0xf, "DSTRD");
        assertEquals(1, (cap >>> 37) & 0xff, "CSS: NVM");
        assertEquals(0, (cap >>> 48) & 0xf, "MPSMIN");
        assertEquals(4, (cap >>> 52) & 0xf, "MPSMAX");
        assertEquals(0x0001_0400L, rig.reg(NvmeRegister.VS));
        assertEquals(cap & 0xffff_ffffL, rig.bus.read(BAR, 4), "32-bit halves of CAP");
        rig.reg(NvmeRegister.AQA, 0x000f_000fL);
        rig.reg(NvmeRegister.ASQ, ASQ | 0xabc);
        assertEquals(ASQ, rig.reg(NvmeRegister.ASQ), "ASQ low 12 bits reserved");
        rig.reg(NvmeRegister.ACQ, ACQ);
        rig.reg(NvmeRegister.CC, CC_ENABLE);
        assertEquals(0, rig.reg(NvmeRegister.CSTS) & 1, "not ready at once");
        long t0 = rig.clock.nanos();
        rig.run();
        assertEquals(1, rig.reg(NvmeRegister.CSTS) & 1);
        assertTrue(rig.clock.nanos() - t0 >= NvmeController.READY_DELAY_NS);
        // Shutdown notification: SHST goes 01 then 10.
        rig.reg(NvmeRegister.CC, CC_ENABLE | 1 << 14);
        assertEquals(1, (rig.reg(NvmeRegister.CSTS) >>> 2) & 3);
        rig.run();
        assertEquals(2, (rig.reg(NvmeRegister.CSTS) >>> 2) & 3);
        rig.reg(NvmeRegister.CC, 0);
        rig.run();
        assertEquals(0, rig.reg(NvmeRegister.CSTS) & 1, "disabled");
        // Invalid page size at enable: controller fatal status, nothing thrown.
        rig.reg(NvmeRegister.CC, CC_ENABLE | 9 << 7);
        rig.run();
        assertEquals(2, rig.reg(NvmeRegister.CSTS) & 3, "CFS, not RDY");
        rig.reg(NvmeRegister.CC, 0);
        rig.run();
        assertEquals(0, rig.reg(NvmeRegister.CSTS) & 3, "reset clears CFS");
    }

    @Test
    void identifyControllerNamespacesAndActiveList() {
        rig.enable(8);
        assertEquals(0, rig.admin(sqe(0x06, 0, DATA, 0, 1)).status());
        byte[] id = rig.mem(DATA, 4096);
        assertEquals(0x1b36, (id[0] & 0xff) | (id[1] & 0xff) << 8);
        assertEquals("MultiOS NVMe Ctrl", new String(id, 24, 40, StandardCharsets.US_ASCII).trim());
        assertEquals(3, id[516], "NN");
        assertEquals(0x66, id[512] & 0xff);
        assertEquals(0x44, id[513] & 0xff);
        assertEquals(0x0c, id[520], "ONCS: DSM + Write Zeroes");
        assertEquals(0, rig.admin(sqe(0x06, 1, DATA, 0, 0)).status());
        byte[] ns = rig.mem(DATA, 4096);
        assertEquals(2048, java.nio.ByteBuffer.wrap(ns, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals(9, ns[128 + 2], "LBADS");
        assertEquals(0, ns[99], "writable");
        assertEquals(0, rig.admin(sqe(0x06, 3, DATA, 0, 0)).status());
        assertEquals(1, rig.mem(DATA, 4096)[99], "namespace 3 is write protected");
        assertEquals(0, rig.admin(sqe(0x06, 1, DATA, 0, 2)).status(), "active namespaces after 1");
        byte[] list = rig.mem(DATA, 16);
        assertArrayEquals(new byte[] {2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, list);
        assertEquals(NvmeStatus.INVALID_NAMESPACE | NvmeStatus.DNR, rig.admin(sqe(0x06, 4, DATA, 0, 0)).status());
        assertEquals(NvmeStatus.INVALID_FIELD | NvmeStatus.DNR, rig.admin(sqe(0x06, 0, DATA, 0, 0x55)).status());
        assertEquals(NvmeStatus.INVALID_OPCODE | NvmeStatus.DNR, rig.admin(sqe(0x7f, 0, 0, 0)).status());
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR | NvmeStatus.DNR, rig.admin(sqe(0x06, 0, 0x1000, 0, 1)).status(), "buffer not in RAM");
    }

    @Test
    void queueCreationChecksEverySpecError() {
        rig.enable(16);
        int cqCmd = 0x05, sqCmd = 0x01;
        assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1), 0, 0 | 15 << 16, 1)).status(), "qid 0");
        assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1), 0, 17 | 15 << 16, 1)).status(), "qid too big");
        assertEquals(NvmeStatus.INVALID_QUEUE_SIZE | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1), 0, 1, 1)).status(), "1 entry");
        assertEquals(NvmeStatus.INVALID_QUEUE_SIZE | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1), 0, 1 | 2048 << 16, 1)).status(), "over MQES");
        assertEquals(NvmeStatus.INVALID_INTERRUPT_VECTOR | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1), 0, 1 | 15 << 16, 1 | 99 << 16)).status());
        assertEquals(NvmeStatus.INVALID_FIELD | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1), 0, 1 | 15 << 16, 0)).status(), "not contiguous");
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(1) + 8, 0, 1 | 15 << 16, 1)).status());
        assertEquals(NvmeStatus.INVALID_FIELD | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, 0x2000_0000L, 0, 1 | 15 << 16, 1)).status(), "outside RAM");
        assertEquals(NvmeStatus.COMPLETION_QUEUE_INVALID | NvmeStatus.DNR, rig.admin(sqe(sqCmd, 0, ioSq(1), 0, 1 | 15 << 16, 1 | 1 << 16)).status());
        rig.createIoQueues(1, 16, false, 0);
        assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(2), 0, 1 | 15 << 16, 1)).status(), "exists");
        assertEquals(NvmeStatus.INVALID_QUEUE_DELETION | NvmeStatus.DNR, rig.admin(sqe(0x04, 0, 0, 0, 1)).status(), "CQ still has an SQ");
        assertEquals(0, rig.admin(sqe(0x00, 0, 0, 0, 1)).status());
        assertEquals(0, rig.admin(sqe(0x04, 0, 0, 0, 1)).status());
        assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER | NvmeStatus.DNR, rig.admin(sqe(0x00, 0, 0, 0, 1)).status(), "already gone");
        // Number of Queues: granted at most 16, refused once queues exist.
        var c = rig.admin(sqe(0x09, 0, 0, 0, 0x07, 3 | 3 << 16));
        assertEquals(0, c.status());
        assertEquals(3 | 3 << 16, c.dw0());
        rig.createIoQueues(1, 4, false, 0);
        assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER | NvmeStatus.DNR, rig.admin(sqe(cqCmd, 0, ioCq(5), 0, 5 | 3 << 16, 1)).status(), "beyond granted");
        assertEquals(NvmeStatus.COMMAND_SEQUENCE_ERROR | NvmeStatus.DNR, rig.admin(sqe(0x09, 0, 0, 0, 0x07, 0)).status());
    }

    /** Builds a PRP list for {@code pages} scattered pages (in reverse order, to prove the walk). */
    long[] scatteredPages(int pages, long base) {
        long[] p = new long[pages];
        for (int i = 0; i < pages; i++) p[i] = base + (long) (pages - 1 - i) * 2 * 4096;
        return p;
    }

    void writeList(long at, long[] entries) {
        for (int i = 0; i < entries.length; i++) rig.ram.write(at - RAM + 8L * i, 8, entries[i]);
    }

    @Test
    void readWriteFlushWriteZeroesAndDeallocateThroughPrpLists() throws Exception {
        rig.enable(8);
        rig.createIoQueues(1, 32, false, 0);
        rig.createIoQueues(2, 4, false, 0);
        // 6 pages from an offset first page: PRP1 + list of 6 entries (24 KiB - 512 + ... ) = 48 blocks
        int blocks = 48;
        long[] pages = scatteredPages(7, DATA);
        long prp1 = pages[0] + 512;
        writeList(LIST, Arrays.copyOfRange(pages, 1, 7));
        byte[] pattern = new byte[blocks * 512];
        new Random(1).nextBytes(pattern);
        int at = 0;
        // scatter the pattern into the pages as a driver's buffer would be
        long[] seg = {prp1, pages[1], pages[2], pages[3], pages[4], pages[5], pages[6]};
        int[] len = {4096 - 512, 4096, 4096, 4096, 4096, 4096, 512};
        for (int i = 0; i < seg.length; i++) { rig.bus.dmaWrite(seg[i], pattern, at, len[i]); at += len[i]; }
        assertEquals(blocks * 512, at);
        assertEquals(0, rig.io(1, sqe(0x01, 1, prp1, LIST, 100, 0, blocks - 1)).status(), "write");
        assertEquals(0, rig.io(2, sqe(0x00, 1, 0, 0)).status(), "flush on another queue");
        byte[] file = Files.readAllBytes(img1);
        assertArrayEquals(pattern, Arrays.copyOfRange(file, 100 * 512, 148 * 512), "on disk after flush");
        // Read back into a different buffer with a two-level PRP list (list page chained).
        long list2 = RAM + 0x90000 + 4096 - 16; // two entries left in this list page
        long[] dst = scatteredPages(7, DATA2);
        rig.ram.write(list2 - RAM, 8, dst[1]);
        rig.ram.write(list2 - RAM + 8, 8, RAM + 0x95000); // last entry: pointer to the next list page
        writeList(RAM + 0x95000, Arrays.copyOfRange(dst, 2, 7));
        assertEquals(0, rig.io(1, sqe(0x02, 1, dst[0] + 512, list2, 100, 0, blocks - 1)).status(), "read");
        byte[] back = new byte[blocks * 512];
        long[] dseg = {dst[0] + 512, dst[1], dst[2], dst[3], dst[4], dst[5], dst[6]};
        at = 0;
        for (int i = 0; i < dseg.length; i++) { rig.bus.dmaRead(dseg[i], back, at, len[i]); at += len[i]; }
        assertArrayEquals(pattern, back);
        // Write Zeroes with FUA over 10 blocks, then a deallocate hint for 5 more via DSM.
        assertEquals(0, rig.io(1, sqe(0x08, 1, 0, 0, 100, 0, 9 | 1 << 30)).status());
        rig.ram.load(RAM + 0x70000 - RAM, rangeEntry(120, 5), 0, 16);
        assertEquals(0, rig.io(1, sqe(0x09, 1, RAM + 0x70000, 0, 0, 4)).status());
        assertEquals(0, rig.io(1, sqe(0x02, 1, DATA, DATA + 4096, 100, 0, 15)).status());
        byte[] got = rig.mem(DATA, 8192);
        for (int i = 0; i < 10 * 512; i++) assertEquals(0, got[i], "zeroed");
        assertArrayEquals(Arrays.copyOfRange(pattern, 10 * 512, 16 * 512), Arrays.copyOfRange(got, 10 * 512, 16 * 512));
        assertEquals(0, rig.io(1, sqe(0x00, 0xffff_ffff, 0, 0)).status(), "flush all namespaces");
        file = Files.readAllBytes(img1);
        for (int i = 100 * 512; i < 110 * 512; i++) assertEquals(0, file[i]);
        assertArrayEquals(Arrays.copyOfRange(pattern, 20 * 512, 25 * 512), Arrays.copyOfRange(file, 120 * 512, 125 * 512),
                "raw image: deallocate is a hint not acted on");
        assertEquals(0, rig.admin(sqe(0x06, 1, DATA, 0, 0)).status());
        assertEquals(0, rig.mem(DATA, 4096)[33], "DLFEAT: deallocation not reported for a raw image");
        assertEquals(pattern[25 * 512], file[125 * 512], "block after the range untouched");
    }

    @Test
    void deallocateOnAnOverlayNamespaceReadsZeroes() throws Exception {
        Path base = image(dir, "base.img", 1024, 0x33); // 512 KiB: 8 clusters of 64 KiB
        try (NvmeRig r = new NvmeRig(List.of(disk(base, ",overlay=" + dir.resolve("o.ovl"))))) {
            r.enable(8);
            r.createIoQueues(1, 8, false, 0);
            assertEquals(0, r.admin(sqe(0x06, 1, DATA, 0, 0)).status());
            assertEquals(0x09, r.mem(DATA, 4096)[33], "DLFEAT: deallocated blocks read zero");
            byte[] ranges = new byte[32];
            System.arraycopy(rangeEntry(128, 256), 0, ranges, 0, 16);  // two whole clusters
            System.arraycopy(rangeEntry(10, 3), 0, ranges, 16, 16);    // part of one
            r.ram.load(0x70000, ranges, 0, 32);
            assertEquals(0, r.io(1, sqe(0x09, 1, RAM + 0x70000, 0, 1, 4)).status());
        }
        byte[] base2 = Files.readAllBytes(base);
        assertEquals((byte) (0x33 + 128), base2[128 * 512], "base untouched");
        try (NvmeRig r = new NvmeRig(List.of(disk(base, ",overlay=" + dir.resolve("o.ovl"))))) {
            r.enable(8);
            r.createIoQueues(1, 8, false, 0);
            assertEquals(0, r.io(1, sqe(0x02, 1, DATA, DATA + 4096, 8, 0, 15)).status());
            byte[] got = r.mem(DATA, 8192);
            for (int i = 0; i < 8192; i++) {
                int block = 8 + i / 512;
                byte want = block >= 10 && block < 13 ? 0 : (byte) (0x33 + block);
                assertEquals(want, got[i], "block " + block);
            }
            assertEquals(0, r.io(1, sqe(0x02, 1, DATA, 0, 200, 0, 7)).status());
            for (byte x : r.mem(DATA, 4096)) assertEquals(0, x, "whole deallocated clusters read zero");
        }
    }

    static byte[] rangeEntry(long slba, int nlb) {
        byte[] e = new byte[16];
        put(e, 4, 4, nlb);
        put(e, 8, 8, slba);
        return e;
    }

    @Test
    void namespacesAreSeparateAndReadOnlyIsEnforced() throws Exception {
        rig.enable(8);
        rig.createIoQueues(1, 8, false, 0);
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) 0xee);
        rig.bus.dmaWrite(DATA, b, 0, 4096);
        assertEquals(0, rig.io(1, sqe(0x01, 2, DATA, 0, 0, 0, 7 | 1 << 30)).status(), "FUA write to ns 2");
        assertEquals((byte) 0xee, Files.readAllBytes(img2)[0]);
        assertEquals((byte) 0x10, Files.readAllBytes(img1)[0], "ns 1 untouched");
        byte[] ro = Files.readAllBytes(img3);
        assertEquals(NvmeStatus.WRITE_TO_READ_ONLY_RANGE | NvmeStatus.DNR, rig.io(1, sqe(0x01, 3, DATA, 0, 0, 0, 0)).status());
        assertEquals(NvmeStatus.WRITE_TO_READ_ONLY_RANGE | NvmeStatus.DNR, rig.io(1, sqe(0x08, 3, 0, 0, 0, 0, 0)).status());
        assertEquals(0, rig.io(1, sqe(0x02, 3, DATA, 0, 63, 0, 0)).status(), "last block readable");
        assertEquals((byte) (0x40 + 63), rig.mem(DATA, 1)[0]);
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | NvmeStatus.DNR, rig.io(1, sqe(0x02, 3, DATA, 0, 63, 0, 1)).status());
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | NvmeStatus.DNR, rig.io(1, sqe(0x02, 1, DATA, 0, -1, -1, 0)).status(), "SLBA overflow");
        assertEquals(NvmeStatus.INVALID_NAMESPACE | NvmeStatus.DNR, rig.io(1, sqe(0x02, 9, DATA, 0, 0, 0, 0)).status());
        assertEquals(NvmeStatus.INVALID_OPCODE | NvmeStatus.DNR, rig.io(1, sqe(0x55, 1, DATA, 0)).status());
        assertEquals(NvmeStatus.INVALID_FIELD | NvmeStatus.DNR, rig.io(1, sqe(0x02, 1, DATA, 0, 0, 0, 2047)).status(), "over MDTS");
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR | NvmeStatus.DNR, rig.io(1, sqe(0x02, 1, 0x1000_0000L, 0, 0, 0, 0)).status(), "PRP1 outside RAM");
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DNR, rig.io(1, sqe(0x02, 1, DATA, DATA2 + 8, 0, 0, 15)).status(), "PRP2 data pointer with offset");
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR | NvmeStatus.DNR, rig.io(1, sqe(0x01, 1, DATA, 0x7000_0000L, 0, 0, 31)).status(), "PRP list outside RAM");
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DNR, rig.io(1, sqe(0x02, 1, DATA + 2, 0, 0, 0, 0)).status(), "PRP1 not dword aligned");
        assertArrayEquals(ro, Files.readAllBytes(img3));
        // Errors land in the error log; SMART counts commands.
        assertEquals(0, rig.admin(sqe(0x02, 0, DATA, 0, 0x01 | 15 << 16)).status());
        assertTrue((rig.mem(DATA, 1)[0] & 0xff) >= 10, "error count");
        assertEquals(0, rig.admin(sqe(0x02, 0, DATA, 0, 0x02 | 127 << 16)).status());
        byte[] smart = rig.mem(DATA, 512);
        assertEquals(1, smart[80], "host write commands");
        assertEquals(NvmeStatus.INVALID_LOG_PAGE | NvmeStatus.DNR, rig.admin(sqe(0x02, 0, DATA, 0, 0x7f | 15 << 16)).status());
    }

    @Test
    void featuresGetAndSet() {
        rig.enable(8);
        assertEquals(1, rig.admin(sqe(0x0a, 0, 0, 0, 0x06)).dw0(), "write cache on by default");
        assertEquals(0, rig.admin(sqe(0x09, 0, 0, 0, 0x06, 0)).status());
        assertEquals(0, rig.admin(sqe(0x0a, 0, 0, 0, 0x06)).dw0());
        assertEquals(1, rig.admin(sqe(0x0a, 0, 0, 0, 0x06 | 1 << 8)).dw0(), "default value");
        assertEquals(0, rig.admin(sqe(0x09, 0, 0, 0, 0x08, 0x0a05)).status());
        assertEquals(0x0a05, rig.admin(sqe(0x0a, 0, 0, 0, 0x08)).dw0(), "interrupt coalescing");
        assertEquals(0, rig.admin(sqe(0x09, 0, 0, 0, 0x01, 0x0302_0103)).status());
        assertEquals(0x0302_0103, rig.admin(sqe(0x0a, 0, 0, 0, 0x01)).dw0(), "arbitration");
        assertEquals(15 | 15 << 16, rig.admin(sqe(0x0a, 0, 0, 0, 0x07)).dw0());
        assertEquals(NvmeStatus.FEATURE_NOT_SAVEABLE | NvmeStatus.DNR, rig.admin(sqe(0x09, 0, 0, 0, 0x06 | 1 << 31, 1)).status());
        assertEquals(NvmeStatus.INVALID_FIELD | NvmeStatus.DNR, rig.admin(sqe(0x0a, 0, 0, 0, 0x7e)).status());
        assertEquals(4, rig.admin(sqe(0x0a, 0, 0, 0, 0x06 | 3 << 8)).dw0(), "capabilities: changeable");
        assertEquals(1, rig.admin(sqe(0x08, 0, 0, 0, 0)).dw0() & 1, "Abort: command not aborted");
    }

    @Test
    void asyncEventRequestIsHeldUntilAnInvalidDoorbellWrite() {
        rig.enable(8);
        rig.cid = 41;
        byte[] aer = sqe(0x0c, 0, 0, 0);
        put(aer, 2, 2, 42);
        rig.ram.load(ASQ - RAM, aer, 0, 64);
        rig.asqTail = 1;
        rig.bus.write(BAR + 0x1000, 4, 1);
        rig.run();
        assertFalse(rig.readCqe(ACQ).phase(), "held: nothing posted");
        rig.bus.write(BAR + 0x1000 + 8 * 7, 4, 3); // SQ 7 tail: no such queue
        rig.run();
        var c = rig.readCqe(ACQ);
        assertTrue(c.phase());
        assertEquals(42, c.cid());
        assertEquals(0, c.status());
        assertEquals(0x01 << 16 | 0x00 << 8 | 0, c.dw0(), "error status, invalid doorbell register, log page 1");
    }

    @Test
    void intxFollowsUnconsumedCompletionsAndMask() {
        rig.enable(8);
        rig.createIoQueues(1, 8, true, 0);
        int wire = org.multios.devices.pci.PciHostBridge.intxWire(SLOT, 1);
        int id = rig.queue(1, sqe(0x00, 1, 0, 0));
        rig.ring(1);
        assertFalse(rig.wires[wire]);
        rig.run();
        assertTrue(rig.wires[wire], "completion pending: INTA asserted on the swizzled wire");
        assertNotEquals(0, rig.cfgRead(PciRegister.STATUS, 2) & PciRegister.STS_INTERRUPT);
        rig.reg(NvmeRegister.INTMS, 1);
        assertFalse(rig.wires[wire], "masked");
        rig.reg(NvmeRegister.INTMC, 1);
        assertTrue(rig.wires[wire]);
        assertEquals(id, rig.reap(1, true).cid());
        assertFalse(rig.wires[wire], "consumed: deasserted");
    }

    @Test
    void msixCompletionInterruptIsAMessageWriteIntoRam() {
        rig.enable(8);
        long table = BAR + NvmePciFunction.MSIX_TABLE;
        long doorbell = RAM + 0xF000;
        rig.bus.write(table + 16 * 3, 8, doorbell);
        rig.bus.write(table + 16 * 3 + 8, 4, 0x1234_5678L);
        rig.bus.write(table + 16 * 3 + 12, 4, 0); // unmask vector 3
        int msix = rig.nvme.capabilities().getFirst().offset();
        rig.cfgWrite(msix + 2, 2, 0x8000);
        rig.createIoQueues(2, 8, true, 3);
        rig.queue(2, sqe(0x00, 1, 0, 0));
        rig.ring(2);
        rig.run();
        assertEquals(0x1234_5678L, rig.ram.read(doorbell - RAM, 4));
        int wire = org.multios.devices.pci.PciHostBridge.intxWire(SLOT, 1);
        assertFalse(rig.wires[wire], "no INTx while MSI-X is on");
        // Masked vector: pending bit instead, message when unmasked.
        rig.ram.write(doorbell - RAM, 4, 0);
        rig.bus.write(table + 16 * 3 + 12, 4, 1);
        rig.reap(2, true);
        rig.queue(2, sqe(0x00, 1, 0, 0));
        rig.ring(2);
        rig.run();
        assertEquals(0, rig.ram.read(doorbell - RAM, 4));
        assertEquals(1 << 3, rig.bus.read(BAR + NvmePciFunction.MSIX_PBA, 8) & (1 << 3), "vector 3 pending (vector 0, the masked admin queue's, too)");
        rig.bus.write(table + 16 * 3 + 12, 4, 0);
        assertEquals(0x1234_5678L, rig.ram.read(doorbell - RAM, 4));
    }

    @Test
    void severalQueuesInterleaveAndCompletionsCarrySqHead() {
        rig.enable(8);
        for (int q = 1; q <= 4; q++) rig.createIoQueues(q, 4, false, 0);
        byte[] b = new byte[512];
        for (int q = 1; q <= 4; q++) {
            Arrays.fill(b, (byte) q);
            rig.bus.dmaWrite(DATA + q * 4096L, b, 0, 512);
            rig.queue(q, sqe(0x01, 2, DATA + q * 4096L, 0, q * 10, 0, 0));
            rig.queue(q, sqe(0x02, 2, DATA2 + q * 4096L, 0, q * 10, 0, 0));
        }
        for (int q = 1; q <= 4; q++) rig.ring(q);
        rig.run();
        for (int q = 1; q <= 4; q++) {
            var w = rig.reap(q, true);
            var r = rig.reap(q, true);
            assertEquals(0, w.status());
            assertEquals(0, r.status());
            assertEquals(q, r.sqId());
            assertEquals(2, r.sqHead());
            assertEquals((byte) q, rig.mem(DATA2 + q * 4096L, 1)[0], "read after write on the same queue sees it");
        }
    }

    @Test
    void aFullCompletionQueueHoldsBackFetchingInsteadOfOverflowing() {
        rig.enable(8);
        // CQ of 2 entries (one usable), SQ of 8 holding 5 flushes.
        assertEquals(0, rig.admin(sqe(0x05, 0, ioCq(1), 0, 1 | 1 << 16, 1)).status());
        assertEquals(0, rig.admin(sqe(0x01, 0, ioSq(1), 0, 1 | 7 << 16, 1 | 1 << 16)).status());
        rig.sqTail[1] = rig.cqHead[1] = 0;
        rig.cqPhase[1] = true;
        rig.ioEntries[1] = 8;
        for (int i = 0; i < 5; i++) rig.queue(1, sqe(0x00, 1, 0, 0));
        rig.ring(1);
        rig.run();
        rig.ioEntries[1] = 2; // the CQ's size, for reaping
        for (int i = 0; i < 5; i++) {
            var c = rig.reap(1, false);
            assertEquals(0, c.status());
            assertEquals(i + 1, c.sqHead(), "one command fetched per free CQ slot");
            assertFalse(rig.readCqe(ioCq(1) + 16L * rig.cqHead[1]).phase() == rig.cqPhase[1], "nothing more until the head moves");
            rig.bus.write(BAR + 0x1000 + 12, 4, rig.cqHead[1]);
            rig.run();
        }
    }

    @Test
    void deletingASubmissionQueueAbortsItsInFlightCommands() {
        rig.enable(8);
        rig.createIoQueues(1, 8, false, 0);
        int id = rig.queue(1, sqe(0x02, 1, DATA, 0, 0, 0, 7));
        rig.ring(1);
        rig.clock.advanceTo(rig.clock.nextDeadline()); // fetch only: the read is in flight
        rig.clock.fireDue();
        assertEquals(0, rig.admin(sqe(0x00, 0, 0, 0, 1)).status());
        var c = rig.reap(1, true);
        assertEquals(id, c.cid());
        assertEquals(NvmeStatus.ABORTED_SQ_DELETION | NvmeStatus.DNR, c.status());
        rig.run();
        assertFalse(rig.readCqe(ioCq(1) + 16).phase(), "the aborted read does not complete a second time");
    }

    @Test
    void adminQueueOutsideRamIsFatalNotAnException() {
        rig.configure();
        rig.reg(NvmeRegister.AQA, 0x0003_0003L);
        rig.reg(NvmeRegister.ASQ, 0x1_0000_0000L);
        rig.reg(NvmeRegister.ACQ, ACQ);
        rig.reg(NvmeRegister.CC, CC_ENABLE);
        rig.run();
        rig.bus.write(BAR + 0x1000, 4, 1);
        rig.run();
        assertEquals(3, rig.reg(NvmeRegister.CSTS) & 3, "ready and fatal");
        assertNotNull(rig.nvme.controller().fatalReason());
    }

    @Test
    void noBusMasteringNoDma() {
        rig.enable(8);
        rig.cfgWrite(PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE);
        rig.bus.write(BAR + 0x1000, 4, 1);
        rig.run();
        assertEquals(2, rig.reg(NvmeRegister.CSTS) & 2, "cannot fetch: fatal");
    }
}
