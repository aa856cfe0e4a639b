package org.multios.devices.block;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * One {@code --disk FILE[,readonly][,overlay=FILE]} argument. A comma inside a file
 * name is written twice ({@code a,,b} is the file {@code a,b}), as QEMU does (also in overlay names).
 * <ul>
 * <li>{@code FILE} alone: the raw image is read and written in place.</li>
 * <li>{@code readonly}: the guest cannot write (its namespace reports write protection).</li>
 * <li>{@code overlay=OVL}: the guest's writes go to the copy-on-write overlay OVL
 *     (created if missing); FILE itself is opened read-only and never modified.</li>
 * <li>{@code --snapshot} (global): like an overlay in a temporary file deleted at exit.</li>
 * </ul>
 * An image whose size is not a multiple of 512 bytes is accepted: the guest sees it
 * rounded down to whole blocks and the trailing bytes are never read or written; a
 * warning says so. An image smaller than one block is refused.
 */
public record DiskSpec(Path file, boolean readOnly, Path overlay) {
    /** Parses the text after {@code --disk}; throws {@link DiskSpecException} with a one-line reason. */
    public static DiskSpec parse(String text) {
        if (text == null || text.isEmpty()) throw new DiskSpecException("--disk needs a file name");
        java.util.List<String> parts = split(text);
        String file = parts.getFirst();
        if (file.isEmpty()) throw new DiskSpecException("--disk " + text + ": the file name is empty");
        boolean readOnly = false;
        String overlay = null;
        for (String opt : parts.subList(1, parts.size())) {
            if (opt.equals("readonly")) {
                if (readOnly) throw new DiskSpecException("--disk " + text + ": readonly given twice");
                readOnly = true;
            } else if (opt.startsWith("overlay=")) {
                if (overlay != null) throw new DiskSpecException("--disk " + text + ": overlay= given twice");
                overlay = opt.substring("overlay=".length());
                if (overlay.isEmpty()) throw new DiskSpecException("--disk " + text + ": overlay= needs a file name");
            } else {
                throw new DiskSpecException("--disk " + text + ": unknown option '" + opt + "' (expected readonly or overlay=FILE)");
            }
        }
        if (readOnly && overlay != null) {
            throw new DiskSpecException("--disk " + text + ": readonly and overlay= exclude each other (an overlay exists to take writes)");
        }
        return new DiskSpec(Path.of(file), readOnly, overlay == null ? null : Path.of(overlay));
    }

    private static java.util.List<String> split(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                cur.append(',');
                i++;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * Opens the back end this argument describes.
     *
     * @param snapshot the global {@code --snapshot}: writes go to a temporary overlay
     * @param warnings receives one-line warnings (odd-sized image)
     */
    public DiskImage open(boolean snapshot, Consumer<String> warnings) {
        if (!Files.exists(file)) throw new DiskSpecException("disk " + file + ": no such file");
        if (!Files.isRegularFile(file)) throw new DiskSpecException("disk " + file + ": not a regular file");
        if (!Files.isReadable(file)) throw new DiskSpecException("disk " + file + ": not readable");
        boolean baseReadOnly = readOnly || overlay != null || snapshot;
        if (!baseReadOnly && !Files.isWritable(file)) {
            throw new DiskSpecException("disk " + file + ": not writable (add ,readonly or ,overlay=FILE)");
        }
        if (overlay != null && Files.exists(overlay)) {
            try {
                if (Files.isSameFile(file, overlay)) throw new DiskSpecException("disk " + file + ": the overlay cannot be the image itself");
            } catch (java.io.IOException e) {
                throw new DiskSpecException("overlay " + overlay + ": " + RawDiskImage.reason(e));
            }
        }
        RawDiskImage raw = RawDiskImage.open(file, baseReadOnly);
        if (raw.trailingBytes() != 0) {
            warnings.accept(String.format("disk %s: size %d is not a multiple of 512; the guest sees %d blocks and the last %d bytes are left untouched",
                    file, raw.size() + raw.trailingBytes(), raw.size() / DiskImage.BLOCK, raw.trailingBytes()));
        }
        try {
            if (readOnly) return raw;
            if (overlay != null) return CopyOnWriteOverlay.open(raw, overlay);
            if (snapshot) return CopyOnWriteOverlay.temporary(raw);
            return raw;
        } catch (RuntimeException e) {
            try { raw.close(); } catch (java.io.IOException ignored) {}
            throw e;
        }
    }
}
