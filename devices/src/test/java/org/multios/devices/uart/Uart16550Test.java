package org.multios.devices.uart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multios.core.time.VirtualClock;
import org.multios.devices.console.MemoryConsole;

class Uart16550Test {
    static final int RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
            MSR = 6, SCR = 7;

    VirtualClock clock;
    MemoryConsole console;
    List<Boolean> irqHistory;
    Uart16550 uart;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        console = new MemoryConsole();
        irqHistory = new ArrayList<>();
        uart = new Uart16550(console, irqHistory::add, clock);
        uart.reset();
    }

    int rd(int off) { return (int) uart.read(off, 1); }

    void wr(int off, int v) { uart.write(off, 1, v); }

    /** Advances virtual time past one input poll period and fires the poll event. */
    void tick() {
        clock.advanceTo(clock.nanos() + Uart16550.DEFAULT_POLL_NANOS);
        clock.fireDue();
    }

    @Test
    void powerOnState() {
        assertEquals(0x60, rd(LSR), "THRE and TEMT set, no data");
        assertEquals(0x01, rd(IIR), "no interrupt pending, FIFOs off");
        assertEquals(0xb0, rd(MSR) & 0xf0, "DCD, DSR, CTS");
        assertEquals(0, rd(IER));
        assertFalse(uart.irqLevel());
    }

    @Test
    void transmitGoesToBackend() {
        for (char c : "hi\n".toCharArray()) wr(THR, c);
        assertEquals("hi\n", console.output());
    }

    @Test
    void dlabSwitchesOffsetsZeroAndOne() {
        wr(IER, 0x05);
        wr(LCR, 0x83);
        wr(DLL, 0x01);
        wr(DLM, 0x02);
        assertEquals(0x01, rd(DLL));
        assertEquals(0x02, rd(DLM));
        assertEquals(0x0201, uart.divisor());
        wr(LCR, 0x03);
        assertEquals(0x05, rd(IER), "IER kept while DLAB was set");
        assertEquals("", console.output(), "writing DLL must not transmit");
    }

    @Test
    void scratchRegisterHoldsAByte() {
        wr(SCR, 0xa5);
        assertEquals(0xa5, rd(SCR));
    }

    @Test
    void receivedBytesAppearAtPollAndSetDataReady() {
        console.send("ab");
        assertEquals(0, rd(LSR) & 1, "input is only taken at a virtual-time poll");
        wr(FCR, 0x01);
        tick();
        assertEquals(1, rd(LSR) & 1);
        assertEquals('a', rd(RBR));
        assertEquals('b', rd(RBR));
        assertEquals(0, rd(LSR) & 1);
    }

    @Test
    void fifoModeReportedInIirAndTriggerLevel() {
        wr(FCR, 0xc1); // enable, trigger 14
        assertEquals(0xc1, rd(IIR));
        wr(IER, 0x01);
        console.send("0123456789abc"); // 13 bytes: below the trigger
        tick();
        assertFalse(uart.irqLevel(), "13 bytes are below trigger level 14");
        tick(); // no activity for a period: character timeout
        assertEquals(0xcc, rd(IIR), "character timeout interrupt");
        assertTrue(uart.irqLevel());
        rd(RBR);
        assertEquals(0xc1, rd(IIR), "reading RBR clears the timeout");
        console.send("xyz");
        tick(); // 15 bytes now
        assertEquals(0xc4, rd(IIR), "received data available at trigger level");
    }

    @Test
    void fifoHoldsSixteenBytesAndNonFifoModeOne() {
        console.send("0123456789abcdefXY");
        tick();
        assertEquals('0', rd(RBR), "non-FIFO mode takes one byte per poll");
        assertEquals(0, rd(LSR) & 1);
        wr(FCR, 0x01);
        tick();
        int n = 0;
        while ((rd(LSR) & 1) != 0) {
            rd(RBR);
            n++;
        }
        assertEquals(16, n);
    }

    @Test
    void fcrClearsReceiveFifo() {
        wr(FCR, 0x01);
        console.send("abc");
        tick();
        wr(FCR, 0x03);
        assertEquals(0, rd(LSR) & 1);
    }

    @Test
    void thrEmptyInterruptRaisedByEnableAndClearedByIirRead() {
        wr(IER, 0x02);
        assertTrue(uart.irqLevel());
        assertEquals(0x02, rd(IIR));
        assertFalse(uart.irqLevel(), "reading IIR acknowledged THRE");
        assertEquals(0x01, rd(IIR));
        wr(THR, 'x');
        assertTrue(uart.irqLevel(), "THR is empty again after transmitting");
    }

    @Test
    void receiveInterruptHasPriorityOverThre() {
        wr(IER, 0x03);
        console.send("q");
        tick();
        assertEquals(0x04, rd(IIR));
        rd(RBR);
        assertEquals(0x02, rd(IIR));
    }

    @Test
    void loopbackOverrunSetsLineStatusInterruptClearedByLsrRead() {
        wr(MCR, 0x10);
        wr(IER, 0x04);
        wr(THR, 'a');
        wr(THR, 'b'); // non-FIFO: holding register already full
        assertEquals("", console.output(), "loopback does not transmit");
        assertEquals(0x06, rd(IIR));
        int lsr = rd(LSR);
        assertEquals(0x02, lsr & 0x02, "overrun error");
        assertEquals(0, rd(LSR) & 0x02, "cleared on read");
        assertEquals('b', rd(RBR), "16450 overrun overwrites the holding register");
    }

    @Test
    void loopbackModemBitsFollowOutputs() {
        rd(MSR);
        wr(MCR, 0x10 | 0x01 | 0x02); // loop, DTR, RTS
        int msr = rd(MSR);
        assertEquals(0x30, msr & 0xf0, "CTS=RTS, DSR=DTR, RI=OUT1=0, DCD=OUT2=0");
        assertEquals(0x08, msr & 0x08, "DCD changed");
        assertEquals(0, rd(MSR) & 0x0f, "deltas clear on read");
    }

    @Test
    void interruptLineFollowsState() {
        wr(IER, 0x01);
        console.send("z");
        tick();
        rd(RBR);
        assertEquals(List.of(true, false), irqHistory);
    }

    @Test
    void garbageAccessesNeverThrow() {
        Random r = new Random(42);
        int[] sizes = {1, 2, 4, 8};
        for (int i = 0; i < 100_000; i++) {
            long off = r.nextInt(0x140) - 0x20;
            int size = sizes[r.nextInt(4)];
            if (r.nextBoolean()) uart.write(off, size, r.nextLong());
            else uart.read(off, size);
            if ((i & 1023) == 0) tick();
        }
        // still a working UART afterwards
        wr(MCR, 0);
        wr(LCR, 0x03);
        wr(THR, '!');
        assertTrue(console.output().endsWith("!"));
    }

    @Test
    void resetRestoresPowerOnState() {
        wr(LCR, 0x83);
        wr(SCR, 7);
        wr(IER, 0x0f);
        uart.reset();
        assertEquals(0, rd(LCR));
        assertEquals(0, rd(SCR));
        assertEquals(0x01, rd(IIR));
    }
}
