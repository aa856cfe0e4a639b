package org.multios.isa.x86;

import java.nio.charset.StandardCharsets;

/**
 * CPUID (SDM Vol. 2A): describes what this CPU implements and nothing more: x87 (FPU),
 * MMX, FXSR, SSE through SSE4.2, POPCNT, LZCNT, MOVBE, CMPXCHG16B, XSAVE for x87+SSE state, RDRAND
 * and RDSEED (glibc's x86-64 baseline check wants CMOV, CX8, FPU, FXSR, MMX, SSE, SSE2, SYSCALL); no
 * AVX or BMI (there is no VEX decoding). The vendor is
 * "AuthenticAMD", as QEMU's default qemu64 model reports, so firmware takes the paths it
 * takes under QEMU; feature bits list only what the executor implements.
 */
public final class Cpuid {
    static final String VENDOR = "AuthenticAMD";
    static final String BRAND = "MultiOS emulated x86-64 CPU";
    /** Family 6, model 6, stepping 3 (QEMU's qemu64 reports the same signature). */
    static final int SIGNATURE = 0x663;

    // CPUID.1:EDX
    static final int APIC = 1 << 9, TSC_DEADLINE = 1 << 24;
    static final int FPU = 1, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5, PAE = 1 << 6, CX8 = 1 << 8,
            PGE = 1 << 13, MTRR = 1 << 12, CMOV = 1 << 15, PAT = 1 << 16, CLFSH = 1 << 19, MMX = 1 << 23, FXSR = 1 << 24,
            SSE = 1 << 25, SSE2 = 1 << 26;
    // CPUID.1:ECX
    static final int SSE3 = 1, SSSE3 = 1 << 9, CX16 = 1 << 13, SSE41 = 1 << 19, SSE42 = 1 << 20, MOVBE = 1 << 22,
            POPCNT = 1 << 23, XSAVE = 1 << 26, OSXSAVE = 1 << 27, RDRAND = 1 << 30;
    // CPUID.7.0:EBX
    static final int RDSEED = 1 << 18;
    // CPUID.80000001:EDX / ECX
    static final int SYSCALL = 1 << 11, NX = 1 << 20, LM = 1 << 29, RDTSCP = 1 << 27;
    static final int LZCNT = 1 << 5;

    /** Bytes of the standard XSAVE area for XCR0 bits 0-1: the legacy region and the header. */
    static final int XSAVE_SIZE = 576;

    /** Set by a board that gives the CPU a local APIC (x86_64-pc): CPUID.1:EDX.APIC[bit 9] reports it. */
    public boolean localApic;

    /** As {@link #query(int, int, boolean)} with CR4.OSXSAVE clear. */
    public int[] query(int leaf, int subleaf) { return query(leaf, subleaf, false); }

    /** Returns EAX, EBX, ECX, EDX for a leaf and subleaf; OSXSAVE mirrors CR4.OSXSAVE. */
    public int[] query(int leaf, int subleaf, boolean osxsave) {
        return switch (leaf) {
            case 0 -> vendor(0xd);
            case 1 -> new int[] {SIGNATURE, 0x0001_0800,
                SSE3 | SSSE3 | CX16 | SSE41 | SSE42 | MOVBE | POPCNT | XSAVE | (osxsave ? OSXSAVE : 0) | RDRAND | (localApic ? TSC_DEADLINE : 0),
                FPU | PSE | TSC | MSR | PAE | CX8 | (localApic ? APIC : 0) | MTRR | PGE | CMOV | PAT | CLFSH | MMX | FXSR | SSE | SSE2};
            case 7 -> new int[] {0, subleaf == 0 ? RDSEED : 0, 0, 0};
            // XSAVE: x87 and SSE state, standard format only (no XSAVEOPT/XSAVEC/XSAVES)
            case 0xd -> switch (subleaf) {
                case 0 -> new int[] {3, XSAVE_SIZE, XSAVE_SIZE, 0};
                // sub-leaf 1: no XSAVEOPT/XSAVEC/XGETBV(1)/XSAVES; components 0 and 1 lie in the legacy region
                default -> new int[] {0, 0, 0, 0};
            };
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
