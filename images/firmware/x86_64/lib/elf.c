/* Loads an ELF64 x86-64 executable (System V gABI + AMD64 psABI) from MFS: every PT_LOAD
 * segment at its physical address, file bytes then zeroes up to p_memsz. All headers are
 * checked against the file size first, so a truncated kernel is reported, never half-run. */
#include "fw.h"

#define PT_LOAD 1
#define EM_X86_64 62
#define MAX_PH 32

void elf_load(const struct mfs_inode *n, const char *path, struct elf_image *img,
              void (*check)(uint64_t lo, uint64_t hi, const char *path)) {
    static uint8_t eh[64], ph[MAX_PH * 56];
    uint64_t fsize = n->size;
    if (fsize < 64) fw_die("%s is truncated: %lu bytes, too short for an ELF header", path, fsize);
    mfs_read(n, path, 0, eh, 64);
    if (memcmp(eh, "\177ELF", 4) != 0) fw_die("%s is not an ELF file", path);
    if (eh[4] != 2 || eh[5] != 1) fw_die("%s is not a little-endian ELF64 file", path);
    if (le16(eh + 18) != EM_X86_64) fw_die("%s is not an x86-64 ELF (e_machine %u)", path, le16(eh + 18));
    if (le16(eh + 16) != 2) fw_die("%s is not an executable ELF (e_type %u)", path, le16(eh + 16));
    uint64_t phoff = le64(eh + 32);
    unsigned phentsize = le16(eh + 54), phnum = le16(eh + 56);
    if (phentsize != 56 || phnum == 0 || phnum > MAX_PH) fw_die("%s: bad program header table (%u entries of %u bytes)", path, phnum, phentsize);
    if (phoff > fsize || (uint64_t)phnum * 56 > fsize - phoff)
        fw_die("%s is truncated: program headers end at byte %lu, file has %lu", path, phoff + phnum * 56, fsize);
    mfs_read(n, path, phoff, ph, phnum * 56);
    img->entry = le64(eh + 24);
    img->lo = ~0ull;
    img->hi = 0;
    img->segments = 0;
    int entry_ok = 0;
    for (int pass = 0; pass < 2; pass++) {   /* pass 1 checks everything, pass 2 loads */
        for (unsigned i = 0; i < phnum; i++) {
            const uint8_t *p = ph + i * 56;
            if (le32(p) != PT_LOAD) continue;
            uint64_t off = le64(p + 8), pa = le64(p + 24), filesz = le64(p + 32), memsz = le64(p + 40);
            if (memsz == 0) continue;
            if (pass == 0) {
                if (filesz > memsz) fw_die("%s: program header %u has p_filesz > p_memsz", path, i);
                if (off > fsize || filesz > fsize - off)
                    fw_die("%s is truncated: program header %u needs bytes %lu-%lu, file has %lu", path, i, off, off + filesz, fsize);
                if (pa + memsz < pa) fw_die("%s: program header %u wraps around the address space", path, i);
                check(pa, pa + memsz, path);
                if (pa < img->lo) img->lo = pa;
                if (pa + memsz > img->hi) img->hi = pa + memsz;
                if ((le32(p + 4) & 1) && img->entry >= pa && img->entry < pa + memsz) entry_ok = 1;
                img->segments++;
            } else {
                mfs_read(n, path, off, (void *)(uintptr_t)pa, filesz);
                memset((uint8_t *)(uintptr_t)pa + filesz, 0, memsz - filesz);
            }
        }
        if (pass == 0) {
            if (img->segments == 0) fw_die("%s has no loadable segments", path);
            if (!entry_ok) fw_die("%s: entry point %lx is not in an executable segment", path, img->entry);
        }
    }
}
