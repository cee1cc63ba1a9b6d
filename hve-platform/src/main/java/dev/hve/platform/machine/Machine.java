package dev.hve.platform.machine;

import dev.hve.platform.ExitObserver;
import dev.hve.platform.PowerEvents;
import dev.hve.platform.RunLimits;
import dev.hve.platform.RunOutcome;
import dev.hve.api.ExitKind;
import dev.hve.api.HostCpu;
import dev.hve.api.InterceptConfig;
import dev.hve.api.SensitiveInstruction;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import dev.hve.api.VmExit;
import dev.hve.api.extension.PlatformExtension;
import dev.hve.platform.boot.BootException;
import dev.hve.platform.boot.BootModule;
import dev.hve.platform.boot.GuestLoader;
import dev.hve.platform.boot.GuestPhysicalLayout;
import dev.hve.platform.boot.LoadedGuest;
import dev.hve.platform.clock.VirtualClock;
import dev.hve.platform.devices.PcChipset;
import dev.hve.platform.devices.SerialInput;
import dev.hve.platform.dispatch.CpuidPolicy;
import dev.hve.platform.dispatch.ExceptionReflection;
import dev.hve.platform.dispatch.ExitDispatcher;
import dev.hve.platform.dispatch.GuestVendorMsrs;
import dev.hve.platform.dispatch.HypercallDispatch;
import dev.hve.platform.dispatch.MmioEmulation;
import dev.hve.platform.dispatch.MsrPolicy;
import dev.hve.platform.io.IoPortBus;
import dev.hve.platform.irq.InterruptInjector;
import dev.hve.platform.mmio.MmioBus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The virtual PC over one backend's {@link Vm}: RAM, the chipset's devices on the I/O-port and
 * MMIO buses, the common exit dispatcher and the vCPU loop. It sees only the common API, so it
 * runs unchanged over VMX and SVM.
 *
 * <p>Time is the chipset's {@link VirtualClock}: by default it advances by the instructions the
 * guest retires, so timers, the TSC and the output of a run are the same every time and on every
 * backend. A vCPU runs until the next timer deadline at most, and a HLT with interrupts enabled
 * jumps straight to the deadline that wakes it.
 */
public final class Machine implements PowerEvents, ExitDispatcher.HaltPolicy {

    /** Instructions a vCPU runs before the loop takes control back (checks limits and time). */
    static final long QUANTUM = 1_000_000;
    /** With several vCPUs, each runs this many instructions before the next one's turn. */
    static final long SMP_SLICE = 100_000;
    private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;
    /** How long a guest halted with no timer armed may wait for serial input before it counts as dead. */
    private static final long IDLE_INPUT_WAIT_NANOS = 200_000_000L;

    private final Vm vm;
    private final GuestPhysicalLayout layout;
    private final IoPortBus ioBus = new IoPortBus();
    private final MmioBus mmioBus = new MmioBus();
    private final VirtualClock clock;
    private final PcChipset chipset;
    private final InterruptInjector injector;
    private final ExitDispatcher dispatcher;
    private final List<Vcpu> vcpus = new ArrayList<>();
    private final boolean interactive;
    private final VcpuScheduler scheduler;
    private RunOutcome requestedStop;
    private InterceptConfig intercepts;

