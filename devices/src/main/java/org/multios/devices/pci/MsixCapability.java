package org.multios.devices.pci;

import org.multios.core.bus.MmioDevice;

/**
 * MSI-X capability (PCI 3.0 §6.8.2): the capability structure in configuration space,
 * plus the vector table and pending bit array that live in one of the function's memory
 * BARs. The device exposes {@link #table()} and {@link #pendingBits()} inside that BAR
 * at the offsets given to the constructor.
 * <p>
 * A vector whose entry is masked (or the whole function masked) records a pending bit;
 * unmasking sends the held message and clears the bit, as the spec requires.
 */
public final class MsixCapability extends PciCapability {
    private static final int CONTROL = 0x02, TABLE = 0x04, PBA = 0x08;
    private static final int CTL_FUNCTION_MASK = 1 << 14, CTL_ENABLE = 1 << 15;
    public static final int ENTRY_SIZE = 16;

    private final int vectors;
    private final int bar;
    private final int tableOffset;
    private final int pbaOffset;
    private final int[] table;
    private final long[] pending;
    private PciConfigSpace config;

    public MsixCapability(int vectors, int bar, int tableOffset, int pbaOffset) {
        if (vectors < 1 || vectors > 2048) throw new IllegalArgumentException("MSI-X supports 1..2048 vectors");
        if ((tableOffset & 7) != 0 || (pbaOffset & 7) != 0) throw new IllegalArgumentException("MSI-X offsets must be 8-byte aligned");
        this.vectors = vectors;
        this.bar = bar;
        this.tableOffset = tableOffset;
        this.pbaOffset = pbaOffset;
        this.table = new int[vectors * 4];
        this.pending = new long[(vectors + 63) / 64];
        resetTable();
    }

    @Override public int id() { return ID_MSIX; }

    @Override public int length() { return 0x0c; }

    public int vectors() { return vectors; }

    public int tableOffset() { return tableOffset; }

    public int tableLength() { return vectors * ENTRY_SIZE; }

    public int pbaOffset() { return pbaOffset; }

    public int pbaLength() { return pending.length * 8; }

    @Override
    protected void install(PciConfigSpace c) {
        this.config = c;
        c.set16(offset + CONTROL, vectors - 1);
        c.setWritable(offset + CONTROL, 2, CTL_ENABLE | CTL_FUNCTION_MASK);
        c.set32(offset + TABLE, tableOffset | bar);
        c.set32(offset + PBA, pbaOffset | bar);
    }

    public boolean isEnabled() { return (config.get16(offset + CONTROL) & CTL_ENABLE) != 0; }

    private boolean functionMasked() { return (config.get16(offset + CONTROL) & CTL_FUNCTION_MASK) != 0; }

    private boolean vectorMasked(int v) { return (table[v * 4 + 3] & 1) != 0; }

    public boolean isPending(int v) { return (pending[v >>> 6] & (1L << v)) != 0; }

    /** Signals vector {@code v}; ignored unless MSI-X is enabled and {@code v} exists. */
    public void notify(int v) {
        if (!isEnabled() || v < 0 || v >= vectors) return;
        if (functionMasked() || vectorMasked(v)) {
            pending[v >>> 6] |= 1L << v;
        } else {
            send(v);
        }
    }

    private void send(int v) {
        long address = (table[v * 4] & 0xffff_fffcL) | (long) table[v * 4 + 1] << 32;
        function.deliverMsi(address, table[v * 4 + 2]);
    }

    private void releasePending() {
        if (!isEnabled() || functionMasked()) return;
        for (int v = 0; v < vectors; v++) {
            if (isPending(v) && !vectorMasked(v)) {
                pending[v >>> 6] &= ~(1L << v);
                send(v);
            }
        }
    }

    @Override
    protected void configWritten() { releasePending(); }

    @Override
    protected void reset() { resetTable(); }

    private void resetTable() {
        java.util.Arrays.fill(table, 0);
        for (int v = 0; v < vectors; v++) table[v * 4 + 3] = 1; // every vector masked at reset
        java.util.Arrays.fill(pending, 0);
    }

    /** The vector table, to be placed at {@link #tableOffset()} inside the BAR. */
    public MmioDevice table() {
        return new MmioDevice() {
            @Override
            public long read(long off, int size) {
                long v = 0;
                for (int i = 0; i < size; i++) v |= (long) tableByte(off + i) << (8 * i);
                return v;
            }

            @Override
            public void write(long off, int size, long value) {
                for (int i = 0; i < size; i++) tableByte(off + i, (int) (value >>> (8 * i)) & 0xff);
                releasePending();
            }
        };
    }

    private int tableByte(long off) {
        if (off < 0 || off >= tableLength()) return 0;
        int word = (int) (off >>> 2);
        return (table[word] >>> (8 * (int) (off & 3))) & 0xff;
    }

    private void tableByte(long off, int b) {
        if (off < 0 || off >= tableLength()) return;
        int word = (int) (off >>> 2);
        int shift = 8 * (int) (off & 3);
        int writable = switch (word & 3) {
            case 0 -> 0xffff_fffc; // address bits 1:0 are zero
            case 3 -> 0x1;         // vector control: only the mask bit is defined
            default -> 0xffff_ffff;
        };
        int m = writable & (0xff << shift);
        table[word] = (table[word] & ~m) | ((b << shift) & m);
    }

    /** The pending bit array (read-only), to be placed at {@link #pbaOffset()} inside the BAR. */
    public MmioDevice pendingBits() {
        return new MmioDevice() {
            @Override
            public long read(long off, int size) {
                long v = 0;
                for (int i = 0; i < size; i++) {
                    long o = off + i;
                    if (o >= 0 && o < pbaLength()) v |= ((pending[(int) (o >>> 3)] >>> (8 * (o & 7))) & 0xff) << (8 * i);
                }
                return v;
            }

            @Override
            public void write(long off, int size, long value) {}
        };
    }
}
