package dev.hve.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.irq.InterruptController;
import dev.hve.platform.mmio.MmioBus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The assembled board, exercised only through its ports and MMIO, as a guest sees it. */
class PcChipsetTest {

    private final IoPortBus ports = new IoPortBus();
    private final MmioBus mmio = new MmioBus();
    private final VirtualClock clock = VirtualClock.instructionDriven();
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    private final PcChipset chipset = new PcChipset(ports, mmio, clock, new PcChipset.Config(128L << 20, 0, 2,
        new PowerEvents() {
            @Override
            public void debugExit(int value) {
            }

            @Override
            public void resetRequested(String source) {
            }
        }, serial, SerialInput.scripted("!".getBytes(StandardCharsets.US_ASCII))));
    private final InterruptController irq = chipset.interrupts();

    private void initPic(int masterBase, int slaveBase) {
        int[][] init = {{0x20, 0x11}, {0x21, masterBase}, {0x21, 0x04}, {0x21, 0x01},
                        {0xA0, 0x11}, {0xA1, slaveBase}, {0xA1, 0x02}, {0xA1, 0x01}};
        for (int[] w : init) {
            ports.write(w[0], 1, w[1]);
        }
    }

    @Test
    void pitTicksReachTheBspAsPicVectors() {
        initPic(0x20, 0x28);
        ports.write(0x21, 1, 0xFE); // only IRQ0
        ports.write(0x43, 1, 0x34);
        ports.write(0x40, 1, 1193 & 0xFF); // 1 kHz
        ports.write(0x40, 1, 1193 >> 8);
        assertEquals(0x20, irq.pendingVector(0), "OUT0 rose when mode 2 was programmed");
        irq.acknowledge(0, 0x20);
        ports.write(0x20, 1, 0x20);
        int ticks = 0;
        for (int i = 0; i < 100; i++) {
            clock.advanceTo(clock.nextDeadline() == VirtualClock.NEVER ? clock.now() + 1000 : clock.nextDeadline());
            if (irq.pendingVector(0) == 0x20) {
                irq.acknowledge(0, 0x20);
                ports.write(0x20, 1, 0x20);
                ticks++;
            }
        }
        long millis = clock.now() / 1_000_000;
        assertTrue(ticks >= 49 && ticks <= 50 && Math.abs(millis - ticks) <= 1,
            "one tick per PIT period: " + ticks + " ticks in " + millis + " ms");
        assertEquals(-1, irq.pendingVector(1), "the AP does not see the PIC");
    }

    @Test
    void uartInterruptThroughTheIoapicToTheLocalApic() {
        chipset.setCurrentVcpu(0);
        mmio.write(0xFEE0_00F0L, 4, 0x1FF); // APIC software enable
        mmio.write(0xFEC0_0000L, 4, 0x10 + 2 * 4);
        mmio.write(0xFEC0_0010L, 4, 0x0000_0044); // pin 4: vector 0x44, edge, physical APIC 0
        mmio.write(0xFEC0_0000L, 4, 0x11 + 2 * 4);
        mmio.write(0xFEC0_0010L, 4, 0);
        ports.write(0x3FC, 1, 0x08); // OUT2
        ports.write(0x3F9, 1, 0x02); // ETBEI
        assertEquals(0x44, irq.pendingVector(0));
        irq.acknowledge(0, 0x44);
        assertEquals(0x40, mmio.read(0xFEE0_00A0L, 4), "PPR reflects the vector in service");
        mmio.write(0xFEE0_00B0L, 4, 0);
        assertEquals(0, mmio.read(0xFEE0_00A0L, 4));
    }

    @Test
    void eachVcpuSeesItsOwnLocalApic() {
        chipset.setCurrentVcpu(0);
        assertEquals(0L, mmio.read(0xFEE0_0020L, 4));
        chipset.setCurrentVcpu(1);
        assertEquals(1L << 24, mmio.read(0xFEE0_0020L, 4));
        mmio.write(0xFEE0_0080L, 4, 0x30);
        chipset.setCurrentVcpu(0);
        assertEquals(0L, mmio.read(0xFEE0_0080L, 4), "TPR written on vCPU 1 only");
    }

