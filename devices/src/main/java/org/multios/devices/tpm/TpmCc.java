package org.multios.devices.tpm;

/** TPM 2.0 command codes (Part 2, 6.5) for the commands this engine implements. */
public final class TpmCc {
    private TpmCc() {}

    public static final int NV_UndefineSpace = 0x122, Clear = 0x126, HierarchyChangeAuth = 0x129,
            NV_DefineSpace = 0x12A, CreatePrimary = 0x131, NV_Write = 0x137, PCR_Reset = 0x13D,
            SequenceComplete = 0x13E, SelfTest = 0x143, Startup = 0x144, Shutdown = 0x145, StirRandom = 0x146,
            NV_Read = 0x14E, Create = 0x153, Load = 0x157, Quote = 0x158, SequenceUpdate = 0x15C, Sign = 0x15D,
            ContextLoad = 0x161, ContextSave = 0x162, FlushContext = 0x165, LoadExternal = 0x167,
            NV_ReadPublic = 0x169, ReadPublic = 0x173, StartAuthSession = 0x176, VerifySignature = 0x177,
            GetCapability = 0x17A, GetRandom = 0x17B, GetTestResult = 0x17C, Hash = 0x17D, PCR_Read = 0x17E,
            PCR_Extend = 0x182, HashSequenceStart = 0x186, TestParms = 0x18A;
}
