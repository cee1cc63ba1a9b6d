package dev.hve.platform.devices;

import dev.hve.platform.PowerEvents;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.fwcfg.FwCfg;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.irq.ApicBus;
import dev.hve.platform.irq.InterruptController;
import dev.hve.platform.irq.InterruptInjector;
import dev.hve.platform.irq.Ioapic;
import dev.hve.platform.irq.IrqLine;
import dev.hve.platform.irq.LocalApic;
import dev.hve.platform.irq.LocalApicMsrs;
import dev.hve.platform.irq.LocalApicWindow;
import dev.hve.platform.irq.PicPair;
import dev.hve.platform.mmio.MmioBus;
import dev.hve.platform.pci.I440fxHostBridge;
import dev.hve.platform.pci.PciBus;
import dev.hve.platform.pci.PciConfigMechanism1;
import java.io.OutputStream;

/**
 * The PC's devices, wired as on a PIIX-era board, on the machine's I/O-port and MMIO buses:
 *
 * <pre>
 *   0x20-0x21, 0xA0-0xA1, 0x4D0-0x4D1  8259A pair + ELCR      0x40-0x43  8254 PIT (IRQ0)
 *   0x60, 0x64  i8042                  0x61  port B (PIT gate 2 / OUT2 / speaker)
 *   0x70-0x71   MC146818 RTC (IRQ8)    0x80  POST             0x92  port A (A20, fast reset)
 *   0xF4        debug exit             0x3F8-0x3FF  COM1 16550A (IRQ4)
 *   0x510-0x511 fw_cfg                 0xCF8-0xCFF  PCI mechanism #1, host bridge at 00:00.0
 *   0xFEC00000  IOAPIC                 0xFEE00000   local APIC of the accessing vCPU
 * </pre>
 *
 * ISA IRQ n reaches PIC input n and IOAPIC pin n, except IRQ0 which reaches IOAPIC pin 2 (the
 * wiring every PC has, and which ACPI describes with an interrupt source override).
 *
 * <p>The machine loop's duties, each iteration for vCPU i:
 * <ol>
 *   <li>{@link #setCurrentVcpu}(i): the APIC page is per processor;
 *   <li>{@link #poll()}, then {@link #injector()}{@code .deliver(vcpu)} (or the same through
 *       {@link #interrupts()});
 *   <li>run with a budget no larger than {@code clock().nextDeadline() - clock().now()} (in
 *       instructions, at {@link VirtualClock#NANOS_PER_INSTRUCTION}), so timers land exactly;
 *   <li>advance {@link #clock()} by the instructions retired <em>before</em> dispatching the exit,
 *       so a device read at that exit sees the time of the instruction that caused it;
 *   <li>on HLT with every vCPU halted, {@link #waitForWakeup}.
 * </ol>
 * Not thread-safe: one thread runs all vCPUs and devices.
 */
public final class PcChipset {

    /** The RTC's time at clock zero in instruction-driven mode (2024-01-01T00:00:00Z), so runs repeat exactly. */
    public static final long DETERMINISTIC_EPOCH_SECONDS = 1_704_067_200L;

    /**
     * What the board is built around.
     *
     * @param ramBelow4g   RAM from address 0 (for the CMOS memory bytes)
     * @param ramAbove4g   RAM from 4 GiB up
     * @param vcpus        processors; vCPU 0 is the BSP and APIC ID i belongs to vCPU i
     * @param power        where reset and debug-exit requests go
     * @param serialOutput what COM1 transmits
     * @param serialInput  what COM1 receives ({@link SerialInput#none()} for nothing)
     */
    public record Config(long ramBelow4g, long ramAbove4g, int vcpus, PowerEvents power, OutputStream serialOutput,
                         SerialInput serialInput) {
        public Config {
            if (vcpus < 1 || vcpus > 255) {
                throw new IllegalArgumentException("vCPU count must be 1-255, not " + vcpus);
            }
        }
    }

    private final VirtualClock clock;
    private final PicPair pic = new PicPair();
    private final ApicBus apicBus = new ApicBus();
    private final Ioapic ioapic = new Ioapic(apicBus);
    private final LocalApic[] localApics;
    private final InterruptController interrupts;
    private final InterruptInjector injector;
    private final LocalApicMsrs localApicMsrs;
    private final Pit8254 pit;
    private final PortB portB;
    private final Mc146818Rtc rtc;
    private final Uart16550 com1;
    private final PortA portA;
    private final I8042 i8042;
    private final PostCodePort post = new PostCodePort();
    private final FwCfg fwCfg;
    private final PciBus pciBus = new PciBus();
    private final SerialInput serialInput;
    private int currentVcpu;

