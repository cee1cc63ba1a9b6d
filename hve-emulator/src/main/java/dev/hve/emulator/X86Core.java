package dev.hve.emulator;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.memory.HostMemory;

/**
 * One emulated x86-64 logical processor: the public face of the core that both backends run
 * guest code on. A backend creates one per vCPU, loads guest state into {@link #state()}, calls
 * {@link #run(long)}, and on {@link StopReason#EXIT} reads back what its {@link GuestControls}
 * recorded.
 *
 * <p>All guest memory accesses go linear → (guest paging) → guest-physical →
 * {@link GuestControls#translateGuestPhysical} → host-physical {@link HostMemory}.
 */
public final class X86Core {

    private final CpuState state = new CpuState();
    private final HostMemory memory;
    private final CpuModel cpuModel;
    private final GuestControls controls;
    private long retired;

    public X86Core(HostMemory memory, CpuModel cpuModel, GuestControls controls) {
        this.memory = memory;
        this.cpuModel = cpuModel;
        this.controls = controls;
    }

    public CpuState state() {
        return state;
    }

    public HostMemory memory() {
        return memory;
    }

    public CpuModel cpuModel() {
        return cpuModel;
    }

    public GuestControls controls() {
        return controls;
    }

    /**
     * Runs guest code until a control hook exits or {@code budget} instructions have retired.
     * A halted processor consumes the budget without retiring instructions (virtual time passes).
     */
    public StopReason run(long budget) {
        throw new IllegalStateException("interpreter not yet wired");
    }

    /** Instructions retired since this core was created. */
    public long retiredInstructions() {
        return retired;
    }

    /**
     * Delivers an event now, at an instruction boundary, as VM entry does with an injected event.
     *
     * @return {@code false} when delivery itself left guest mode (a control hook exited, for
     *         example on an intercepted exception raised during delivery)
     */
    public boolean deliverEvent(EventType type, int vector, boolean hasErrorCode, int errorCode,
                                int instructionLength) {
        throw new IllegalStateException("event delivery not yet wired");
    }

    /** Drops every cached translation (after a change to CR3, paging mode, or EPT/NPT tables). */
    public void flushTlb() {
    }

    /** Asks the core to call {@link GuestControls#instructionBoundary} at each boundary. */
    public void watchBoundaries(boolean enabled) {
    }

    /** Whether a maskable interrupt could be delivered now: IF set and no STI/MOV-SS shadow. */
    public boolean interruptible() {
        return (state.rflags & CpuState.IF) != 0 && !state.interruptShadow;
    }

    /**
     * Reads guest memory by linear address through the guest's paging (no exits are taken; a
     * translation that would fault ends the read).
     *
     * @return the number of bytes read
     */
    public int readLinear(long linearAddress, byte[] destination, int length) {
        throw new IllegalStateException("linear reads not yet wired");
    }
}
