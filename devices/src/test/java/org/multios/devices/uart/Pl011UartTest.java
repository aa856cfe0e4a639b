package org.multios.devices.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;
import org.multios.core.time.VirtualClock;
import org.multios.devices.console.ConsoleBackend;

/** PL011 registers after the TRM: data, flags, FIFO enable, interrupt status and mask, IDs. */
class Pl011UartTest {
    final StringBuilder out = new StringBuilder();
    final ArrayDeque<Integer> in = new ArrayDeque<>();
    final VirtualClock clock = new VirtualClock(10);
    boolean irq;
    final Pl011Uart uart = new Pl011Uart(new ConsoleBackend() {
        @Override public void write(int b) { out.append((char) b); }
        @Override public int poll() { return in.isEmpty() ? -1 : in.poll(); }
    }, level -> irq = level, clock);

    void tick() {
        clock.advanceTo(clock.nanos() + Pl011Uart.DEFAULT_POLL_NANOS);
        clock.fireDue();
    }

    @Test
    void transmitGoesToTheBackEndAndRaisesTxStatus() {
        uart.reset();
        uart.write(Pl011Uart.DR, 4, 'A');
        assertEquals("A", out.toString());
        assertEquals(Pl011Uart.FR_TXFE | Pl011Uart.FR_RXFE, uart.read(Pl011Uart.FR, 4));
        assertEquals(Pl011Uart.INT_TX, uart.read(Pl011Uart.RIS, 4));
        assertFalse(irq, "masked");
        uart.write(Pl011Uart.IMSC, 4, Pl011Uart.INT_TX);
        assertTrue(irq);
        uart.write(Pl011Uart.ICR, 4, Pl011Uart.INT_TX);
        assertFalse(irq);
    }

    @Test
    void receiveFillsTheFifoAndRaisesRxThenTimeout() {
        uart.reset();
        uart.write(Pl011Uart.LCR_H, 4, Pl011Uart.LCR_FEN);
        uart.write(Pl011Uart.IMSC, 4, Pl011Uart.INT_RX | Pl011Uart.INT_RT);
        in.add((int) 'x');
        in.add((int) 'y');
        tick();
        assertEquals(0, uart.read(Pl011Uart.FR, 4) & Pl011Uart.FR_RXFE);
        assertFalse(irq, "2 bytes are below the 1/2 trigger level (8)");
        tick(); // idle for a poll period: receive timeout
        assertTrue(irq);
        assertEquals(Pl011Uart.INT_RT, uart.read(Pl011Uart.MIS, 4));
        assertEquals('x', uart.read(Pl011Uart.DR, 4));
        assertEquals('y', uart.read(Pl011Uart.DR, 4));
        assertFalse(irq);
        assertEquals(Pl011Uart.FR_RXFE, uart.read(Pl011Uart.FR, 4) & Pl011Uart.FR_RXFE);
    }

    @Test
    void primeCellIdentification() {
        int[] want = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
        for (int k = 0; k < 8; k++) assertEquals(want[k], uart.read(0xfe0 + 4L * k, 4));
    }
}
