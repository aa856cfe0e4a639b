package org.multios.kernel.fs.gpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import org.multios.kernel.fs.mfs.BlockDevice;

/**
 * GUID Partition Table (UEFI spec, chapter 5): protective MBR in LBA 0, primary header in LBA 1
 * with its 128-entry array from LBA 2, backup array and header at the end of the disk. Header and
 * entry array carry CRC32 (the zlib polynomial). Reading falls back to the backup header when
 * the primary does not verify.
 */
public final class GptDisk {
    public static final int SECTOR = 512, ENTRIES = 128, ENTRY_SIZE = 128;
    static final int ARRAY_SECTORS = ENTRIES * ENTRY_SIZE / SECTOR;
    static final long SIGNATURE = 0x5452415020494645L; // "EFI PART"

    private final UUID diskGuid;
    private final List<GptPartition> partitions;
    private final boolean usedBackup;

    private GptDisk(UUID diskGuid, List<GptPartition> partitions, boolean usedBackup) {
        this.diskGuid = diskGuid;
        this.partitions = partitions;
        this.usedBackup = usedBackup;
    }

    public UUID diskGuid() { return diskGuid; }
    public List<GptPartition> partitions() { return partitions; }
    /** True when the primary header or array was bad and the backup was used. */
    public boolean usedBackup() { return usedBackup; }

    public GptPartition byName(String name) {
        for (GptPartition p : partitions) if (p.name().equals(name)) return p;
        return null;
    }

    /** First usable LBA for partitions (after the primary array), aligned as given. */
    public static long firstUsable() { return 2 + ARRAY_SECTORS; }

    public static long lastUsable(long diskBytes) { return diskBytes / SECTOR - 2 - ARRAY_SECTORS; }

    /** Writes protective MBR, both headers and both entry arrays. */
    public static void write(BlockDevice dev, UUID diskGuid, List<GptPartition> parts) throws IOException {
        long sectors = dev.size() / SECTOR;
        if (sectors < 2 * (2 + ARRAY_SECTORS) + 1) throw new GptException(dev.name() + ": disk too small for a GPT");
        for (GptPartition p : parts)
            if (p.firstLba() < firstUsable() || p.lastLba() > lastUsable(dev.size()) || p.lastLba() < p.firstLba())
                throw new GptException("partition '" + p.name() + "' outside the usable area");
        if (parts.size() > ENTRIES) throw new GptException("more than 128 partitions");
        byte[] mbr = new byte[SECTOR];
        ByteBuffer m = le(mbr);
        mbr[446 + 1] = 0x00; mbr[446 + 2] = 0x02; mbr[446 + 3] = 0x00; // CHS of LBA 1
        mbr[446 + 4] = (byte) 0xEE;
        mbr[446 + 5] = (byte) 0xFF; mbr[446 + 6] = (byte) 0xFF; mbr[446 + 7] = (byte) 0xFF;
        m.putInt(446 + 8, 1);
        m.putInt(446 + 12, (int) Math.min(sectors - 1, 0xFFFFFFFFL));
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xAA;
        dev.write(0, mbr, 0, SECTOR);
        byte[] array = new byte[ENTRIES * ENTRY_SIZE];
        ByteBuffer a = le(array);
        for (int i = 0; i < parts.size(); i++) {
            GptPartition p = parts.get(i);
            int at = i * ENTRY_SIZE;
            putGuid(a, at, p.type());
            putGuid(a, at + 16, p.unique());
            a.putLong(at + 32, p.firstLba()).putLong(at + 40, p.lastLba()).putLong(at + 48, p.attributes());
            byte[] n = p.name().getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(n, 0, array, at + 56, Math.min(72, n.length));
        }
        CRC32 crc = new CRC32();
        crc.update(array);
        int arrayCrc = (int) crc.getValue();
        long last = sectors - 1;
        dev.write(2L * SECTOR, array, 0, array.length);
        dev.write((last - ARRAY_SECTORS) * SECTOR, array, 0, array.length);
        dev.write(SECTOR, header(1, last, 2, diskGuid, arrayCrc, dev.size()), 0, SECTOR);
        dev.write(last * SECTOR, header(last, 1, last - ARRAY_SECTORS, diskGuid, arrayCrc, dev.size()), 0, SECTOR);
        dev.flush();
    }

    private static byte[] header(long my, long alternate, long entriesLba, UUID guid, int arrayCrc, long diskBytes) {
        byte[] h = new byte[SECTOR];
        ByteBuffer b = le(h);
        b.putLong(0, SIGNATURE).putInt(8, 0x00010000).putInt(12, 92).putInt(16, 0).putInt(20, 0)
                .putLong(24, my).putLong(32, alternate).putLong(40, firstUsable()).putLong(48, lastUsable(diskBytes));
        putGuid(b, 56, guid);
        b.putLong(72, entriesLba).putInt(80, ENTRIES).putInt(84, ENTRY_SIZE).putInt(88, arrayCrc);
        CRC32 c = new CRC32();
        c.update(h, 0, 92);
        b.putInt(16, (int) c.getValue());
        return h;
    }

