package dev.hve.emulator.control;

/**
 * The narrow interface through which the core asks "does this leave guest mode?" and "where does
 * this guest-physical address live?". A virtualization backend implements it from its control
 * structure (VMCS execution controls and bitmaps, or VMCB intercept vectors, IOPM and MSRPM, plus
 * EPT or NPT). The core itself knows nothing of VMX or SVM, in the spirit of Bochs, whose
 * instruction handlers call {@code VMexit_IO} / {@code SvmInterceptIO} hooks.
 *
 * <p>Protocol: every {@code boolean} hook is asked at the point the architecture defines for the
 * intercept check, with the guest state still as it was before the instruction (RIP at the
 * instruction). Returning {@code true} means the event leaves guest mode: the implementation has
 * already written its exit record, and the core abandons the instruction without retiring it and
 * returns {@link dev.hve.emulator.StopReason#EXIT} from its run loop. Returning {@code false}
 * means the core carries out the instruction itself.
 *
 * <p>Default methods answer "no exit" so that new hooks can be added without breaking backends.
 * Hooks are called only at sensitive instructions, never per ordinary instruction.
 */
public interface GuestControls {

    /** Access bits for {@link #translateGuestPhysical}. */
    int ACCESS_READ = 1;
    int ACCESS_WRITE = 2;
    int ACCESS_EXECUTE = 4;
    /** The access is part of the guest's own page walk (a paging-structure read or A/D update). */
    int ACCESS_PAGE_WALK = 8;
    /** The guest linear address is valid for the access (not set for walks of CR3/PDPTE loads). */
    int ACCESS_LINEAR_VALID = 16;
    /** The guest was at CPL 3 (user access). */
    int ACCESS_USER = 32;
    /**
     * Not a guest access: the monitor is inspecting guest memory (for example through
     * {@code X86Core.readLinear}). The implementation must not record an exit; it returns -1 for an
     * address it would have exited on.
     */
    int ACCESS_PEEK = 64;

    /**
     * Translates a guest-physical address to a host-physical one through EPT or NPT.
     *
     * @param access an OR of the {@code ACCESS_*} bits
     * @param linearAddress the guest-linear address being accessed, when {@link #ACCESS_LINEAR_VALID}
     * @return the host-physical address, or {@code -1} when the access leaves guest mode (an EPT
     *         violation, EPT misconfiguration or nested page fault, already recorded)
     */
    long translateGuestPhysical(long guestPhysical, int access, long linearAddress);

    /**
     * IN, OUT, INS or OUTS, after the core's own IOPL and TSS I/O-permission checks passed.
     *
     * @param size         1, 2 or 4
     * @param immediate    the port came from an immediate operand (not DX)
     * @param addressSize  2, 4 or 8, for string forms
     * @param segment      the segment register index of a string source ({@code CpuState.DS} by
     *                     default; OUTS honors overrides, INS always uses ES)
     * @param length       the instruction's length in bytes
     */
    default boolean ioInstruction(int port, int size, boolean in, boolean string, boolean rep,
                                  boolean immediate, int addressSize, int segment, int length) {
        return false;
    }

    default boolean cpuid(int length) {
        return false;
    }

    default boolean hlt(int length) {
        return false;
    }

    /** RDMSR or WRMSR; the MSR number is in ECX. */
    default boolean msr(boolean write, int length) {
        return false;
    }

    /**
     * A hypercall instruction: {@code VMCALL} (0F 01 C1) or {@code VMMCALL} (0F 01 D9). Returning
     * {@code false} makes the core raise #UD, which is what both instructions do when nothing
     * claims them.
     */
    default boolean hypercall(HypercallInstruction instruction, int length) {
        return false;
    }

    /** RDTSC or RDTSCP. */
    default boolean rdtsc(boolean rdtscp, int length) {
        return false;
    }

    default boolean invlpg(long linearAddress, int length) {
        return false;
    }

    default boolean pause(int length) {
        return false;
    }

    /**
     * MOV to or from CR0, CR3, CR4 or CR8, CLTS, or LMSW.
     *
     * @param gpr the general-purpose register operand, or -1 for CLTS/LMSW
     */
    default boolean controlRegisterAccess(int cr, boolean write, int gpr, long newValue, int length) {
        return false;
    }

    /**
     * What MOV from CR0 or CR4 and SMSW return when the register holds {@code value}. VT-x returns,
     * for each bit set in the CR0/CR4 guest/host mask, the bit of the read shadow (Intel SDM Vol.
     * 3C §26.3); SVM has no read shadows, so the default is the register itself. Called only by
     * those instructions, after {@link #controlRegisterAccess} answered false.
     *
     * @param cr 0 or 4
     */
    default long controlRegisterRead(int cr, long value) {
        return value;
    }

    /**
     * The value a MOV to CR0 or CR4, CLTS or LMSW that did not leave guest mode loads, given the
     * register's {@code current} contents and the value the instruction {@code requested}: VT-x
     * leaves the bits set in the guest/host mask unmodified (§26.3). Called after
     * {@link #controlRegisterAccess} answered false and after the core's reserved-bit checks of
     * the operand; the core's consistency checks (PG needs PE, ...) apply to the result.
     *
     * @param cr 0 or 4
     */
    default long controlRegisterWrite(int cr, long current, long requested) {
        return requested;
    }

    default boolean debugRegisterAccess(int dr, boolean write, int gpr, int length) {
        return false;
    }

    default boolean wbinvd(int length) {
        return false;
    }

    /** Task-switch sources, encoded as VMX exit qualification bits 31:30 (SDM Vol. 3C table 28-2). */
    int TASK_SWITCH_CALL = 0;
    int TASK_SWITCH_IRET = 1;
    int TASK_SWITCH_JMP = 2;
    int TASK_SWITCH_IDT_TASK_GATE = 3;

