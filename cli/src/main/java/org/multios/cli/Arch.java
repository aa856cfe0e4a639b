package org.multios.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Guest architectures, as {@code --arch} names them. */
public enum Arch {
    RISCV64("riscv64", true),
    ARM64("arm64", true),
    X86_64("x86_64", true);

    public final String cliName;
    /** Whether a machine for it exists yet. */
    public final boolean implemented;

    Arch(String cliName, boolean implemented) {
        this.cliName = cliName;
        this.implemented = implemented;
    }

    @Override
    public String toString() { return cliName; }

    public void requireImplemented() throws UserInputException {
        if (!implemented) throw new UserInputException("architecture " + cliName + " is not implemented yet");
    }

    /** Accepts the names in the CLI contract and the common aliases (aarch64, amd64, x86-64). */
    public static final class Converter implements ITypeConverter<Arch> {
        @Override
        public Arch convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "riscv64", "rv64" -> RISCV64;
                case "arm64", "aarch64" -> ARM64;
                case "x86_64", "x86-64", "amd64", "x64" -> X86_64;
                default -> throw new TypeConversionException(
                        "unknown architecture '" + value + "' (expected riscv64, arm64 or x86_64)");
            };
        }
    }
}
