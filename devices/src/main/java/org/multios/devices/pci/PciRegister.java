package org.multios.devices.pci;

/**
 * Offsets of the type-0 configuration header (PCI Local Bus 3.0 §6.1, PCIe Base §7.5.1)
 * and the bit fields of its command and status registers.
 */
public final class PciRegister {
    private PciRegister() {}

    public static final int VENDOR_ID = 0x00;
    public static final int DEVICE_ID = 0x02;
    public static final int COMMAND = 0x04;
    public static final int STATUS = 0x06;
    public static final int REVISION_ID = 0x08;
    /** Programming interface (0x09), subclass (0x0a), base class (0x0b). */
    public static final int CLASS_PROG = 0x09;
    public static final int CACHE_LINE_SIZE = 0x0c;
    public static final int LATENCY_TIMER = 0x0d;
    public static final int HEADER_TYPE = 0x0e;
    public static final int BIST = 0x0f;
    public static final int BAR0 = 0x10;
    public static final int CARDBUS_CIS = 0x28;
    public static final int SUBSYSTEM_VENDOR_ID = 0x2c;
    public static final int SUBSYSTEM_ID = 0x2e;
    public static final int EXPANSION_ROM = 0x30;
    public static final int CAPABILITIES_POINTER = 0x34;
    public static final int INTERRUPT_LINE = 0x3c;
    public static final int INTERRUPT_PIN = 0x3d;
    public static final int MIN_GNT = 0x3e;
    public static final int MAX_LAT = 0x3f;

    /** First byte after the header: where capabilities may start. */
    public static final int CAPABILITIES_START = 0x40;
    /** First byte of PCI Express extended configuration space. */
    public static final int EXTENDED_START = 0x100;

    // Command register bits.
    public static final int CMD_IO_SPACE = 1 << 0;
    public static final int CMD_MEMORY_SPACE = 1 << 1;
    public static final int CMD_BUS_MASTER = 1 << 2;
    public static final int CMD_PARITY_ERROR_RESPONSE = 1 << 6;
    public static final int CMD_SERR_ENABLE = 1 << 8;
    public static final int CMD_INTX_DISABLE = 1 << 10;

    // Status register bits.
    public static final int STS_INTERRUPT = 1 << 3;
    public static final int STS_CAPABILITIES_LIST = 1 << 4;
    public static final int STS_MASTER_DATA_PARITY_ERROR = 1 << 8;
    public static final int STS_SIGNALED_TARGET_ABORT = 1 << 11;
    public static final int STS_RECEIVED_TARGET_ABORT = 1 << 12;
    public static final int STS_RECEIVED_MASTER_ABORT = 1 << 13;
    public static final int STS_SIGNALED_SYSTEM_ERROR = 1 << 14;
    public static final int STS_DETECTED_PARITY_ERROR = 1 << 15;
}
