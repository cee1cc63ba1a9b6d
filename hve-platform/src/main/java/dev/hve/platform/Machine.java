package dev.hve.platform;

import dev.hve.api.HostCpu;
import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import dev.hve.api.VmExit;
import dev.hve.api.extension.PlatformExtension;
import dev.hve.platform.boot.BootException;
import dev.hve.platform.boot.BootModule;
import dev.hve.platform.boot.GuestPhysicalLayout;
import dev.hve.platform.boot.LoadedGuest;
import dev.hve.platform.boot.GuestLoader;
import dev.hve.platform.devices.DebugExit;
import dev.hve.platform.devices.I8042;
import dev.hve.platform.devices.Uart16550;
import dev.hve.platform.dispatch.CpuidPolicy;
import dev.hve.platform.dispatch.ExitDispatcher;
import dev.hve.platform.dispatch.HypercallDispatch;
import dev.hve.platform.dispatch.MsrPolicy;
import dev.hve.platform.io.IoPortBus;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtual PC over one backend's {@link Vm}: RAM, devices on the I/O-port bus, the common exit
 * dispatcher and the vCPU loop. It sees only the common API, so it runs unchanged over VMX and
 * SVM.
 */
public final class Machine implements PowerEvents {

    /** Instructions a vCPU runs before the loop takes control back (checks limits and time). */
    static final long QUANTUM = 1_000_000;
    private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    private final Vm vm;
    private final MachineConfig config;
    private final GuestPhysicalLayout layout;
    private final IoPortBus ioBus = new IoPortBus();
    private final ExitDispatcher dispatcher;
    private final List<Vcpu> vcpus = new ArrayList<>();
    private RunOutcome requestedStop;

    public Machine(Vm vm, HostCpu host, MachineConfig config, List<PlatformExtension> extensions) {
        this.vm = vm;
        this.config = config;
        this.layout = GuestPhysicalLayout.pc(config.memoryBytes());
        vm.setMemoryMap(layout.memoryMap());
        ioBus.register(Uart16550.COM1, Uart16550.REGISTER_COUNT, new Uart16550(config.serialOutput()));
        ioBus.register(DebugExit.DEFAULT_PORT, 1, new DebugExit(this));
        ioBus.register(I8042.BASE_PORT, I8042.PORT_COUNT, new I8042(this));
        CpuidPolicy cpuid = new CpuidPolicy(host);
        MsrPolicy msrs = new MsrPolicy();
        HypercallDispatch hypercalls = new HypercallDispatch();
        ExtensionInstaller installer = new ExtensionInstaller(host, vm.memory(), ioBus, cpuid, msrs, hypercalls);
        for (PlatformExtension extension : extensions) {
            installer.install(extension);
        }
        this.dispatcher = new ExitDispatcher(ioBus, cpuid, msrs, hypercalls, vm.memory());
        InterceptConfig intercepts = InterceptConfig.monitorDefaults().withMsrs(msrs.interceptedMsrs());
        for (int i = 0; i < config.vcpus(); i++) {
            Vcpu vcpu = vm.createVcpu();
            vcpu.configureIntercepts(intercepts);
            vcpus.add(vcpu);
        }
    }

    public Vm vm() {
        return vm;
    }

    public IoPortBus ioBus() {
        return ioBus;
    }

    public GuestPhysicalLayout layout() {
        return layout;
    }

    public Vcpu vcpu(int index) {
        return vcpus.get(index);
    }

    /**
     * Loads a kernel (multiboot, or ELF64 for a direct 64-bit entry) with its command line and
     * modules; vCPU 0 starts at its entry.
     */
    public LoadedGuest load(String name, byte[] image, String commandLine, List<BootModule> modules)
        throws BootException {
        return GuestLoader.load(name, image, commandLine, modules, vm.memory(), layout, vcpus.get(0));
    }

    /** Runs the guest until it stops itself or a limit is reached. */
    public RunOutcome run(RunLimits limits, ExitObserver observer) {
        Vcpu vcpu = vcpus.get(0);
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_INTERVAL_NANOS;
        long sequence = 0;
        requestedStop = null;
        while (true) {
            long retired = vcpu.retiredInstructions();
            long budget = QUANTUM;
            if (limits.maxInstructions() > 0) {
                long left = limits.maxInstructions() - retired;
                if (left <= 0) {
                    return new RunOutcome.InstructionLimit(retired);
                }
                budget = Math.min(budget, left);
            }
            VmExit exit = vcpu.run(budget);
            long handlingStart = observer == null ? 0 : System.nanoTime();
            long rip = observer == null ? 0 : vcpu.register(Register.RIP);
            RunOutcome outcome = dispatcher.dispatch(vcpu, exit);
            if (observer != null) {
                long now = System.nanoTime();
                observer.exitHandled(sequence, vcpu, rip, exit, dispatcher.lastPortValue(), now - handlingStart);
                if (now >= nextProgress) {
                    observer.progress(vcpu.retiredInstructions(), now - start);
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
            if (limits.timeoutMillis() > 0 && exit.kind() == dev.hve.api.ExitKind.PREEMPTED
                && System.nanoTime() - start > limits.timeoutMillis() * 1_000_000L) {
                return new RunOutcome.Timeout(limits.timeoutMillis());
            }
        }
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