    @Test
    void serialInputIsPolledIntoCom1() {
        ports.write(0x3FB, 1, 0x03);
        ports.write(0x3FC, 1, 0x02); // RTS: the host may send
        chipset.poll();
        clock.advance(10_000_000);
        assertEquals(0x61, ports.read(0x3FD, 1));
        assertEquals('!', ports.read(0x3F8, 1));
        ports.write(0x3F8, 1, 'k');
        assertEquals("k", serial.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void cmosReportsTheRamSizeAndFwCfgTheCpus() {
        ports.write(0x70, 1, 0x34);
        int low = (int) ports.read(0x71, 1);
        ports.write(0x70, 1, 0x35);
        int high = (int) ports.read(0x71, 1);
        assertEquals((128 - 16) * 16, low | high << 8, "64 KiB units above 16 MiB");
        ports.write(0x510, 2, 0x05);
        assertEquals(2, ports.read(0x511, 1));
    }

    @Test
    void theDeterministicRtcStartsAtTheDocumentedEpoch() {
        ports.write(0x70, 1, 0x09);
        assertEquals(0x24, ports.read(0x71, 1));
        ports.write(0x70, 1, 0x08);
        assertEquals(0x01, ports.read(0x71, 1));
    }

    @Test
    void pciHostBridgeIsVisible() {
        ports.write(0xCF8, 4, 0x8000_0000L);
        assertEquals(0x1237_8086L, ports.read(0xCFC, 4));
        assertFalse(mmio.claims(0xFED0_0000L), "no HPET");
    }

    @Test
    void waitingForWakeupFastForwardsToTheTimerThatInterrupts() throws InterruptedException {
        initPic(0x20, 0x28);
        ports.write(0x43, 1, 0x30); // counter 0, mode 0: one interrupt after N+1 clocks
        ports.write(0x40, 1, 0x00);
        ports.write(0x40, 1, 0x10); // 4096 clocks, about 3.4 ms
        assertTrue(chipset.waitForWakeup(0, 0, 1));
        assertEquals(0x20, irq.pendingVector(0));
        assertEquals(VirtualClock.nanosForTicks(4097, 1_193_182), clock.now(), "exactly at terminal count");
    }

    @Test
    void aHaltWithNothingArmedNeverWakes() throws InterruptedException {
        initPic(0x20, 0x28);
        ports.write(0x3FB, 1, 0x03);
        ports.write(0x3FC, 1, 0x02);
        chipset.com1().pollInput();
        clock.advance(1_000_000); // the scripted byte arrives, but its interrupt is not enabled
        assertFalse(chipset.waitForWakeup(1_000_000, 0));
    }

    @Test
    void apicMsrsReachTheRightVcpu() {
        var msrs = chipset.localApicMsrs();
        assertTrue(msrs.handles(0x1B) && msrs.handles(0x6E0));
        assertFalse(msrs.handles(0x10));
        assertEquals(0xFEE0_0900L, msrs.read(0, 0x1B));
        assertEquals(0xFEE0_0800L, msrs.read(1, 0x1B));
        assertFalse(msrs.write(1, 0x1B, 0xFEE0_0C00L), "x2APIC enable: #GP");
        assertTrue(msrs.write(1, 0x1B, 0xFEE0_0000L));
        chipset.setCurrentVcpu(1);
        assertEquals(0xFFFF_FFFFL, mmio.read(0xFEE0_0030L, 4), "a disabled APIC no longer answers");
        chipset.setCurrentVcpu(0);
        assertEquals(0x0005_0014L, mmio.read(0xFEE0_0030L, 4));
        assertEquals(0, msrs.read(0, 0x6E0));
        chipset.setCurrentVcpu(1);
        assertEquals(0xFEE0_0000L, msrs.read(0x1B), "as a provider it answers for the current vCPU");
        assertEquals(java.util.Set.of(0x1B, 0x6E0), msrs.msrs());
    }

    @Test
    void narrowApicReadsSeePartOfTheRegister() {
        chipset.setCurrentVcpu(1);
        assertEquals(0x01, mmio.read(0xFEE0_0023L, 1), "the ID byte");
        assertEquals(0x14, mmio.read(0xFEE0_0030L, 1), "the version byte");
        assertEquals(0x0005, mmio.read(0xFEE0_0032L, 2), "max LVT entry");
    }
}
