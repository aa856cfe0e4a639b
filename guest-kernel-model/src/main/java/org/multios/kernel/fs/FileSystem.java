package org.multios.kernel.fs;

/** A mountable file system: a root directory and what statfs reports. MFS plugs in here. */
public interface FileSystem {
    String type();
    Inode root();
    default boolean readOnly() { return false; }
    default void sync() {}
}