    public Machine(Vm vm, HostCpu host, MachineConfig config, List<PlatformExtension> extensions) {
        this.vm = vm;
        this.layout = GuestPhysicalLayout.pc(config.memoryBytes());
        this.interactive = config.serialInput() != null;
        vm.setMemoryMap(layout.memoryMap());
        this.clock = config.hostClock() ? VirtualClock.hostDriven() : VirtualClock.instructionDriven();
        long below4g = layout.lowRamEnd();
        SerialInput input = SerialInput.of(config.serialInput());
        this.chipset = new PcChipset(ioBus, mmioBus, clock, new PcChipset.Config(below4g,
            config.memoryBytes() - below4g, config.vcpus(), this, config.serialOutput(), input));
        this.injector = chipset.injector();

        // The guest may see another CPU model than the host's: the same guest CPUID on VMX and SVM
        // makes the two backends' guests behave identically.
        // The MSRs only one vendor has follow the guest's CPU model too, not the backend's host.
        HostCpu guestCpu = config.guestCpu() == null ? host : config.guestCpu();
        CpuidPolicy cpuid = new CpuidPolicy(guestCpu);
        MsrPolicy msrs = new MsrPolicy(chipset.localApicMsrs(), GuestVendorMsrs.of(guestCpu, config.vcpus()));
        HypercallDispatch hypercalls = new HypercallDispatch();
        ExtensionInstaller installer = new ExtensionInstaller(host, vm.memory(), ioBus, mmioBus, cpuid, msrs,
            hypercalls);
        for (PlatformExtension extension : extensions) {
            installer.install(extension);
        }
        MmioEmulation mmio = new MmioEmulation(new HostCpuModel(host), vm.memory(), mmioBus);
        this.dispatcher = new ExitDispatcher(ioBus, cpuid, msrs, hypercalls, vm.memory(), mmio, this);
        this.intercepts = InterceptConfig.monitorDefaults().withMsrs(msrs.interceptedMsrs());
        for (int i = 0; i < config.vcpus(); i++) {
            Vcpu vcpu = vm.createVcpu();
            vcpu.configureIntercepts(intercepts);
            vcpus.add(vcpu);
        }
        this.scheduler = new VcpuScheduler(vcpus, chipset.interrupts(), config.vcpus() == 1 ? QUANTUM : SMP_SLICE);
    }

    /**
     * Asks every vCPU for more exits than a monitor needs: exceptions (which the dispatcher
     * reflects back into the guest), RDTSC, INVLPG and other {@link SensitiveInstruction}s (which
     * the backend carries out and reports as internal exits). Tracing tools use this to show the
     * exits a guest can cause; the guest runs as it would without.
     */
    public void interceptAlso(int exceptionVectors, boolean rdtsc, boolean invlpg,
                              Set<SensitiveInstruction> instructions) {
        if ((exceptionVectors & ~ExceptionReflection.REFLECTABLE) != 0) {
            throw new IllegalArgumentException(String.format(
                "exceptions 0x%x cannot be intercepted and reflected", exceptionVectors & ~ExceptionReflection.REFLECTABLE));
        }
        intercepts = intercepts.withExceptions(exceptionVectors).withInstructions(rdtsc, invlpg, instructions);
        for (Vcpu vcpu : vcpus) {
            vcpu.configureIntercepts(intercepts);
        }
    }

    public Vm vm() {
        return vm;
    }

    public IoPortBus ioBus() {
        return ioBus;
    }

    public MmioBus mmioBus() {
        return mmioBus;
    }

    public PcChipset chipset() {
        return chipset;
    }

    public GuestPhysicalLayout layout() {
        return layout;
    }

    public Vcpu vcpu(int index) {
        return vcpus.get(index);
    }

    /**
     * Loads a kernel (a bzImage, a multiboot kernel, a PVH or ELF64 image) with its command line
     * and modules; vCPU 0 starts at its entry.
     */
    public LoadedGuest load(String name, byte[] image, String commandLine, List<BootModule> modules)
        throws BootException {
        return GuestLoader.load(name, image, commandLine, modules, vm.memory(), layout, vcpus.get(0));
    }

