package org.multios.kernel.mm;

/**
 * An open device file whose memory user programs may mmap directly (the framebuffer): mmap(2)
 * then maps the device's physical pages into the process ({@link Vma#device}) instead of copying.
 */
public interface DeviceMappable {
    /**
     * The physical address that file offset {@code offset} (page aligned) maps to, for a mapping of
     * {@code length} bytes (page rounded); a negative errno when the range is outside the device.
     */
    long physicalFor(long offset, long length);

    /** The area's name in /proc/PID/maps. */
    String mappingName();
}
