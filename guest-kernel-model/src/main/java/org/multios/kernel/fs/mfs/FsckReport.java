package org.multios.kernel.fs.mfs;

import java.util.ArrayList;
import java.util.List;

/** What fsck found (each problem names its inode or block) and what --repair changed. */
public final class FsckReport {
    public final List<String> problems = new ArrayList<>();
    public final List<String> repairs = new ArrayList<>();
    public long inodes, directories, files, symlinks, blocksInUse;

    public boolean clean() { return problems.isEmpty(); }

    public String summary() {
        return String.format("%d inodes (%d directories, %d files, %d symlinks), %d blocks in use: %s", inodes, directories, files,
                symlinks, blocksInUse, clean() ? "clean" : problems.size() + " problem(s)" + (repairs.isEmpty() ? "" : ", " + repairs.size() + " repair(s)"));
    }
}
