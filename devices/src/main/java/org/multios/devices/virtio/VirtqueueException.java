package org.multios.devices.virtio;

/**
 * The driver broke the virtqueue rules (a descriptor loop, a chain longer than the
 * queue, a zero-length or misaligned indirect table, a readable descriptor after a
 * writable one, a ring outside RAM). The device answers with DEVICE_NEEDS_RESET.
 */
public final class VirtqueueException extends RuntimeException {
    public VirtqueueException(String message) { super(message, null, false, false); }
}