    /** Runs the guest until it stops itself or a limit is reached. */
    public RunOutcome run(RunLimits limits, ExitObserver observer) {
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_INTERVAL_NANOS;
        long sequence = 0;
        requestedStop = null;
        boolean internal = observer != null && observer.wantsInternalExits();
        for (Vcpu vcpu : vcpus) {
            vcpu.setInternalExitListener(internal ? observer::internalExit : null);
        }
        while (true) {
            collectStartupIpis();
            Vcpu vcpu = scheduler.next();
            if (vcpu == null) {
                RunOutcome idle = idle();
                if (idle != null) {
                    return idle;
                }
                continue;
            }
            chipset.setCurrentVcpu(vcpu.index());
            chipset.poll();
            injector.deliver(vcpu);
            scheduler.syncTsc(vcpu, clock.tsc());
            long budget = budget(limits, scheduler.totalRetired(), scheduler.sliceLeft());
            if (budget <= 0) {
                return new RunOutcome.InstructionLimit(scheduler.totalRetired());
            }
            VmExit exit = vcpu.run(budget);
            clock.advanceInstructions(scheduler.account(vcpu));
            long handlingStart = observer == null ? 0 : System.nanoTime();
            long rip = observer == null ? 0 : vcpu.register(Register.RIP);
            RunOutcome outcome = dispatcher.dispatch(vcpu, exit);
            // An instruction the monitor completed (the exiting OUT, CPUID, ...) has retired too.
            clock.advanceInstructions(scheduler.account(vcpu));
            if (observer != null) {
                long now = System.nanoTime();
                observer.exitHandled(sequence, vcpu, rip, exit, dispatcher.lastPortValue(), now - handlingStart);
                if (now >= nextProgress) {
                    observer.progress(scheduler.totalRetired(), now - start);
                    nextProgress = now + PROGRESS_INTERVAL_NANOS;
                }
            }
            sequence++;
            if (requestedStop != null) {
                return requestedStop;
            }
            if (outcome != null) {
                return outcome;
            }
            if (limits.timeoutMillis() > 0 && (exit.kind() == ExitKind.PREEMPTED || (sequence & 0x3FF) == 0)
                && System.nanoTime() - start > limits.timeoutMillis() * 1_000_000L) {
                return new RunOutcome.Timeout(limits.timeoutMillis());
            }
        }
    }

    /**
     * INIT and start-up IPIs sent through the local APICs' ICR (Intel SDM Vol. 3A §10.4,
     * "MP Initialization"): INIT puts a processor in wait-for-SIPI; a SIPI then starts it in real
     * mode at CS = vector << 8, IP = 0.
     */
    private void collectStartupIpis() {
        for (int i = 0; i < vcpus.size(); i++) {
            if (chipset.localApic(i).takeInit()) {
                scheduler.waitForStartup(i);
            }
            int vector = chipset.localApic(i).takeStartupVector();
            if (vector >= 0 && scheduler.waitingForStartup(i)) {
                ApStartup.enterRealMode(vcpus.get(i), vector);
                scheduler.start(i);
            }
        }
    }

    /** Up to the next timer deadline, the vCPU's slice, and the user's instruction limit. */
    private long budget(RunLimits limits, long retired, long slice) {
        long budget = slice;
        long deadline = clock.nextDeadline();
        if (deadline != VirtualClock.NEVER && !clock.isHostDriven()) {
            long instructions = (deadline - clock.now()) / VirtualClock.NANOS_PER_INSTRUCTION;
            budget = Math.max(1, Math.min(budget, instructions));
        }
        if (limits.maxInstructions() > 0) {
            budget = Math.min(budget, limits.maxInstructions() - retired);
        }
        return budget;
    }

    /**
     * Every vCPU is halted or waiting for a SIPI. Time jumps to whatever wakes a halted one (Intel
     * SDM Vol. 2A, HLT: an enabled interrupt or an NMI resumes it); if nothing can, the guest is
     * dead and the run ends.
     */
    private RunOutcome idle() {
        int[] sleepers = scheduler.wakeable();
        if (sleepers.length == 0) {
            return new RunOutcome.Halted(scheduler.haltRip(0));
        }
        try {
            long wait = interactive ? Long.MAX_VALUE / 2 : IDLE_INPUT_WAIT_NANOS;
            if (!chipset.waitForWakeup(wait, sleepers)) {
                return new RunOutcome.Halted(scheduler.haltRip(sleepers[0]));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunOutcome.Halted(scheduler.haltRip(sleepers[0]));
        }
        return null;
    }

    /** HLT: the vCPU sleeps until the scheduler sees something that wakes it. */
    @Override
    public RunOutcome halted(Vcpu vcpu, long rip) {
        scheduler.halt(vcpu.index(), rip);
        return null;
    }

    @Override
    public void debugExit(int value) {
        if (requestedStop == null) {
            requestedStop = new RunOutcome.DebugExit(value);
        }
    }

    @Override
    public void resetRequested(String source) {
        if (requestedStop == null) {
            requestedStop = new RunOutcome.Reset(source);
        }
    }
}
