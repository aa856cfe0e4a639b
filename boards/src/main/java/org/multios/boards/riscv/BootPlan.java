package org.multios.boards.riscv;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;
import org.multios.boards.ImageFile;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.elf.ElfFile;
import org.multios.core.elf.ElfFormatException;
import org.multios.core.elf.ElfLoader;

/**
 * Where the firmware, the kernel and the device tree go, with QEMU virt's rules
 * (hw/riscv/boot.c):
 * <ul>
 * <li>{@code --bios FILE}: the firmware at the start of RAM (an ELF at its own addresses); the
 *     harts start there. The kernel goes at the first 2 MiB boundary after the firmware
 *     (0x80200000 for OpenSBI, where fw_jump expects it); an ELF kernel at its own addresses.
 * <li>{@code --bios none}: no firmware; a raw kernel at the start of RAM, an ELF kernel at its
 *     physical addresses, and the harts start at its entry in M-mode.
 * <li>An initrd at the kernel's entry plus half the RAM or 128 MiB, whichever is less (far enough
 *     for the kernel to unpack, low enough for the kernel to reach), announced in /chosen.
 * <li>The device tree at a 2 MiB-aligned address below the end of RAM (or below 3 GiB,
 *     whichever is lower), so it survives the kernel unpacking itself.
 * </ul>
 * Images that do not fit in RAM, that overlap each other or the device tree are refused with
 * one line saying which.
 */
public final class BootPlan {
    static final long KERNEL_ALIGN = 2L << 20;
    static final long FDT_ALIGN = 2L << 20;
    static final long FDT_LIMIT = 3L << 30;
    static final long INITRD_MAX_OFFSET = 128L << 20;

    /** One image and the physical range it occupies. */
    public record Placement(ImageFile image, long lo, long hi, long entry) {}

    private final long ramBase, ramSize;
    private Placement firmware, kernel, initrd;
    private long start, nextAddr;
    private byte[] fdt;
    private long fdtAddress;
    private long tohost = -1, fromhost = -1;

    private BootPlan(long ramBase, long ramSize) {
        this.ramBase = ramBase;
        this.ramSize = ramSize;
    }

    public static BootPlan plan(RiscvVirtConfig cfg) throws BoardException {
        BootPlan p = new BootPlan(RiscvVirtMemoryMap.DRAM.base, cfg.ramSize);
        p.place(cfg);
        return p;
    }

    private void place(RiscvVirtConfig cfg) throws BoardException {
        ImageFile fw = switch (cfg.bios) {
            case Firmware.None n -> null;
            case Firmware.File f -> ImageFile.read("firmware", f.path(), ElfFile.EM_RISCV);
            case Firmware.Default d -> {
                if (cfg.defaultBios == null || !Files.isRegularFile(cfg.defaultBios)) {
                    throw new BoardException("no default firmware: " + cfg.defaultBios
                            + " not found (install Debian's opensbi package, or pass --bios FILE or --bios none)");
                }
                yield ImageFile.read("firmware", cfg.defaultBios, ElfFile.EM_RISCV);
            }
        };
        ImageFile kern = cfg.kernel == null ? null : ImageFile.read("kernel", cfg.kernel, ElfFile.EM_RISCV);
        if (fw == null && kern == null) {
            throw new BoardException("nothing to run: give --kernel FILE (with --bios none) or a firmware with --bios FILE");
        }
        long firmwareEnd = ramBase;
        if (fw != null) {
            firmware = placeImage(fw, ramBase);
            firmwareEnd = firmware.hi;
            start = firmware.entry;
        }
        if (kern != null) {
            long at = fw == null ? ramBase : alignUp(firmwareEnd, KERNEL_ALIGN);
            kernel = placeImage(kern, at);
            if (fw == null) start = kernel.entry;
            nextAddr = kernel.entry;
        }
        if (firmware != null && kernel != null && overlaps(firmware, kernel.lo, kernel.hi)) {
            throw new BoardException(String.format("%s (0x%x-0x%x) and %s (0x%x-0x%x) overlap",
                    firmware.image.describe(), firmware.lo, firmware.hi - 1, kernel.image.describe(), kernel.lo, kernel.hi - 1));
        }
        if (cfg.initrd != null) {
            if (kernel == null) throw new BoardException("--initrd needs a --kernel to hand it to");
            ImageFile rd = ImageFile.read("initrd", cfg.initrd, -1);
            long at = kernel.entry + Math.min(ramSize / 2, INITRD_MAX_OFFSET);
            initrd = placeImage(rd, at);
            for (Placement other : new Placement[] {firmware, kernel}) {
                if (other != null && overlaps(other, initrd.lo, initrd.hi)) {
                    throw new BoardException(String.format("%s (0x%x-0x%x) and %s (0x%x-0x%x) overlap",
                            other.image.describe(), other.lo, other.hi - 1, rd.describe(), initrd.lo, initrd.hi - 1));
                }
            }
        }
        RiscvVirtDeviceTree tree = new RiscvVirtDeviceTree(cfg.harts, cfg.ramSize, cfg.append);
        if (initrd != null) tree.initrd(initrd.lo, initrd.hi);
        tree.tpm(cfg.tpm);
        tree.secureBoot(cfg.secureBoot, cfg.secureBootKey);
        tree.bootDevice(cfg.bootDevice);
        fdt = tree.build();
        long top = ramBase < FDT_LIMIT ? Math.min(ramBase + ramSize, FDT_LIMIT) : ramBase + ramSize;
        fdtAddress = alignDown(top - fdt.length, FDT_ALIGN);
        for (Placement pl : new Placement[] {firmware, kernel, initrd}) {
            if (pl == null) continue;
            if (fdtAddress < ramBase || overlaps(pl, fdtAddress, fdtAddress + fdt.length)) {
                throw new BoardException(String.format(
                        "%s (0x%x-0x%x) leaves no room for the device tree at 0x%x; give the machine more --memory",
                        pl.image.describe(), pl.lo, pl.hi - 1, fdtAddress));
            }
        }
        findHtif(kern);
        if (tohost < 0) findHtif(fw);
    }

