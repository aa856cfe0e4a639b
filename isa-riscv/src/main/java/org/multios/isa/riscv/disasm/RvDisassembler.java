package org.multios.isa.riscv.disasm;

import java.io.PrintStream;
import org.multios.core.elf.ElfFile;
import org.multios.isa.riscv.decode.RvInsn;

/**
 * RISC-V disassembler whose text is that of GNU objdump 2.40 ({@code objdump -d}, with
 * its aliases), driven by the disassembly rules declared in the encoding table.
 * <p>
 * Known difference: in some stripped shared libraries (libm.so.6) objdump leaves GOT
 * slots of {@code .rela.dyn} entries unnamed where this names them after the relocation's
 * symbol (as objdump itself does for libc.so.6 and for executables).
 */
public final class RvDisassembler {
    private RvDisassembler() {}

    /**
     * The instruction as objdump prints it after the raw bytes: mnemonic, a tab, the
     * operands. Branch and jump targets are absolute hex addresses with no symbol part.
     */
    public static String format(RvInsn insn, long pc) {
        return InsnFormatter.format(insn, pc, AddressFormat.plain(), IsaProfile.ALL, null);
    }

    /** As {@link #format(RvInsn, long)}, with {@code <sym+0xoff>} after targets that {@code symbols} names. */
    public static String format(RvInsn insn, long pc, SymbolLookup symbols) {
        return InsnFormatter.format(insn, pc, AddressFormat.withSymbols(symbols), IsaProfile.ALL, null);
    }

    /**
     * An {@code objdump -d} listing of every executable section of {@code elf}; a file
     * without section headers (where objdump lists nothing) gets its executable segments
     * listed instead, as sections named {@code segmentN}. The caller checks the machine
     * type ({@code elf.requireMachine(ElfFile.EM_RISCV)}).
     */
    public static void disassembleElf(ElfFile elf, PrintStream out) {
        new ElfListing(elf, out).print(null);
    }

    /** As {@link #disassembleElf(ElfFile, PrintStream)}, starting with objdump's "FILE: file format" header. */
    public static void disassembleElf(ElfFile elf, String fileName, PrintStream out) {
        new ElfListing(elf, out).print(fileName);
    }
}
