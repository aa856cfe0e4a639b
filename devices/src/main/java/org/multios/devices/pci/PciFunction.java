package org.multios.devices.pci;

import static org.multios.devices.pci.PciRegister.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.multios.core.bus.BusErrorException;

/**
 * One PCI Express function with a type-0 header: identity, command/status, six BARs,
 * interrupt pin and a capability list. Subclasses (the devices) declare their BARs and
 * capabilities in their constructor, then the host bridge seals the power-on state
 * when the function is plugged in.
 * <p>
 * The function is also the device's port to the system: {@link #dmaRead}/{@link #dmaWrite}
 * (refused unless software set Bus Master Enable), {@link #setIntx} for its INTx pin, and
 * {@link #deliverMsi} for MSI/MSI-X messages.
 */
public abstract class PciFunction {
    protected final PciConfigSpace config = new PciConfigSpace();
    private final PciBar[] bars = new PciBar[6];
    private final List<PciCapability> capabilities = new ArrayList<>();
    private int nextCapability = CAPABILITIES_START;
    private PciHostBridge bridge;
    private int device = -1, function = -1;
    private boolean intxLevel;
    private boolean intxAsserted;

    protected PciFunction(int vendorId, int deviceId, int classCode, int revision) {
        config.set16(VENDOR_ID, vendorId);
        config.set16(DEVICE_ID, deviceId);
        config.set8(REVISION_ID, revision);
        config.set8(CLASS_PROG, classCode);
        config.set8(CLASS_PROG + 1, classCode >>> 8);
        config.set8(CLASS_PROG + 2, classCode >>> 16);
        config.setWritable(COMMAND, 2, CMD_IO_SPACE | CMD_MEMORY_SPACE | CMD_BUS_MASTER
                | CMD_PARITY_ERROR_RESPONSE | CMD_SERR_ENABLE | CMD_INTX_DISABLE);
        config.setW1c(STATUS, 2, STS_MASTER_DATA_PARITY_ERROR | STS_SIGNALED_TARGET_ABORT
                | STS_RECEIVED_TARGET_ABORT | STS_RECEIVED_MASTER_ABORT
                | STS_SIGNALED_SYSTEM_ERROR | STS_DETECTED_PARITY_ERROR);
        config.setWritable(CACHE_LINE_SIZE, 1, 0xff);
        config.setWritable(INTERRUPT_LINE, 1, 0xff);
    }

    // ---- declaration (constructor time) ----

    protected final void setSubsystem(int vendorId, int subsystemId) {
        config.set16(SUBSYSTEM_VENDOR_ID, vendorId);
        config.set16(SUBSYSTEM_ID, subsystemId);
    }

    /** Declares INTA# (1) to INTD# (4), or 0 for no pin. */
    protected final void setInterruptPin(int pin) {
        if (pin < 0 || pin > 4) throw new IllegalArgumentException("interrupt pin " + pin);
        config.set8(INTERRUPT_PIN, pin);
    }

    protected final void addBar(PciBar bar) {
        int i = bar.index();
        if (bars[i] != null || (bar.kind() == PciBar.Kind.MEMORY64 && bars[i + 1] != null)
                || (i > 0 && bars[i - 1] != null && bars[i - 1].kind() == PciBar.Kind.MEMORY64)) {
            throw new IllegalArgumentException("BAR " + i + " already in use");
        }
        bars[i] = bar;
        int reg = BAR0 + 4 * i;
        config.set32(reg, bar.typeBits());
        long addressMask = ~(bar.size() - 1);
        config.setWritable(reg, 4, addressMask & (bar.kind() == PciBar.Kind.IO ? 0xffff_fffcL : 0xffff_fff0L));
        if (bar.kind() == PciBar.Kind.MEMORY64) config.setWritable(reg + 4, 4, addressMask >>> 32);
    }

    /** Appends a capability in standard configuration space and links it into the list. */
    protected final <C extends PciCapability> C addCapability(C cap) {
        int at = (nextCapability + 3) & ~3;
        if (at + cap.length() > EXTENDED_START) throw new IllegalStateException("capability list full");
        cap.place(this, at);
        config.set8(at, cap.id());
        config.set8(at + 1, 0);
        if (capabilities.isEmpty()) {
            config.set8(CAPABILITIES_POINTER, at);
            config.set16(STATUS, config.get16(STATUS) | STS_CAPABILITIES_LIST);
        } else {
            config.set8(capabilities.getLast().offset() + 1, at);
        }
        capabilities.add(cap);
        cap.install(config);
        nextCapability = at + cap.length();
        return cap;
    }

    // ---- host bridge side ----

