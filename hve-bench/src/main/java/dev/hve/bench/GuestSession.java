package dev.hve.bench;

import dev.hve.api.HostCpu;
import dev.hve.api.Vcpu;
import dev.hve.platform.ExitObserver;
import dev.hve.platform.machine.Machine;
import dev.hve.platform.machine.MachineConfig;
import dev.hve.platform.RunLimits;
import dev.hve.platform.RunOutcome;
import dev.hve.platform.boot.BootException;
import java.io.OutputStream;
import java.util.List;

/**
 * A whole virtual PC ({@link Machine}) over one backend, with one micro-guest loaded. Steps run
 * the platform's own vCPU loop, so every exit goes the full way: vendor exit record, the
 * backend's first-level handler, the common exit, the platform's dispatch and device, and back
 * into the guest.
 */
final class GuestSession {

    static final long MEMORY = 128L << 20;

    private final Machine machine;
    private final Vcpu vcpu;
    private final String description;
    private final HostCpu host;
    /** Sees every exit the platform handles; null for none (the benchmarks). */
    private ExitObserver observer;
    /** Instructions retired as the machine's scheduler counts them (see {@link #step}). */
    private long machineRetired;

    GuestSession(String backend, String guest) {
        Backends.Choice choice = Backends.byName(backend);
        this.machine = new Machine(choice.provider().createVm(choice.host()), choice.host(),
            new MachineConfig(MEMORY, 1, OutputStream.nullOutputStream()), List.of());
        try {
            machine.load(guest, GuestImages.load(guest + ".elf"), "", List.of());
        } catch (BootException e) {
            throw new IllegalStateException("cannot load " + guest + ": " + e.getMessage(), e);
        }
        this.vcpu = machine.vcpu(0);
        this.host = choice.host();
        this.description = guest + " on " + backend + " (host model " + choice.host().name() + ")";
    }

    Vcpu vcpu() {
        return vcpu;
    }

    Machine machine() {
        return machine;
    }

    HostCpu host() {
        return host;
    }

    /** Shows every handled exit to {@code observer} from now on (tests of what an operation does). */
    void observe(ExitObserver observer) {
        this.observer = observer;
    }

    /**
     * Runs {@code instructions} more guest instructions (as the vCPU counts them) through the
     * platform loop.
     *
     * <p>The machine's own instruction limit counts only what the core retires inside
     * {@code Vcpu.run}, not the exiting instructions the monitor completes, so for an exit-heavy
     * guest it runs more vCPU instructions than it was asked for (up to 3× for the MMIO loop).
     * This asks for a quarter of what is left at a time, which never overshoots by more than one
     * loop iteration.
     *
     * @throws IllegalStateException if the guest stopped for any other reason (an unhandled exit,
     *                               a triple fault): the benchmark would measure nothing
     */
    void step(long instructions) {
        long target = vcpu.retiredInstructions() + instructions;
        while (true) {
            long left = target - vcpu.retiredInstructions();
            if (left <= 0) {
                return;
            }
            long ask = Math.max(1, left / 4);
            RunOutcome outcome = machine.run(new RunLimits(machineRetired + ask, 0), observer);
            if (!(outcome instanceof RunOutcome.InstructionLimit limit)) {
                throw new IllegalStateException(description + " stopped: " + outcome.describe());
            }
            machineRetired = limit.retired();
        }
    }

    long retired() {
        return vcpu.retiredInstructions();
    }
}
