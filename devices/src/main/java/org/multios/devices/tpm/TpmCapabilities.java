package org.multios.devices.tpm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** TPM2_GetCapability (Part 3, 30.2): algorithms, handles, commands, PCRs, TPM_PT properties, curves. */
final class TpmCapabilities {
    private TpmCapabilities() {}

    static final int CAP_ALGS = 0, CAP_HANDLES = 1, CAP_COMMANDS = 2, CAP_PCRS = 5, CAP_TPM_PROPERTIES = 6,
            CAP_PCR_PROPERTIES = 7, CAP_ECC_CURVES = 8;
    static final int MAX_CAP_DATA = 1024 - 16;

    static void getCapability(TpmEngine tpm, TpmCall c) {
        int capability = c.p(1).u32();
        int property = c.p(2).u32();
        int count = c.p(3).u32();
        if (count < 0) count = Integer.MAX_VALUE; // an unsigned count: "as many as fit"
        c.param = 0;
        switch (capability) {
            case CAP_ALGS -> {
                List<int[]> algs = new ArrayList<>();
                for (int[] a : TpmAlg.IMPLEMENTED) if (a[0] >= (property & 0xFFFF) && (property >>> 16) == 0) algs.add(a);
                int n = Math.min(count, Math.min(algs.size(), MAX_CAP_DATA / 6));
                c.out.u8(n < algs.size() ? 1 : 0).u32(capability).u32(n);
                for (int i = 0; i < n; i++) c.out.u16(algs.get(i)[0]).u32(algs.get(i)[1]);
            }
            case CAP_HANDLES -> {
                List<Integer> hs = new ArrayList<>();
                int kind = property >>> 24;
                switch (kind) {
                    case 0x00 -> { for (int i = 0; i < TpmState.PCR_COUNT; i++) hs.add(i); }
                    case 0x01 -> hs.addAll(tpm.state.nv.keySet());
                    case 0x80 -> hs.addAll(new java.util.TreeSet<>(tpm.objects.keySet()));
                    case 0x02, 0x03 -> hs.addAll(new java.util.TreeSet<>(tpm.sessions.keySet()));
                    case 0x40 -> hs.addAll(List.of(TpmEngine.RH_OWNER, TpmEngine.RS_PW, TpmEngine.RH_LOCKOUT,
                            TpmEngine.RH_ENDORSEMENT, TpmEngine.RH_PLATFORM));
                    case 0x81 -> { }
                    default -> throw TpmRc.error(TpmRc.parameter(TpmRc.VALUE, 2));
                }
                hs.removeIf(h -> Integer.compareUnsigned(h, property) < 0 || (h >>> 24) != (property >>> 24) && kind != 0x02 && kind != 0x03);
                int n = Math.min(count, Math.min(hs.size(), MAX_CAP_DATA / 4));
                c.out.u8(n < hs.size() ? 1 : 0).u32(capability).u32(n);
                for (int i = 0; i < n; i++) c.out.u32(hs.get(i));
            }
            case CAP_COMMANDS -> {
                List<Integer> ccs = new ArrayList<>();
                for (Map.Entry<Integer, TpmEngine.Spec> e : tpm.commands.entrySet()) if (e.getKey() >= property) ccs.add(e.getKey());
                int n = Math.min(count, Math.min(ccs.size(), MAX_CAP_DATA / 4));
                c.out.u8(n < ccs.size() ? 1 : 0).u32(capability).u32(n);
                for (int i = 0; i < n; i++) {
                    int cc = ccs.get(i);
                    TpmEngine.Spec s = tpm.commands.get(cc);
                    boolean rHandle = cc == TpmCc.CreatePrimary || cc == TpmCc.Load || cc == TpmCc.LoadExternal
                            || cc == TpmCc.HashSequenceStart || cc == TpmCc.ContextLoad || cc == TpmCc.StartAuthSession;
                    c.out.u32(cc | (s.handles() << 25) | (rHandle ? 1 << 28 : 0) | (cc == TpmCc.FlushContext ? 1 << 24 : 0));
                }
            }
            case CAP_PCRS -> {
                c.out.u8(0).u32(capability).u32(TpmState.BANKS.length);
                for (int bank : TpmState.BANKS) c.out.u16(bank).u8(3).u8(0xFF).u8(0xFF).u8(0xFF);
            }
            case CAP_TPM_PROPERTIES -> {
                List<int[]> props = new ArrayList<>();
                for (int[] p : properties(tpm)) if (Integer.compareUnsigned(p[0], property) >= 0) props.add(p);
                int n = Math.min(count, Math.min(props.size(), MAX_CAP_DATA / 8));
                c.out.u8(n < props.size() ? 1 : 0).u32(capability).u32(n);
                for (int i = 0; i < n; i++) c.out.u32(props.get(i)[0]).u32(props.get(i)[1]);
            }
            case CAP_PCR_PROPERTIES -> {
                // TPM_PT_PCR_EXTEND_L0 (1), TPM_PT_PCR_RESET_L0 (2): which PCRs locality 0 may extend and reset.
                int[][] props = {{1, 0xFFFFFF & ~0x7E0000}, {2, (1 << 16) | (1 << 23)}};
                List<int[]> ps = new ArrayList<>();
                for (int[] p : props) if (p[0] >= property) ps.add(p);
                int n = Math.min(count, ps.size());
                c.out.u8(n < ps.size() ? 1 : 0).u32(capability).u32(n);
                for (int i = 0; i < n; i++) {
                    int bits = ps.get(i)[1];
                    c.out.u32(ps.get(i)[0]).u8(3).u8(bits).u8(bits >> 8).u8(bits >> 16);
                }
            }
            case CAP_ECC_CURVES -> {
                boolean has = property <= TpmAlg.ECC_NIST_P256 && count > 0;
                c.out.u8(0).u32(capability).u32(has ? 1 : 0);
                if (has) c.out.u16(TpmAlg.ECC_NIST_P256);
            }
            default -> throw TpmRc.error(TpmRc.parameter(TpmRc.VALUE, 1));
        }
    }

