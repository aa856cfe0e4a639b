package org.multios.kernel.fs;

import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;

/**
 * /sys, as far as MultiOS has one: {@code kernel/security/tpm0/binary_bios_measurements}, the
 * TCG event log of the boot stages (Linux's securityfs path, which tpm2_eventlog and
 * Keylime read), present when the boot was measured.
 */
public final class SysFs implements FileSystem {
    private final Inode root;

    public SysFs(Kernel k) {
        Inode log = new BlobFile(() -> k.tpmEventLog, 0440);
        Inode tpm0 = new ProcFs.Dir(() -> List.of("binary_bios_measurements"), n -> {
            if (n.equals("binary_bios_measurements")) return log;
            throw new KernelException(Errno.ENOENT);
        });
        Inode security = new ProcFs.Dir(() -> k.tpmEventLog == null ? List.of() : List.of("tpm0"), n -> {
            if (n.equals("tpm0") && k.tpmEventLog != null) return tpm0;
            throw new KernelException(Errno.ENOENT);
        });
        Inode kernel = new ProcFs.Dir(() -> List.of("security"), n -> {
            if (n.equals("security")) return security;
            throw new KernelException(Errno.ENOENT);
        });
        this.root = new ProcFs.Dir(() -> List.of("kernel"), n -> {
            if (n.equals("kernel")) return kernel;
            throw new KernelException(Errno.ENOENT);
        });
    }

    @Override public String type() { return "sysfs"; }
    @Override public Inode root() { return root; }
}
