package dev.hve.platform.machine;

import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.platform.irq.InterruptController;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Deterministic round-robin over the vCPUs: each runnable vCPU runs a slice of retired
 * instructions, then the next one's turn comes. All vCPUs share one virtual time base, advanced
 * by whichever runs, so a run is the same every time; each vCPU's TSC is kept on that base
 * through its TSC offset.
 */
final class VcpuScheduler {

    private enum State { RUNNING, HALTED, WAIT_FOR_SIPI }

    private static final long IF = 1L << 9;

    private final List<Vcpu> vcpus;
    private final InterruptController interrupts;
    private final State[] states;
    private final long[] haltRip;
    private final long[] tscOffset;
    /** Each vCPU's retired count when the scheduler last accounted it. */
    private final long[] accounted;
    private final long slice;
    private long sliceUsed;
    private int current;
    private long totalRetired;

    VcpuScheduler(List<Vcpu> vcpus, InterruptController interrupts, long slice) {
        this.vcpus = vcpus;
        this.interrupts = interrupts;
        this.slice = slice;
        this.states = new State[vcpus.size()];
        Arrays.fill(states, State.WAIT_FOR_SIPI);
        states[0] = State.RUNNING; // the bootstrap processor; the others wait for a SIPI
        this.haltRip = new long[vcpus.size()];
        this.tscOffset = new long[vcpus.size()];
        this.accounted = new long[vcpus.size()];
    }

    /** The vCPU to run now, or null when none is runnable. */
    Vcpu next() {
        for (int i = 0; i < states.length; i++) {
            if (states[i] == State.HALTED && canWake(i)) {
                states[i] = State.RUNNING;
            }
        }
        if (states[current] == State.RUNNING && sliceUsed < slice) {
            return vcpus.get(current);
        }
        for (int step = 1; step <= states.length; step++) {
            int candidate = (current + step) % states.length;
            if (states[candidate] == State.RUNNING) {
                current = candidate;
                sliceUsed = 0;
                return vcpus.get(current);
            }
        }
        return null;
    }

    /** A halted processor resumes on an NMI, or on a maskable interrupt when IF is set. */
    private boolean canWake(int i) {
        if (interrupts.nmiPending(i)) {
            return true;
        }
        boolean interruptsEnabled = (vcpus.get(i).register(Register.RFLAGS) & IF) != 0;
        return interruptsEnabled && interrupts.wakeupPending(i);
    }

    long sliceLeft() {
        return slice - sliceUsed;
    }

    /**
     * Counts what {@code vcpu} retired since it was last accounted, the instructions the monitor
     * completed included, and returns that many for the clock.
     */
    long account(Vcpu vcpu) {
        int i = vcpu.index();
        long now = vcpu.retiredInstructions();
        long instructions = now - accounted[i];
        accounted[i] = now;
        sliceUsed += instructions;
        totalRetired += instructions;
        return instructions;
    }

    long totalRetired() {
        return totalRetired;
    }

    /** Keeps the vCPU's TSC on the shared clock: TSC = retired instructions + offset. */
    void syncTsc(Vcpu vcpu, long clockTsc) {
        int i = vcpu.index();
        long offset = clockTsc - vcpu.retiredInstructions();
        if (offset != tscOffset[i]) {
            tscOffset[i] = offset;
            vcpu.setTscOffset(offset);
        }
    }

    void halt(int i, long rip) {
        states[i] = State.HALTED;
        haltRip[i] = rip;
    }

    long haltRip(int i) {
        return haltRip[i];
    }

    void waitForStartup(int i) {
        states[i] = State.WAIT_FOR_SIPI;
    }

    boolean waitingForStartup(int i) {
        return states[i] == State.WAIT_FOR_SIPI;
    }

    void start(int i) {
        states[i] = State.RUNNING;
    }

    /** The halted vCPUs that some event could still wake: IF set, or an NMI pending. */
    int[] wakeable() {
        return IntStream.range(0, states.length)
            .filter(i -> states[i] == State.HALTED
                && ((vcpus.get(i).register(Register.RFLAGS) & IF) != 0 || interrupts.nmiPending(i)))
            .toArray();
    }
}
