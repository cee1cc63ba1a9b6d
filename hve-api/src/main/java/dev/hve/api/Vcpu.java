package dev.hve.api;

/**
 * One virtual CPU. Monitor code drives it in a loop: {@link #run(long)}, dispatch the returned
 * exit, write results through the register accessors, then {@link #completeInstruction()} or
 * {@link #inject(Event)}.
 *
 * <p>Register accessors are the only way to guest state; where a register physically lives (the
 * VMCS, the VMCB, or the backend's software save area) is the backend's business.
 */
public interface Vcpu {

    int index();

    /**
     * Enters the guest and runs until the next exit, or until {@code instructionBudget} guest
     * instructions have retired (then {@link VmExit.Preempted}).
     */
    VmExit run(long instructionBudget);

    /** Applies a vendor-neutral intercept configuration; takes effect on the next entry. */
    void configureIntercepts(InterceptConfig config);

    long register(Register register);

    void setRegister(Register register, long value);

    /**
     * The sixteen general-purpose registers, RAX to R15 in encoding order, into {@code
     * destination[0..15]}: {@code register(Register.gpr(i))} for each, in one call, for monitor
     * code that needs them all on every exit (instruction emulation for MMIO).
     */
    default void readGprs(long[] destination) {
        for (int i = 0; i < 16; i++) {
            destination[i] = register(Register.gpr(i));
        }
    }

    Segment segment(SegmentRegister register);

    void setSegment(SegmentRegister register, Segment value);

    /*
     * One field of segment(register), without building the Segment value: for per-exit monitor
     * paths such as MMIO decode, which read a few fields of every segment on every exit. Each
     * answers exactly what the same field of segment(register) would; backends override them with
     * direct reads of their control structure.
     */

    /** {@code segment(register).selector()}. */
    default int segmentSelector(SegmentRegister register) {
        return segment(register).selector();
    }

    /** {@code segment(register).base()}. */
    default long segmentBase(SegmentRegister register) {
        return segment(register).base();
    }

    /** {@code segment(register).limit()}. */
    default int segmentLimit(SegmentRegister register) {
        return segment(register).limit();
    }

    /** {@code segment(register).attributes()}: P reads 0 for an unusable segment. */
    default int segmentAttributes(SegmentRegister register) {
        return segment(register).attributes();
    }

    /** {@code segment(register).unusable()}. */
    default boolean segmentUnusable(SegmentRegister register) {
        return segment(register).unusable();
    }

    /**
     * ES, CS, SS, DS, FS and GS field by field, index 0..5 in encoding order: the selector, base,
     * limit and attributes each of the accessors above gives, with {@link Segment#UNUSABLE} set in
     * the attribute word of an unusable segment. One call for monitor code that loads all six on
     * every exit (instruction emulation for MMIO).
     */
    default void readSegments(int[] selectors, long[] bases, int[] limits, int[] attributes) {
        SegmentRegister[] registers = SegmentRegister.values(); // a copy per call, not per segment
        for (int i = 0; i <= SegmentRegister.GS.ordinal(); i++) {
            SegmentRegister register = registers[i];
            selectors[i] = segmentSelector(register);
            bases[i] = segmentBase(register);
            limits[i] = segmentLimit(register);
            attributes[i] = segmentAttributes(register) | (segmentUnusable(register) ? Segment.UNUSABLE : 0);
        }
    }

    DescriptorTable gdtr();

    void setGdtr(DescriptorTable value);

    DescriptorTable idtr();

    void setIdtr(DescriptorTable value);

    /**
     * Finishes the instruction that caused the last exit, as if it had executed: RIP moves past
     * it (VT-x uses the VM-exit instruction length, SVM the next RIP) and the interrupt shadow
     * that follows it is honored.
     */
    void completeInstruction();

    /**
     * Finishes the instruction that caused the last exit when the monitor emulated it (MMIO
     * decode), which is how a hypervisor completes an access the hardware reports no length for
     * (an EPT violation or nested page fault): RIP becomes {@code nextRip}, any STI/MOV-SS blocking
     * that covered the instruction ends, and the instruction counts in {@link
     * #retiredInstructions()}, exactly as with {@link #completeInstruction()}.
     */
    void completeEmulatedInstruction(long nextRip);

    /**
     * Queues an event for delivery on the next entry. While another event waits for delivery
     * ({@link #eventPending()}), a hardware event (external interrupt, NMI, exception) queues
     * behind it and is delivered at a later entry, wherever the guest then is. A
     * {@link Event.SoftwareInterrupt} cannot wait so: its instruction length describes the
     * instruction at the current RIP, so injecting one then throws {@link IllegalStateException}
     * (the monitor injects it after the next exit instead).
     */
    void inject(Event event);

    /**
     * Whether an event waits for delivery: one the monitor injected, one the backend re-injects
     * because an exit cut its delivery short (VT-x IDT-vectoring information, SVM EXITINTINFO),
     * or an NMI held until NMIs are unblocked. Both backends answer alike for the same guest.
     */
    boolean eventPending();

    /** True when a maskable interrupt injected now would be delivered (IF set, no shadow). */
    boolean interruptible();

    /** Asks for a {@link VmExit.InterruptWindow} exit as soon as the guest becomes interruptible. */
    void requestInterruptWindow(boolean enabled);

    /**
     * Sets the offset added to the time-stamp counter the guest reads (RDTSC, RDTSCP, IA32_TSC),
     * as VT-x's TSC_OFFSET with "use TSC offsetting" and SVM's TSC_OFFSET do. The platform uses it
     * to keep the guest's TSC on its virtual clock when time passes without instructions (a HLT
     * fast-forwarded to the next timer).
     */
    void setTscOffset(long offset);

    /** Guest instructions retired by this vCPU since it was created. */
    long retiredInstructions();

    /** The vendor's record of the most recent exit. */
    VendorRecord lastExitRecord();

    /**
     * {@code lastExitRecord().reason()} without building the record: what per-exit statistics
     * need. Backends override it with a single field read.
     */
    default long lastExitReason() {
        return lastExitRecord().reason();
    }

    /**
     * Installs (or, with {@code null}, removes) the listener for exits this backend carries out
     * itself. Without a listener a backend builds no record for them, so the run loop allocates
     * nothing extra. A backend that never handles an exit itself may keep this default.
     */
    default void setInternalExitListener(InternalExitListener listener) {
    }

    /**
     * Reads guest memory by linear address through the guest's own paging, as the monitor does to
     * fetch an instruction it must emulate. Returns the number of bytes read (fewer than asked
     * when a page is not present).
     */
    int readLinear(long linearAddress, byte[] destination, int length);

    /**
     * Translates a linear address through the guest's own paging, as an access by the guest at
     * its current privilege would, without side effects (KVM's {@code KVM_TRANSLATE}). Monitor
     * code uses it to emulate instructions that touch guest memory, such as string I/O.
     *
     * @return the guest-physical address, or -1 when the access would fault
     */
    long translateLinear(long linearAddress, boolean write);
}
