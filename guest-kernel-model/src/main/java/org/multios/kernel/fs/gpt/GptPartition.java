package org.multios.kernel.fs.gpt;

import java.util.UUID;

/** One GPT partition entry; LBAs are 512-byte sectors, {@code lastLba} inclusive as in the UEFI spec. */
public record GptPartition(UUID type, UUID unique, long firstLba, long lastLba, long attributes, String name) {
    /** MultiOS partition types (our own GUIDs): the MFS boot partition and the MFS root. */
    public static final UUID MULTIOS_BOOT = UUID.fromString("6d756c74-696f-5342-8000-6d66732d6274"),
            MULTIOS_ROOT = UUID.fromString("6d756c74-696f-5352-8000-6d66732d7274");

    public long offsetBytes() { return firstLba * GptDisk.SECTOR; }
    public long sizeBytes() { return (lastLba - firstLba + 1) * GptDisk.SECTOR; }
}