    final void plugIn(PciHostBridge bridge, int device, int function) {
        if (this.bridge != null) throw new IllegalStateException("function already plugged in");
        this.bridge = bridge;
        this.device = device;
        this.function = function;
        config.sealResetState();
    }

    public final int deviceNumber() { return device; }

    public final int functionNumber() { return function; }

    public final PciConfigSpace configSpace() { return config; }

    public final List<PciCapability> capabilities() { return Collections.unmodifiableList(capabilities); }

    public final PciBar bar(int index) { return bars[index]; }

    public final int interruptPin() { return config.get8(INTERRUPT_PIN); }

    public final int command() { return config.get16(COMMAND); }

    /** The bus address software programmed into BAR {@code index} (both halves of a 64-bit BAR). */
    public final long barAddress(int index) {
        PciBar b = bars[index];
        if (b == null) return 0;
        int reg = BAR0 + 4 * index;
        long lo = config.get32(reg) & 0xffff_ffffL & ~(long) (b.kind() == PciBar.Kind.IO ? 0x3 : 0xf);
        return b.kind() == PciBar.Kind.MEMORY64 ? lo | (long) config.get32(reg + 4) << 32 : lo;
    }

    /** True when the BAR decodes: its space is enabled in the command register. */
    public final boolean barEnabled(int index) {
        PciBar b = bars[index];
        if (b == null) return false;
        int cmd = command();
        return b.kind() == PciBar.Kind.IO ? (cmd & CMD_IO_SPACE) != 0 : (cmd & CMD_MEMORY_SPACE) != 0;
    }

    public final int configRead(int offset, int size) {
        return config.read(offset, size);
    }

    public final void configWrite(int offset, int size, int value) {
        config.guestWrite(offset, size, value);
        int end = offset + size;
        if (offset < COMMAND + 2 && end > COMMAND) updateIntx();
        if ((offset < COMMAND + 2 && end > COMMAND) || (offset < BAR0 + 24 && end > BAR0)) {
            if (bridge != null) bridge.remapBars();
        }
        for (PciCapability c : capabilities) {
            if (offset < c.offset() + c.length() && end > c.offset()) c.configWritten();
        }
        configWritten(offset, size);
    }

    /** Hook for subclasses after a software configuration write. */
    protected void configWritten(int offset, int size) {}

    /** Function-level reset (and power-on): registers, capabilities, device state. */
    public void reset() {
        config.reset();
        for (PciCapability c : capabilities) c.reset();
        resetDevice();
        setIntx(false);
        if (bridge != null) bridge.remapBars();
    }

    /** Hook for subclasses: return the device behind the header to its power-on state. */
    protected void resetDevice() {}

    // ---- the device's port to the system ----

    public final boolean busMasterEnabled() { return (command() & CMD_BUS_MASTER) != 0; }

    /** True if this function may DMA to (or from) all of [address, address+length): bus master on, RAM there. */
    public final boolean dmaAllowed(long address, long length, boolean write) {
        if (bridge == null || !busMasterEnabled() || length < 0) return false;
        org.multios.core.bus.RamRegion r = bridge.systemBus().findRam(address, length);
        return r != null && !(write && r.isReadOnly());
    }

    /** Reads guest memory as this function's bus master; fails when bus mastering is off. */
    public final void dmaRead(long address, byte[] dst, int from, int length) {
        if (bridge == null || !busMasterEnabled()) throw new BusErrorException(address, false);
        bridge.systemBus().dmaRead(address, dst, from, length);
    }

    /** Writes guest memory as this function's bus master; fails when bus mastering is off. */
    public final void dmaWrite(long address, byte[] src, int from, int length) {
        if (bridge == null || !busMasterEnabled()) throw new BusErrorException(address, true);
        bridge.systemBus().dmaWrite(address, src, from, length);
    }

    /** Sets the level of this function's INTx pin. Interrupt Status follows it even when INTx is disabled. */
    public final void setIntx(boolean level) {
        intxLevel = level;
        int status = config.get16(STATUS);
        config.set16(STATUS, level ? status | STS_INTERRUPT : status & ~STS_INTERRUPT);
        updateIntx();
    }

    private void updateIntx() {
        boolean assert_ = intxLevel && (command() & CMD_INTX_DISABLE) == 0 && interruptPin() != 0;
        if (assert_ != intxAsserted) {
            intxAsserted = assert_;
            if (bridge != null) bridge.intxChanged(this, assert_);
        }
    }

    /** Sends an MSI/MSI-X message: a memory write, so it needs Bus Master Enable. */
    final void deliverMsi(long address, int data) {
        if (bridge != null && busMasterEnabled()) bridge.msiSink().deliver(address, data);
    }
}
