package org.multios.isa.x86;

import java.nio.charset.StandardCharsets;

/**
 * CPUID (SDM Vol. 2A): describes what this CPU implements and nothing more. The vendor is
 * "AuthenticAMD", as QEMU's default qemu64 model reports, so firmware takes the paths it
 * takes under QEMU; feature bits list only what the executor implements.
 */
public final class Cpuid {
    static final String VENDOR = "AuthenticAMD";
    static final String BRAND = "MultiOS emulated x86-64 CPU";
    /** Family 6, model 6, stepping 3 (QEMU's qemu64 reports the same signature). */
    static final int SIGNATURE = 0x663;

    // CPUID.1:EDX
    static final int FPU = 1, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5, PAE = 1 << 6, CX8 = 1 << 8,
            PGE = 1 << 13, MTRR = 1 << 12, CMOV = 1 << 15, PAT = 1 << 16, CLFSH = 1 << 19;
    // CPUID.1:ECX
    static final int POPCNT = 1 << 23, RDRAND = 1 << 30;
    // CPUID.80000001:EDX / ECX
    static final int SYSCALL = 1 << 11, NX = 1 << 20, LM = 1 << 29, RDTSCP = 1 << 27;
    static final int LZCNT = 1 << 5;

    /** Returns EAX, EBX, ECX, EDX for a leaf and subleaf. */
    public int[] query(int leaf, int subleaf) {
        return switch (leaf) {
            case 0 -> vendor(7);
            case 1 -> new int[] {SIGNATURE, 0x0001_0800, POPCNT, PSE | TSC | MSR | PAE | CX8 | MTRR | PGE | CMOV | PAT | CLFSH};
            case 7 -> new int[] {0, 0, 0, 0};
            case 0x8000_0000 -> new int[] {0x8000_0008, 0, 0, 0};
            case 0x8000_0001 -> new int[] {SIGNATURE, 0, LZCNT, SYSCALL | NX | LM | RDTSCP};
            case 0x8000_0002, 0x8000_0003, 0x8000_0004 -> brand(leaf - 0x8000_0002);
            case 0x8000_0008 -> new int[] {0x3028, 0, 0, 0}; // 40 physical, 48 linear address bits
            default -> new int[] {0, 0, 0, 0};
        };
    }

    private static int[] vendor(int maxLeaf) {
        byte[] v = VENDOR.getBytes(StandardCharsets.US_ASCII);
        return new int[] {maxLeaf, le(v, 0), le(v, 8), le(v, 4)};
    }

    private static int[] brand(int part) {
        byte[] b = new byte[48];
        byte[] s = BRAND.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, 0, s.length);
        return new int[] {le(b, part * 16), le(b, part * 16 + 4), le(b, part * 16 + 8), le(b, part * 16 + 12)};
    }

    private static int le(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }
}