    /** Places an image: an ELF at its segments' physical addresses, a raw binary at {@code at}. */
    private Placement placeImage(ImageFile img, long at) throws BoardException {
        Optional<ElfFile> elf = img.elf();
        if (elf.isPresent()) {
            long lo = Long.MAX_VALUE, hi = 0;
            for (ElfFile.Segment s : elf.get().segments()) {
                if (s.memSize() == 0) continue;
                long end = s.paddr() + s.memSize();
                if (Long.compareUnsigned(s.paddr(), ramBase) < 0 || Long.compareUnsigned(end, ramBase + ramSize) > 0
                        || Long.compareUnsigned(end, s.paddr()) < 0) {
                    throw new BoardException(String.format("%s: segment at 0x%x (%d bytes) does not fit in RAM (%s at 0x%x)",
                            img.describe(), s.paddr(), s.memSize(), mib(ramSize), ramBase));
                }
                lo = Math.min(lo, s.paddr());
                hi = Math.max(hi, end);
            }
            if (lo == Long.MAX_VALUE) throw new BoardException(img.describe() + " has no loadable contents");
            return new Placement(img, lo, hi, elf.get().entry());
        }
        long len = img.bytes().length;
        if (at + len > ramBase + ramSize) {
            throw new BoardException(String.format("%s (%d bytes) does not fit in RAM (%s at 0x%x) when loaded at 0x%x",
                    img.describe(), len, mib(ramSize), ramBase, at));
        }
        return new Placement(img, at, at + len, at);
    }

    private void findHtif(ImageFile img) {
        if (img == null || img.elf().isEmpty()) return;
        ElfFile e = img.elf().get();
        Optional<Long> to = e.symbol("tohost");
        if (to.isPresent()) {
            tohost = to.get();
            fromhost = e.symbol("fromhost").orElse(-1L);
        }
    }

    /** Writes every image, the device tree and the reset ROM into the machine's memory. */
    public void load(PhysicalBus bus) {
        for (Placement pl : new Placement[] {firmware, kernel, initrd}) {
            if (pl == null) continue;
            if (pl.image.isElf()) {
                try {
                    ElfLoader.load(pl.image.elf().get(), bus);
                } catch (ElfFormatException e) {
                    // plan() checked every segment against RAM already
                    throw new IllegalStateException(e.getMessage(), e);
                }
            } else {
                bus.loadImage(pl.lo, pl.image.bytes(), 0, pl.image.bytes().length);
            }
        }
        bus.loadImage(fdtAddress, fdt, 0, fdt.length);
        byte[] rom = ResetRom.image(start, fdtAddress, nextAddr);
        bus.loadImage(RiscvVirtMemoryMap.MROM.base, rom, 0, rom.length);
    }

    public Optional<Placement> firmware() { return Optional.ofNullable(firmware); }
    public Optional<Placement> kernel() { return Optional.ofNullable(kernel); }
    public Optional<Placement> initrd() { return Optional.ofNullable(initrd); }
    /** Where the reset ROM jumps. */
    public long startAddress() { return start; }
    /** fw_dynamic's next_addr: the kernel's entry, 0 without a kernel. */
    public long nextAddress() { return nextAddr; }
    public long fdtAddress() { return fdtAddress; }
    public byte[] fdt() { return fdt.clone(); }
    /** Address of the ELF's {@code tohost} symbol, or -1. */
    public long tohost() { return tohost; }
    public long fromhost() { return fromhost; }

    private static boolean overlaps(Placement p, long lo, long hi) {
        return Long.compareUnsigned(p.lo, hi) < 0 && Long.compareUnsigned(lo, p.hi) < 0;
    }

    static long alignUp(long v, long a) { return (v + a - 1) & -a; }

    static long alignDown(long v, long a) { return v & -a; }

    static String mib(long bytes) {
        if (bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
        return bytes + " bytes";
    }

    List<Placement> placements() {
        List<Placement> l = new ArrayList<>();
        if (firmware != null) l.add(firmware);
        if (kernel != null) l.add(kernel);
        if (initrd != null) l.add(initrd);
        return l;
    }
}
