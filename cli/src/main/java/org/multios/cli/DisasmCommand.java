package org.multios.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.multios.core.elf.ElfFile;
import org.multios.core.elf.ElfFormatException;
import org.multios.isa.riscv.disasm.RvDisassembler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code multios disasm}: disassembles an ELF file's code in objdump's {@code -d} format. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble the executable sections of an ELF file (the same text as objdump -d).")
final class DisasmCommand implements Callable<Integer> {
    @ParentCommand Multios top;

    @Option(names = "--arch", defaultValue = "riscv64", converter = Arch.Converter.class,
            description = "Architecture: riscv64, arm64, x86_64 (default: ${DEFAULT-VALUE}).")
    Arch arch;

    @Parameters(paramLabel = "FILE", description = "ELF file to disassemble.")
    Path file;

    @Override
    public Integer call() throws Exception {
        arch.requireImplemented();
        byte[] data;
        try {
            if (Files.isDirectory(file)) throw new UserInputException(file + " is a directory");
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("file not found: " + file);
        } catch (AccessDeniedException e) {
            throw new UserInputException("file not readable: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage());
        }
        ElfFile elf;
        try {
            elf = ElfFile.parse(data);
            elf.requireMachine(arch == Arch.ARM64 ? ElfFile.EM_AARCH64 : arch == Arch.X86_64 ? ElfFile.EM_X86_64 : ElfFile.EM_RISCV);
        } catch (ElfFormatException e) {
            throw new UserInputException(file + ": " + e.getMessage());
        }
        if (arch == Arch.ARM64) org.multios.isa.arm64.disasm.A64ElfListing.print(elf, file.toString(), top.out);
        else if (arch == Arch.X86_64) org.multios.isa.x86.disasm.X86ElfListing.print(elf, file.toString(), top.out);
        else RvDisassembler.disassembleElf(elf, file.toString(), top.out);
        top.out.flush();
        return 0;
    }
}
