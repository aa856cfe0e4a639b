package org.multios.devices.pci;

/**
 * MSI capability with 64-bit addresses and per-vector masking (PCI 3.0 §6.8.1).
 * The function asks for up to {@code 2^mmc} vectors; software enables a power of two of
 * them; vector {@code v} sends the message data with its low bits replaced by {@code v}.
 * A masked vector sets its pending bit, and the message goes out when it is unmasked.
 */
public final class MsiCapability extends PciCapability {
    private static final int CONTROL = 0x02, ADDRESS_LO = 0x04, ADDRESS_HI = 0x08, DATA = 0x0c;
    private static final int MASK = 0x10, PENDING = 0x14;
    private static final int CTL_ENABLE = 1, CTL_64BIT = 1 << 7, CTL_PER_VECTOR_MASK = 1 << 8;

    private final int log2Vectors;
    private PciConfigSpace config;

    /** @param log2Vectors multiple message capable field: 0 (1 vector) to 5 (32 vectors) */
    public MsiCapability(int log2Vectors) {
        if (log2Vectors < 0 || log2Vectors > 5) throw new IllegalArgumentException("MSI supports 1..32 vectors");
        this.log2Vectors = log2Vectors;
    }

    @Override public int id() { return ID_MSI; }

    @Override public int length() { return 0x18; }

    @Override
    protected void install(PciConfigSpace c) {
        this.config = c;
        c.set16(offset + CONTROL, CTL_PER_VECTOR_MASK | CTL_64BIT | log2Vectors << 1);
        c.setWritable(offset + CONTROL, 2, CTL_ENABLE | 0x70);
        c.setWritable(offset + ADDRESS_LO, 4, 0xffff_fffcL);
        c.setWritable(offset + ADDRESS_HI, 4, 0xffff_ffffL);
        c.setWritable(offset + DATA, 2, 0xffff);
        c.setWritable(offset + MASK, 4, vectorBits(log2Vectors));
    }

    private static long vectorBits(int log2) { return log2 == 5 ? 0xffff_ffffL : (1L << (1 << log2)) - 1; }

    public boolean isEnabled() { return (config.get16(offset + CONTROL) & CTL_ENABLE) != 0; }

    /** Number of vectors software enabled (multiple message enable, clamped to what we offer). */
    public int enabledVectors() {
        int mme = (config.get16(offset + CONTROL) >>> 4) & 7;
        return 1 << Math.min(mme, log2Vectors);
    }

    /** Signals vector {@code v}; ignored unless MSI is enabled and {@code v} is an enabled vector. */
    public void notify(int v) {
        if (!isEnabled() || v < 0 || v >= enabledVectors()) return;
        if ((config.get32(offset + MASK) & (1 << v)) != 0) {
            config.set32(offset + PENDING, config.get32(offset + PENDING) | 1 << v);
            return;
        }
        send(v);
    }

    private void send(int v) {
        long address = (config.get32(offset + ADDRESS_LO) & 0xffff_ffffL) | (long) config.get32(offset + ADDRESS_HI) << 32;
        int n = enabledVectors();
        int data = (config.get16(offset + DATA) & ~(n - 1)) | v;
        function.deliverMsi(address, data);
    }

    @Override
    protected void configWritten() {
        // Unmasking a vector with its pending bit set sends the held message now.
        if (!isEnabled()) return;
        int pending = config.get32(offset + PENDING), mask = config.get32(offset + MASK);
        int release = pending & ~mask;
        for (int v = 0; v < 32 && release != 0; v++) {
            if ((release & (1 << v)) != 0) {
                release &= ~(1 << v);
                config.set32(offset + PENDING, config.get32(offset + PENDING) & ~(1 << v));
                if (v < enabledVectors()) send(v);
            }
        }
    }
}