    public PcChipset(IoPortBus ports, MmioBus mmio, VirtualClock clock, Config config) {
        this.clock = clock;
        this.serialInput = config.serialInput();
        localApics = new LocalApic[config.vcpus()];
        for (int i = 0; i < localApics.length; i++) {
            localApics[i] = new LocalApic(i, i, i == 0, clock, apicBus);
        }
        apicBus.attach(localApics);
        interrupts = new InterruptController(pic, localApics);
        injector = new InterruptInjector(interrupts);
        localApicMsrs = new LocalApicMsrs(localApics, () -> currentVcpu);

        pit = new Pit8254(clock, isaIrq("irq0-pit", 0));
        portB = new PortB(clock, pit);
        long epoch = clock.isHostDriven() ? System.currentTimeMillis() / 1000 : DETERMINISTIC_EPOCH_SECONDS;
        rtc = new Mc146818Rtc(clock, isaIrq("irq8-rtc", 8), epoch);
        rtc.setMemorySize(config.ramBelow4g(), config.ramAbove4g());
        com1 = new Uart16550(config.serialOutput(), config.serialInput(), isaIrq("irq4-com1", Uart16550.COM1_IRQ),
            clock);
        portA = new PortA(config.power());
        i8042 = new I8042(config.power());
        fwCfg = new FwCfg(config.ramBelow4g() + config.ramAbove4g(), config.vcpus());
        pciBus.register(0, 0, new I440fxHostBridge());

        pic.register(ports);
        ports.register(Pit8254.BASE_PORT, Pit8254.PORT_COUNT, pit);
        ports.register(PortB.PORT, 1, portB);
        i8042.register(ports);
        ports.register(Mc146818Rtc.INDEX_PORT, Mc146818Rtc.PORT_COUNT, rtc);
        ports.register(PostCodePort.PORT, 1, post);
        ports.register(PortA.PORT, 1, portA);
        ports.register(DebugExit.DEFAULT_PORT, 1, new DebugExit(config.power()));
        ports.register(Uart16550.COM1, Uart16550.REGISTER_COUNT, com1);
        ports.register(FwCfg.SELECTOR_PORT, FwCfg.PORT_COUNT, fwCfg);
        ports.register(PciConfigMechanism1.BASE_PORT, PciConfigMechanism1.PORT_COUNT,
            new PciConfigMechanism1(pciBus, config.power()::resetRequested));

        mmio.register(Ioapic.DEFAULT_BASE, Ioapic.MMIO_SIZE, ioapic);
        mmio.register(LocalApic.DEFAULT_BASE, LocalApic.MMIO_SIZE, new LocalApicWindow(localApics, () -> currentVcpu));
    }

    /** ISA IRQ {@code irq} as the board wires it: PIC input {@code irq}, IOAPIC pin {@code irq} (IRQ0: pin 2). */
    private IrqLine isaIrq(String name, int irq) {
        return new IrqLine(name, pic, irq, ioapic, irq == 0 ? 2 : irq);
    }

    /** Which vCPU is running, so its own local APIC answers at 0xFEE00000. */
    public void setCurrentVcpu(int vcpu) {
        if (vcpu < 0 || vcpu >= localApics.length) {
            throw new IllegalArgumentException("no vCPU " + vcpu);
        }
        currentVcpu = vcpu;
    }

    /** Once per loop iteration: moves serial input along and, with host time, fires due timers. */
    public void poll() {
        com1.pollInput();
        if (clock.isHostDriven()) {
            clock.poll();
        }
    }

    /**
     * For an idle machine (every vCPU halted, no timer armed): waits up to {@code nanos} for serial
     * input; true if some arrived.
     */
    public boolean awaitSerialInput(long nanos) throws InterruptedException {
        return serialInput.await(nanos);
    }

    /**
     * For a machine whose every vCPU is halted with interrupts enabled: moves time to the next
     * thing that can wake one of {@code vcpus}. Instruction-driven time jumps from deadline to
     * deadline (the guest sees no time spent idling beyond what its timers define); host time
     * sleeps until the next deadline. With no timer armed, only serial input can wake the guest,
     * so this waits up to {@code hostTimeoutNanos} of host time for it.
     *
     * @return true once something is pending for one of {@code vcpus}; false if nothing can
     *         happen (a guest halted with nothing armed and no input never wakes)
     */
    public boolean waitForWakeup(long hostTimeoutNanos, int... vcpus) throws InterruptedException {
        while (!anyWakeup(vcpus)) {
            poll();
            if (anyWakeup(vcpus)) {
                break;
            }
            if (clock.nextDeadline() == VirtualClock.NEVER) {
                // No timer: only new serial input can change anything (poll() then arms the receiver).
                if (serialInput.available() || !serialInput.await(hostTimeoutNanos)) {
                    return false;
                }
            } else if (clock.isHostDriven()) {
                long nanos = clock.nanosUntilNextDeadline();
                if (serialInput.available()) {
                    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                } else {
                    serialInput.await(nanos);
                }
                clock.poll();
            } else {
                // Instruction-driven time. While a host line can still deliver input (a terminal,
                // an open pipe), idle guest time passes at the host's pace: a guest idling at a
                // prompt then neither spins the host nor races its clock ahead of the typist.
                // Input that arrives early ends the wait; the receiver's timer is then the next
                // deadline. Without a live line, time jumps at once and runs stay reproducible.
                if (!serialInput.exhausted() && !serialInput.available()
                    && serialInput.await(clock.nanosUntilNextDeadline())) {
                    continue;
                }
                clock.fastForwardToNextDeadline();
            }
        }
        return true;
    }

    private boolean anyWakeup(int[] vcpus) {
        for (int vcpu : vcpus) {
            if (interrupts.wakeupPending(vcpu)) {
                return true;
            }
        }
        return false;
    }

    public VirtualClock clock() {
        return clock;
    }

    public InterruptController interrupts() {
        return interrupts;
    }

    /** Injects what {@link #interrupts()} has for a vCPU through the common API. */
    public InterruptInjector injector() {
        return injector;
    }

    /** IA32_APIC_BASE and IA32_TSC_DEADLINE of the current vCPU: an {@code MsrProvider} for the MSR policy. */
    public LocalApicMsrs localApicMsrs() {
        return localApicMsrs;
    }

    public LocalApic localApic(int vcpu) {
        return localApics[vcpu];
    }

    public PicPair pic() {
        return pic;
    }

    public Ioapic ioapic() {
        return ioapic;
    }

    public Pit8254 pit() {
        return pit;
    }

    public Mc146818Rtc rtc() {
        return rtc;
    }

    public Uart16550 com1() {
        return com1;
    }

    public PortA portA() {
        return portA;
    }

    public FwCfg fwCfg() {
        return fwCfg;
    }

    public PciBus pciBus() {
        return pciBus;
    }

    public PostCodePort post() {
        return post;
    }
}
