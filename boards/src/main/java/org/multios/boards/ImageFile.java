package org.multios.boards;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.multios.core.elf.ElfFile;
import org.multios.core.elf.ElfFormatException;

/**
 * A firmware or kernel image read from the host: an ELF file (loaded at its segments'
 * physical addresses) or a raw binary (loaded at an address the board chooses).
 */
public final class ImageFile {
    /** Largest image we read into memory; RAM bounds are checked later. */
    private static final long MAX_IMAGE = 1L << 31;

    private final String role;
    private final Path path;
    private final byte[] bytes;
    private final ElfFile elf;

    private ImageFile(String role, Path path, byte[] bytes, ElfFile elf) {
        this.role = role;
        this.path = path;
        this.bytes = bytes;
        this.elf = elf;
    }

    /**
     * Reads an image; an ELF file must be for {@code elfMachine} (-1: any file is raw data,
     * as an initrd is).
     *
     * @param role what the image is, for messages ("kernel", "firmware")
     */
    public static ImageFile read(String role, Path path, int elfMachine) throws BoardException {
        byte[] data;
        try {
            if (Files.isDirectory(path)) throw new BoardException(role + " " + path + " is a directory");
            long size = Files.size(path);
            if (size > MAX_IMAGE) throw new BoardException(role + " " + path + " is too large (" + size + " bytes)");
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BoardException(role + " file not found: " + path);
        } catch (AccessDeniedException e) {
            throw new BoardException(role + " file not readable: " + path);
        } catch (IOException e) {
            throw new BoardException("cannot read " + role + " " + path + ": " + e.getMessage());
        }
        if (data.length == 0) throw new BoardException(role + " " + path + " is empty");
        ElfFile elf = null;
        if (elfMachine >= 0 && ElfFile.looksLikeElf(data)) {
            try {
                elf = ElfFile.parse(data);
                elf.requireMachine(elfMachine);
            } catch (ElfFormatException e) {
                throw new BoardException(role + " " + path + ": " + e.getMessage());
            }
        }
        return new ImageFile(role, path, data, elf);
    }

    public String role() { return role; }
    public Path path() { return path; }
    public byte[] bytes() { return bytes; }
    public boolean isElf() { return elf != null; }
    public Optional<ElfFile> elf() { return Optional.ofNullable(elf); }

    /** How the image is named in messages: role and file. */
    public String describe() { return role + " " + path; }
}