    /** Reads the GPT; the message of a failure names the disk and the problem. */
    public static GptDisk read(BlockDevice dev) throws IOException {
        long sectors = dev.size() / SECTOR;
        if (sectors < 2 * (2 + ARRAY_SECTORS) + 1) throw new GptException(dev.name() + ": too small to hold a GPT (" + dev.size() + " bytes; truncated image?)");
        byte[] mbr = new byte[SECTOR];
        dev.read(0, mbr, 0, SECTOR);
        if ((mbr[510] & 0xff) != 0x55 || (mbr[511] & 0xff) != 0xAA) throw new GptException(dev.name() + ": not a GPT disk (no MBR signature in sector 0)");
        String primaryProblem;
        try {
            return parse(dev, 1, false);
        } catch (GptException e) {
            primaryProblem = e.getMessage();
        }
        try {
            return parse(dev, sectors - 1, true);
        } catch (GptException e) {
            throw new GptException(dev.name() + ": " + primaryProblem + "; backup: " + e.getMessage());
        }
    }

    private static GptDisk parse(BlockDevice dev, long lba, boolean backup) throws IOException {
        String which = backup ? "backup GPT header" : "GPT header";
        byte[] h = new byte[SECTOR];
        dev.read(lba * SECTOR, h, 0, SECTOR);
        ByteBuffer b = le(h);
        if (b.getLong(0) != SIGNATURE) throw new GptException("not a GPT disk (no 'EFI PART' signature at LBA " + lba + ")");
        int size = b.getInt(12);
        if (size < 92 || size > SECTOR) throw new GptException(which + ": bad header size " + size);
        int stored = b.getInt(16);
        b.putInt(16, 0);
        CRC32 c = new CRC32();
        c.update(h, 0, size);
        if ((int) c.getValue() != stored) throw new GptException(which + ": bad CRC32");
        if (b.getLong(24) != lba) throw new GptException(which + ": MyLBA is " + b.getLong(24) + ", expected " + lba);
        long entriesLba = b.getLong(72);
        int count = b.getInt(80), esize = b.getInt(84);
        if (count <= 0 || count > 1024 || esize < 128 || esize > 1024 || (esize & 7) != 0) throw new GptException(which + ": bad entry array geometry");
        long bytes = (long) count * esize;
        if (entriesLba < 2 || (entriesLba * SECTOR + bytes) > dev.size()) throw new GptException(which + ": entry array outside the disk (truncated image?)");
        byte[] array = new byte[(int) bytes];
        dev.read(entriesLba * SECTOR, array, 0, array.length);
        CRC32 ac = new CRC32();
        ac.update(array);
        if ((int) ac.getValue() != b.getInt(88)) throw new GptException(which + ": partition entry array has a bad CRC32");
        ByteBuffer a = le(array);
        List<GptPartition> parts = new ArrayList<>();
        long sectors = dev.size() / SECTOR;
        for (int i = 0; i < count; i++) {
            int at = i * esize;
            UUID type = getGuid(a, at);
            if (type.getMostSignificantBits() == 0 && type.getLeastSignificantBits() == 0) continue;
            long first = a.getLong(at + 32), last = a.getLong(at + 40);
            if (first < 0 || last < first || last >= sectors) throw new GptException(which + ": partition " + (i + 1) + " outside the disk (truncated image?)");
            int len = 0;
            while (len < 72 && (array[at + 56 + len] != 0 || array[at + 57 + len] != 0)) len += 2;
            parts.add(new GptPartition(type, getGuid(a, at + 16), first, last, a.getLong(at + 48), new String(array, at + 56, len, StandardCharsets.UTF_16LE)));
        }
        return new GptDisk(getGuid(b, 56), parts, backup);
    }

    /** GUIDs are stored with their first three fields little-endian (UEFI appendix A). */
    static void putGuid(ByteBuffer b, int at, UUID u) {
        long hi = u.getMostSignificantBits(), lo = u.getLeastSignificantBits();
        b.putInt(at, (int) (hi >>> 32)).putShort(at + 4, (short) (hi >>> 16)).putShort(at + 6, (short) hi);
        for (int i = 0; i < 8; i++) b.put(at + 8 + i, (byte) (lo >>> (56 - 8 * i)));
    }

    static UUID getGuid(ByteBuffer b, int at) {
        long hi = ((long) b.getInt(at) << 32) | ((b.getShort(at + 4) & 0xffffL) << 16) | (b.getShort(at + 6) & 0xffffL);
        long lo = 0;
        for (int i = 0; i < 8; i++) lo = (lo << 8) | (b.get(at + 8 + i) & 0xff);
        return new UUID(hi, lo);
    }

    private static ByteBuffer le(byte[] x) { return ByteBuffer.wrap(x).order(ByteOrder.LITTLE_ENDIAN); }
}
