package org.multios.kernel.drivers.nvme;

import java.io.IOException;

/** An NVMe failure the kernel reports as EIO: a command error status, a timeout, a dead controller. */
public final class NvmeException extends IOException {
    public NvmeException(String message) { super(message); }
}
