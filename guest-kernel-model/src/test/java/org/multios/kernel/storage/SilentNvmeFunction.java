package org.multios.kernel.storage;

import org.multios.core.bus.MmioDevice;
import org.multios.devices.pci.PciBar;
import org.multios.devices.pci.PciFunction;

/**
 * A PCI function that claims to be an NVMe controller but never does its job: either CSTS.RDY
 * never rises, or it rises and no command ever completes (doorbells are ignored).
 */
final class SilentNvmeFunction extends PciFunction {
    SilentNvmeFunction(boolean becomesReady) {
        super(0x1b36, 0x0010, 0x010802, 2);
        MmioDevice regs = new MmioDevice() {
            int cc;

            @Override
            public long read(long offset, int size) {
                if (offset == 0) return 2047L | 1L << 16 | 2L << 24 | 1L << 37; // CAP: MQES, CQR, TO 1 s, CSS NVM
                if (offset == 0x14) return cc;
                if (offset == 0x1c) return becomesReady ? cc & 1 : 0; // CSTS
                return 0;
            }

            @Override
            public void write(long offset, int size, long value) {
                if (offset == 0x14) cc = (int) value;
            }
        };
        addBar(new PciBar(0, PciBar.Kind.MEMORY64, 0x4000, false, regs));
    }
}
