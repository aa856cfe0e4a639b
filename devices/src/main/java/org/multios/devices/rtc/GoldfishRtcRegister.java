package org.multios.devices.rtc;

/** Registers of the Goldfish RTC (Android emulator goldfish spec), 32 bits each. */
public enum GoldfishRtcRegister {
    /** Low 32 bits of the time in ns since 1970; reading it latches the high half. */
    TIME_LOW(0x00),
    /** High 32 bits of the time, as latched by the last TIME_LOW read; written before TIME_LOW to set the time. */
    TIME_HIGH(0x04),
    /** Low 32 bits of the alarm time; writing it arms the alarm. */
    ALARM_LOW(0x08),
    /** High 32 bits of the alarm time, written before ALARM_LOW. */
    ALARM_HIGH(0x0c),
    /** 1 enables the alarm interrupt. */
    IRQ_ENABLED(0x10),
    /** Any write disarms the alarm. */
    CLEAR_ALARM(0x14),
    /** 1 while an alarm is armed. */
    ALARM_STATUS(0x18),
    /** Any write acknowledges the interrupt. */
    CLEAR_INTERRUPT(0x1c);

    public final int offset;

    GoldfishRtcRegister(int offset) { this.offset = offset; }

    public static GoldfishRtcRegister at(long offset) {
        for (GoldfishRtcRegister r : values()) if (r.offset == offset) return r;
        return null;
    }
}
