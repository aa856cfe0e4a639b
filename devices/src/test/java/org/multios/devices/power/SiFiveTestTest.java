package org.multios.devices.power;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiFiveTestTest {
    final List<String> events = new ArrayList<>();
    final SiFiveTest dev = new SiFiveTest(new PowerController() {
        @Override public void powerOff(int status, String reason) { events.add("off " + status); }
        @Override public void reset(String reason) { events.add("reset"); }
    });

    @Test
    void passFailReset() {
        dev.write(0, 4, 0x5555);
        dev.write(0, 4, (42 << 16) | 0x3333);
        dev.write(0, 4, 0x7777);
        assertEquals(List.of("off 0", "off 42", "reset"), events);
    }

    @Test
    void otherValuesAndOffsetsAreIgnored() {
        dev.write(0, 4, 0x1234);
        dev.write(4, 4, 0x5555);
        dev.write(0, 1, 0x55);
        assertEquals(List.of(), events);
        assertEquals(0, dev.read(0, 4));
    }
}