    private static int chars(String four) {
        byte[] b = four.getBytes(StandardCharsets.US_ASCII);
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    /** TPM_PT_* values (Part 2, 6.13), in property order. */
    static List<int[]> properties(TpmEngine tpm) {
        int persistentNv = tpm.state.nv.size();
        int permanent = (tpm.state.ownerAuth.length > 0 ? 1 : 0) | (tpm.state.endorsementAuth.length > 0 ? 2 : 0)
                | (tpm.state.lockoutAuth.length > 0 ? 4 : 0);
        return List.of(
                new int[] {0x100, chars("2.0\0")}, // TPM_PT_FAMILY_INDICATOR
                new int[] {0x101, 0},              // LEVEL
                new int[] {0x102, 159},            // REVISION (1.59)
                new int[] {0x103, 330},            // DAY_OF_YEAR
                new int[] {0x104, 2026},           // YEAR
                new int[] {0x105, chars("MOS\0")}, // MANUFACTURER
                new int[] {0x106, chars("Mult")}, new int[] {0x107, chars("iOS ")},
                new int[] {0x108, chars("TPM\0")}, new int[] {0x109, 0},
                new int[] {0x10A, 0},              // VENDOR_TPM_TYPE
                new int[] {0x10B, 0x00010000}, new int[] {0x10C, 0}, // FIRMWARE_VERSION_1/2
                new int[] {0x10D, 1024},           // INPUT_BUFFER
                new int[] {0x10E, TpmEngine.MAX_OBJECTS}, // HR_TRANSIENT_MIN
                new int[] {0x10F, 0},              // HR_PERSISTENT_MIN
                new int[] {0x110, TpmEngine.MAX_OBJECTS}, // HR_LOADED_MIN
                new int[] {0x111, TpmEngine.MAX_SESSIONS}, // ACTIVE_SESSIONS_MAX
                new int[] {0x112, TpmState.PCR_COUNT}, // PCR_COUNT
                new int[] {0x113, 3},              // PCR_SELECT_MIN
                new int[] {0x114, 0xFFFF},         // CONTEXT_GAP_MAX
                new int[] {0x116, 8},              // NV_COUNTERS_MAX
                new int[] {0x117, 2048},           // NV_INDEX_MAX
                new int[] {0x118, 0},              // MEMORY
                new int[] {0x119, 1000},           // CLOCK_UPDATE
                new int[] {0x11A, TpmAlg.SHA256},  // CONTEXT_HASH
                new int[] {0x11B, TpmAlg.AES},     // CONTEXT_SYM
                new int[] {0x11C, 256},            // CONTEXT_SYM_SIZE
                new int[] {0x11D, 255},            // ORDERLY_COUNT
                new int[] {0x11E, TpmEngine.MAX_COMMAND}, // MAX_COMMAND_SIZE
                new int[] {0x11F, TpmEngine.MAX_COMMAND}, // MAX_RESPONSE_SIZE
                new int[] {0x120, 32},             // MAX_DIGEST
                new int[] {0x121, 4096},           // MAX_OBJECT_CONTEXT
                new int[] {0x122, 512},            // MAX_SESSION_CONTEXT
                new int[] {0x123, 1},              // PS_FAMILY_INDICATOR (PC client)
                new int[] {0x124, 0}, new int[] {0x125, 0x100}, new int[] {0x126, 0}, new int[] {0x127, 0},
                new int[] {0x128, 128},            // SPLIT_MAX
                new int[] {0x129, tpm.commands.size()}, // TOTAL_COMMANDS
                new int[] {0x12A, tpm.commands.size()}, // LIBRARY_COMMANDS
                new int[] {0x12B, 0},              // VENDOR_COMMANDS
                new int[] {0x12C, 1024},           // NV_BUFFER_MAX
                new int[] {0x12D, 0},              // MODES
                new int[] {0x12E, 1024},           // MAX_CAP_BUFFER
                new int[] {0x200, permanent},      // PERMANENT
                new int[] {0x201, 0x80000007},     // STARTUP_CLEAR: phEnable, shEnable, ehEnable, orderly
                new int[] {0x202, persistentNv},   // HR_NV_INDEX
                new int[] {0x203, tpm.objects.size()}, // HR_LOADED
                new int[] {0x204, TpmEngine.MAX_OBJECTS - tpm.objects.size()},
                new int[] {0x205, tpm.sessions.size()}, // HR_ACTIVE
                new int[] {0x206, TpmEngine.MAX_SESSIONS - tpm.sessions.size()},
                new int[] {0x207, TpmEngine.MAX_OBJECTS - tpm.objects.size()}, // HR_TRANSIENT_AVAIL
                new int[] {0x208, 0}, new int[] {0x209, 0}, // HR_PERSISTENT(_AVAIL)
                new int[] {0x20A, 0}, new int[] {0x20B, 8}, // NV_COUNTERS(_AVAIL)
                new int[] {0x20C, 0}, new int[] {0x20D, 1}, // ALGORITHM_SET, LOADED_CURVES
                new int[] {0x20E, 0}, new int[] {0x20F, 3}, new int[] {0x210, 1000}, new int[] {0x211, 1000},
                new int[] {0x212, 0});
    }
}