    /**
     * A hardware task switch to the TSS {@code selector}, after the checks that fault in the old
     * task and before any state changes.
     *
     * @param source one of the {@code TASK_SWITCH_*} constants
     * @param length the instruction's length (0 for a switch through an IDT task gate)
     */
    default boolean taskSwitch(int selector, int source, int length) {
        return false;
    }

    /**
     * Descriptor-table instructions for {@link #descriptorTableAccess}, numbered so that bits 1:0
     * are VT-x's instruction identity (SDM Vol. 3C §28.2.5, Tables 28-10 and 28-11) and bit 2
     * tells the LDTR/TR group (exit reason 47) from the GDTR/IDTR group (46).
     */
    int DESCRIPTOR_SGDT = 0;
    int DESCRIPTOR_SIDT = 1;
    int DESCRIPTOR_LGDT = 2;
    int DESCRIPTOR_LIDT = 3;
    int DESCRIPTOR_SLDT = 4;
    int DESCRIPTOR_STR = 5;
    int DESCRIPTOR_LLDT = 6;
    int DESCRIPTOR_LTR = 7;

    /**
     * LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT or STR, after the checks that fault first (#UD
     * outside protected mode for the LDTR/TR forms, #GP for CPL &gt; 0 on the loads) and before
     * the operand is read or written: VT-x "descriptor-table exiting" (exit reasons 46 and 47) and
     * SVM's descriptor-table read/write intercepts. The operand's addressing is in
     * {@code X86Core.currentInstruction()}.
     *
     * @param instruction one of the {@code DESCRIPTOR_*} constants
     */
    default boolean descriptorTableAccess(int instruction, int length) {
        return false;
    }

    /** RDPMC (0F 33), after its CR4.PCE/CPL check. */
    default boolean rdpmc(int length) {
        return false;
    }

    /** INVD (0F 08). */
    default boolean invd(int length) {
        return false;
    }

    default boolean xsetbv(int length) {
        return false;
    }

    /**
     * An instruction of the virtualization extensions themselves (VMXON, VMLAUNCH, VMRUN, ...).
     * Returning {@code false} makes the core raise #UD.
     */
    default boolean virtualizationInstruction(String mnemonic, int length) {
        return false;
    }

    /**
     * INT n (CD ib), after its virtual-8086 IOPL check and before the IDT is read. INT3, INTO and
     * INT1 are exceptions, not INT n: they go through {@link #exception} (INT1 also through
     * {@link #icebp}).
     */
    default boolean softwareInterrupt(int vector, int length) {
        return false;
    }

    /** INT1 / ICEBP (F1), before its #DB is raised. */
    default boolean icebp(int length) {
        return false;
    }

    /** PUSHF/PUSHFD/PUSHFQ, after the virtual-8086 IOPL check and before the push. */
    default boolean pushf(int length) {
        return false;
    }

    /** POPF/POPFD/POPFQ, after the virtual-8086 IOPL check and before the pop. */
    default boolean popf(int length) {
        return false;
    }

    /**
     * RSM (0F AA). The core is never in SMM, so returning {@code false} makes it raise #UD; a
     * hypervisor that emulates SMM for its guest relies on the intercept coming first.
     */
    default boolean rsm(int length) {
        return false;
    }

    /**
     * MONITOR (0F 01 C8), after its CPL check (#UD) and the segment checks of the address in rAX,
     * before the modeled CPU's missing CPUID feature makes it #UD.
     */
    default boolean monitor(int length) {
        return false;
    }

    /** MWAIT (0F 01 C9), after its CPL check (#UD) and its ECX check (#GP), as {@link #monitor}. */
    default boolean mwait(int length) {
        return false;
    }

    /**
     * IRET, IRETD or IRETQ, after the virtual-8086 IOPL check and before anything is popped (the
     * SVM IRET intercept, APM Vol. 2 §15.9; a hypervisor uses it to learn when the guest's NMI
     * handler returns, §15.20).
     */
    default boolean iret(int length) {
        return false;
    }

    /**
     * An exception about to be delivered to the guest (vectors 0-31), including those raised
     * while delivering another event.
     *
     * @param faultAddress CR2's new value for #PF, else 0
     */
    default boolean exception(int vector, boolean hasErrorCode, int errorCode, long faultAddress) {
        return false;
    }

    /**
     * A debug exception (#DB) that a debug condition raised, before the core records the
     * condition in DR6: {@code dr6Bits} holds the DR6 status bits it would set (B0-B3, BD, BS; SDM
     * Vol. 3B §18.2.3). Returning {@code true} means the #DB leaves guest mode now and DR6 stays as
     * it was, which is VT-x's order (the exit qualification carries the bits instead, Vol. 3C
     * §28.2.1). Returning {@code false} makes the core set the bits in DR6 and deliver the #DB,
     * offering it to {@link #exception} first: SVM's order, whose #DB intercept sees DR6 already
     * updated (AMD APM Vol. 2 §15.12). #DB without such a condition (INT1) goes to
     * {@link #exception} only.
     */
    default boolean debugException(long dr6Bits) {
        return false;
    }

    /**
     * A triple fault or another shutdown condition. The core cannot continue either way, so it
     * stops after this call whatever the answer.
     */
    default void shutdown() {
    }

    /**
     * Called at an instruction boundary when the core was asked to watch for one (see
     * {@code X86Core.watchBoundaries}): the guest is now {@code interruptible} or not. Return
     * true to exit (an interrupt-window exit).
     */
    default boolean instructionBoundary(boolean interruptible) {
        return false;
    }

    /** The TSC offset added to the core's counter for RDTSC/RDTSCP and IA32_TSC reads. */
    default long tscOffset() {
        return 0;
    }
}
