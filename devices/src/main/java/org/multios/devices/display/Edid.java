package org.multios.devices.display;

import java.nio.charset.StandardCharsets;

/**
 * An EDID 1.4 base block (VESA E-EDID Release A, Revision 2) describing the emulated monitor:
 * manufacturer "MOS", sRGB colorimetry, the established 640x480/800x600/1024x768 modes, a
 * detailed timing for the preferred mode (VESA DMT 1024x768@60), range limits and the monitor
 * name. Drivers read it from the first 256 bytes of the display's MMIO BAR, as with QEMU's
 * bochs-display; bytes 128..255 are zero (no extension blocks).
 */
public final class Edid {
    private Edid() {}

    public static byte[] generate() {
        byte[] e = new byte[256];
        byte[] header = {0x00, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00};
        System.arraycopy(header, 0, e, 0, 8);
        int mfg = (('M' - '@') << 10) | (('O' - '@') << 5) | ('S' - '@');
        e[8] = (byte) (mfg >>> 8);
        e[9] = (byte) mfg;
        e[10] = 0x01; e[11] = 0x00;                  // product code 1 (little-endian)
        e[12] = 0x01;                                // serial number 1
        e[16] = 1;                                   // week of manufacture
        e[17] = (byte) (2026 - 1990);                // year
        e[18] = 1; e[19] = 4;                        // EDID 1.4
        e[20] = (byte) 0xa0;                         // digital input, 8 bits per colour (010b), interface undefined
        e[21] = 34; e[22] = 27;                      // screen size in cm (about 17" 4:3)
        e[23] = 120;                                 // gamma 2.2 = (120 + 100) / 100
        e[24] = 0x06;                                // sRGB default colour space, preferred timing is native
        chromaticity(e, 0.640, 0.330, 0.300, 0.600, 0.150, 0.060, 0.3127, 0.3290);
        e[35] = 0x21;                                // 640x480@60, 800x600@60
        e[36] = 0x08;                                // 1024x768@60
        for (int i = 38; i < 54; i++) e[i] = 0x01;   // standard timings unused
        detailedTiming(e, 54, 6500, 1024, 320, 768, 38, 24, 136, 3, 6, 340, 270);
        rangeLimits(e, 72);
        name(e, 90, "MultiOS");
        e[108 + 3] = 0x10;                           // a dummy descriptor: tag 0x10, every other byte zero
        e[126] = 0;                                  // no extension blocks
        int sum = 0;
        for (int i = 0; i < 127; i++) sum += e[i] & 0xff;
        e[127] = (byte) (-sum);
        return e;
    }

    /** Colour coordinates as 10-bit binary fractions: the two low bits of each packed in bytes 25/26. */
    private static void chromaticity(byte[] e, double... xy) {
        int[] v = new int[8];
        for (int i = 0; i < 8; i++) v[i] = (int) Math.round(xy[i] * 1024);
        e[25] = (byte) (((v[0] & 3) << 6) | ((v[1] & 3) << 4) | ((v[2] & 3) << 2) | (v[3] & 3));
        e[26] = (byte) (((v[4] & 3) << 6) | ((v[5] & 3) << 4) | ((v[6] & 3) << 2) | (v[7] & 3));
        for (int i = 0; i < 8; i++) e[27 + i] = (byte) (v[i] >>> 2);
    }

    private static void detailedTiming(byte[] e, int at, int clock10kHz, int hActive, int hBlank, int vActive, int vBlank,
                                       int hSyncOff, int hSyncWidth, int vSyncOff, int vSyncWidth, int hMm, int vMm) {
        e[at] = (byte) clock10kHz;
        e[at + 1] = (byte) (clock10kHz >>> 8);
        e[at + 2] = (byte) hActive;
        e[at + 3] = (byte) hBlank;
        e[at + 4] = (byte) (((hActive >>> 8) << 4) | (hBlank >>> 8));
        e[at + 5] = (byte) vActive;
        e[at + 6] = (byte) vBlank;
        e[at + 7] = (byte) (((vActive >>> 8) << 4) | (vBlank >>> 8));
        e[at + 8] = (byte) hSyncOff;
        e[at + 9] = (byte) hSyncWidth;
        e[at + 10] = (byte) (((vSyncOff & 0xf) << 4) | (vSyncWidth & 0xf));
        e[at + 11] = (byte) ((((hSyncOff >>> 8) & 3) << 6) | (((hSyncWidth >>> 8) & 3) << 4)
                | (((vSyncOff >>> 4) & 3) << 2) | ((vSyncWidth >>> 4) & 3));
        e[at + 12] = (byte) hMm;
        e[at + 13] = (byte) vMm;
        e[at + 14] = (byte) (((hMm >>> 8) << 4) | (vMm >>> 8));
        e[at + 17] = 0x18;                           // digital separate sync, both polarities negative (DMT)
    }

    private static void rangeLimits(byte[] e, int at) {
        e[at + 3] = (byte) 0xfd;
        e[at + 5] = 50; e[at + 6] = 75;              // vertical Hz
        e[at + 7] = 30; e[at + 8] = 80;              // horizontal kHz
        e[at + 9] = 15;                              // 150 MHz pixel clock
        e[at + 10] = 0x01;                           // range limits only, no timing formula
        e[at + 11] = 0x0a;
        for (int i = 12; i < 18; i++) e[at + i] = 0x20;
    }

    private static void name(byte[] e, int at, String text) {
        e[at + 3] = (byte) 0xfc;
        byte[] s = text.getBytes(StandardCharsets.US_ASCII);
        int n = Math.min(s.length, 13);
        System.arraycopy(s, 0, e, at + 5, n);
        if (n < 13) {
            e[at + 5 + n] = 0x0a;
            for (int i = n + 1; i < 13; i++) e[at + 5 + i] = 0x20;
        }
    }
}
