package org.multios.kernel.fs.mfs;

/**
 * Options of {@link MfsVolume#mount}: read-only, the passphrase of an encrypted volume, and
 * {@code repair} (used by fsck --repair: mount writable even when corruption was found).
 */
public record MfsMountOptions(boolean readOnly, char[] passphrase, boolean repair) {
    public static MfsMountOptions defaults() { return new MfsMountOptions(false, null, false); }
    public static MfsMountOptions readOnlyMount() { return new MfsMountOptions(true, null, false); }
    public MfsMountOptions withPassphrase(char[] p) { return new MfsMountOptions(readOnly, p, repair); }
    public MfsMountOptions forRepair() { return new MfsMountOptions(false, passphrase, true); }
}
