package dev.hve.emulator;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpu.EventType;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.exec.BlockTranslator;
import dev.hve.emulator.exec.ExitSignal;
import dev.hve.emulator.exec.Fault;
import dev.hve.emulator.exec.Interpreter;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.emulator.mmu.Mmu;
import dev.hve.emulator.msr.MsrModel;
import dev.hve.emulator.translate.BlockCompiler;

/**
 * One emulated x86-64 logical processor: the public face of the core that both backends run
 * guest code on. A backend creates one per vCPU, loads guest state into {@link #state()}, calls
 * {@link #run(long)}, and on {@link StopReason#EXIT} reads back what its {@link GuestControls}
 * recorded.
 *
 * <p>All guest memory accesses go linear → (guest paging) → guest-physical →
 * {@link GuestControls#translateGuestPhysical} → host-physical {@link HostMemory}.
 *
 * <p>Flags are exact in {@code state().rflags} whenever {@link #run} or {@link #deliverEvent} is not
 * executing (compiled blocks defer them only inside a run), so backends may copy state in and out
 * then. A core is
 * not thread-safe; one thread drives it.
 */
public final class X86Core {

    /** DR6.BS, the single-step status bit (SDM Vol. 3B §18.2.3). */
    private static final long DR6_BS = 1L << 14;

    private final CpuState state = new CpuState();
    private final HostMemory memory;
    private final CpuModel cpuModel;
    private final GuestControls controls;
    private final MsrModel msrs;
    private final Mmu mmu;
    private final Interpreter cpu;
    private boolean watchBoundaries;
    // Paging controls as the TLB last saw them: a backend that loads new guest state (VM entry)
    // gets its cached translations dropped automatically when any of them changed.
    private long seenCr0 = -1;
    private long seenCr3 = -1;
    private long seenCr4 = -1;
    private long seenEfer = -1;

    public X86Core(HostMemory memory, CpuModel cpuModel, GuestControls controls) {
        this.memory = memory;
        this.cpuModel = cpuModel;
        this.controls = controls;
        int[] regs = new int[4];
        cpuModel.cpuid(0, 0, regs);
        boolean amd = regs[1] == 0x6874_7541; // "Auth"
        cpuModel.cpuid(0x8000_0008, 0, regs);
        int physicalBits = regs[0] & 0xFF;
        if (physicalBits == 0) {
            physicalBits = 36;
        }
        Fault fault = new Fault();
        this.msrs = new MsrModel(state, amd);
        this.mmu = new Mmu(state, memory, controls, fault, physicalBits, !amd);
        this.cpu = new Interpreter(state, mmu, controls, cpuModel, msrs, fault, translator());
    }

    /**
     * The block translator, unless {@code -Dhve.translate=false} asks for the interpreter alone
     * (to compare the two, or to rule the translator out). {@code -Dhve.translate.threshold=N}
     * sets how many entries make a block hot.
     */
    private static BlockTranslator translator() {
        if (!Boolean.parseBoolean(System.getProperty("hve.translate", "true"))) {
            return null;
        }
        return new BlockCompiler(Integer.getInteger("hve.translate.threshold", BlockCompiler.DEFAULT_THRESHOLD));
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

    /** The MSRs that are not part of {@link CpuState} (APIC base, MTRRs, MISC_ENABLE, ...). */
    public MsrModel msrs() {
        return msrs;
    }

    /**
     * Runs guest code until a control hook exits or {@code budget} instructions have been spent.
     * A halted processor consumes the budget without retiring instructions (virtual time passes).
     * Each iteration of a REP string instruction and each exception delivery spends one unit.
     */
    public StopReason run(long budget) {
        cpu.events.deliveringValid = false;
        cpu.dropBlockCursor(); // guest state may have been loaded since the last run
        syncTranslationState();
        try {
            return runLoop(budget);
        } finally {
            rememberTranslationState();
        }
    }

    /** Flushes the TLB if CR0, CR3, CR4 or EFER changed behind the core's back (new guest state). */
    private void syncTranslationState() {
        CpuState s = state;
        if (s.cr0 != seenCr0 || s.cr3 != seenCr3 || s.cr4 != seenCr4 || s.efer != seenEfer) {
            mmu.flushAll();
            if (s.pagingEnabled() && (s.cr4 & CpuState.CR4_PAE) != 0 && !s.longModeActive()) {
                mmu.reloadPdptesQuietly(); // as a VM entry loads them from the guest's CR3
            }
            rememberTranslationState();
        }
    }

    private void rememberTranslationState() {
        seenCr0 = state.cr0;
        seenCr3 = state.cr3;
        seenCr4 = state.cr4;
        seenEfer = state.efer;
    }

    private StopReason runLoop(long budget) {
        CpuState s = state;
        Interpreter c = cpu;
        long left = budget;
        while (left > 0) {
            if (watchBoundaries) {
                cpu.dropBlockCursor(); // the hook may change state behind the core
                if (controls.instructionBoundary(interruptible())) {
                    return StopReason.EXIT;
                }
            }
            if (s.halted) {
                return StopReason.BUDGET_EXHAUSTED;
            }
            long flags = s.rflags;
            // With the boundary hook on, every instruction is a step of its own.
            c.stepBudget = watchBoundaries ? 0 : left;
            try {
                c.step();
                if (c.exitRequested) {
                    s.rflags = c.stepFlags;
                    return StopReason.EXIT;
                }
                if ((flags & CpuState.TF) != 0 && !c.deliveredEvent && !singleStepTrap()) {
                    return StopReason.EXIT;
                }
            } catch (Fault f) {
                // Faults are precise: no part of the instruction is kept (flags included).
                s.rflags = c.stepFlags;
                try {
                    if (!c.events.deliverFault(f)) {
                        return StopReason.EXIT;
                    }
                } catch (ExitSignal e) {
                    return StopReason.EXIT; // delivery touched memory that left guest mode
                }
            } catch (ExitSignal e) {
                s.rflags = c.stepFlags;
                return StopReason.EXIT;
            }
            left -= c.stepUnits;
        }
        return StopReason.BUDGET_EXHAUSTED;
    }

    /**
     * The single-step trap after an instruction that began with RFLAGS.TF set (SDM Vol. 3B
     * §18.3.1.4): DR6.BS is set and #DB is delivered with RIP at the next instruction. The
     * controls see the condition first, so that a #DB which leaves guest mode before DR6 is
     * written (VT-x) can leave it untouched.
     */
    private boolean singleStepTrap() {
        if (controls.debugException(DR6_BS)) {
            return false;
        }
        state.dr[6] |= DR6_BS;
        cpu.dropBlockCursor();
        try {
            return cpu.events.deliver(EventType.HARDWARE_EXCEPTION, 1, false, 0, state.rip, 0, true);
        } catch (ExitSignal e) {
            return false; // the instruction completed; only the trap's delivery left guest mode
        }
    }

    /** Instructions retired since this core was created. */
    public long retiredInstructions() {
        return cpu.retired;
    }

    /**
     * Delivers an event now, at an instruction boundary, as VM entry does with an injected event.
     * The injected event itself is not offered to {@link GuestControls#exception} (injection is
     * not subject to the exception bitmap or intercepts); exceptions raised while delivering it are.
     * For software interrupts and software exceptions the saved RIP is RIP + {@code
     * instructionLength}.
     *
     * @return {@code false} when delivery itself left guest mode (a control hook exited, for
     *         example on an intercepted exception raised during delivery, or a triple fault)
     */
    public boolean deliverEvent(EventType type, int vector, boolean hasErrorCode, int errorCode,
                                int instructionLength) {
        boolean software = type == EventType.SOFTWARE_INTERRUPT || type == EventType.SOFTWARE_EXCEPTION
            || type == EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
        syncTranslationState();
        cpu.dropBlockCursor();
        long ret = state.rip + (software ? instructionLength : 0);
        if (!state.mode64()) {
            ret &= state.codeSize() == 2 ? 0xFFFF : 0xFFFF_FFFFL;
        }
        try {
            return cpu.events.deliver(type, vector & 0xFF, hasErrorCode, errorCode, ret, 0, false);
        } catch (ExitSignal e) {
            return false;
        }
    }

    /**
     * Drops every cached translation. Call it after changing EPT/NPT tables (or anything else the
     * core cannot see). Changes to CR0, CR3, CR4 or EFER made through {@link #state()} between runs
     * are noticed by the core itself.
     */
    public void flushTlb() {
        mmu.flushAll();
        cpu.dropBlockCursor();
    }

    /**
     * Loads the PAE PDPTE registers (SDM Vol. 3A §4.4.1) with {@code pdptes} instead of from the
     * table CR3 names, as VM entry with EPT does from the VMCS guest-state area (Vol. 3C
     * §27.3.2.4). Call it after loading CR0, CR3, CR4 and EFER: the next {@link #run} then keeps
     * these registers rather than reloading them from memory, until the guest itself reloads them
     * (MOV to CR3, or a CR0/CR4 write that matters).
     */
    public void loadPdpteRegisters(long[] pdptes) {
        syncTranslationState();
        cpu.dropBlockCursor();
        mmu.loadPdpteRegisters(pdptes);
    }

    /**
     * Copies the PDPTE registers into {@code destination} (four entries) and returns true; false
     * when the core holds none (it is not using PAE paging, or read PDPTEs from memory), leaving
     * {@code destination} alone.
     */
    public boolean pdpteRegisters(long[] destination) {
        return mmu.pdpteRegisters(destination);
    }

    /** Asks the core to call {@link GuestControls#instructionBoundary} at each boundary. */
    public void watchBoundaries(boolean enabled) {
        watchBoundaries = enabled;
    }

    /** Whether a maskable interrupt could be delivered now: IF set and no STI/MOV-SS shadow. */
    public boolean interruptible() {
        return (state.rflags & CpuState.IF) != 0 && !state.interruptShadow;
    }

    /**
     * Reads guest memory by linear address through the guest's paging (no exits are taken; a
     * translation that would fault ends the read). Accessed/dirty bits are not touched, and the
     * controls are asked with {@link GuestControls#ACCESS_PEEK}.
     *
     * @return the number of bytes read
     */
    public int readLinear(long linearAddress, byte[] destination, int length) {
        return read(linearAddress, destination, length, false);
    }

    /**
     * As {@link #readLinear}; with {@code fetched}, a page the fetch TLB holds is read through its
     * entry (the translation the fetch used) instead of a walk.
     */
    private int read(long linearAddress, byte[] destination, int length, boolean fetched) {
        syncTranslationState();
        boolean user = state.cpl == 3;
        int done = 0;
        while (done < length) {
            long lin = linearAddress + done;
            long hpa = fetched ? mmu.fetchedHostAddress(lin, user) : -1;
            if (hpa < 0) {
                hpa = mmu.peekTranslate(lin);
            }
            if (hpa == -1 || !memory.contains(hpa, 1)) {
                return done;
            }
            int inPage = (int) Math.min(length - done, 0x1000 - (lin & 0xFFF));
            memory.readBytes(hpa, destination, done, inPage);
            done += inPage;
        }
        return done;
    }

    /**
     * Translates a linear address through the guest's own paging, as an access by the guest at
     * its current privilege would (what KVM_TRANSLATE offers a monitor): the guest-physical
     * address, or -1 when a read (or, with {@code write}, a write) would fault. No exits, faults or
     * accessed/dirty updates happen.
     */
    public long translateLinear(long linearAddress, boolean write) {
        return mmu.peekGuestPhysical(linearAddress, write);
    }

    // ------------------------------------------------------------------ exit-record support

    /**
     * Whether the last exit happened while an event was being delivered (its IDT-vectoring
     * information / EXITINTINFO is then {@link #interruptedEventType()} and companions). Valid after
     * {@link #run} or {@link #deliverEvent} reported an exit, until the next call of either.
     */
    public boolean exitDuringEventDelivery() {
        return cpu.events.deliveringValid;
    }

    /** The type of the event whose delivery was interrupted (when {@link #exitDuringEventDelivery()}). */
    public EventType interruptedEventType() {
        return cpu.events.deliveringType;
    }

    public int interruptedEventVector() {
        return cpu.events.deliveringVector;
    }

    public boolean interruptedEventHasErrorCode() {
        return cpu.events.deliveringHasErrorCode;
    }

    public int interruptedEventErrorCode() {
        return cpu.events.deliveringErrorCode;
    }

    /** The linear address of the instruction executing (or last executed) at CS:RIP. */
    public long instructionLinearAddress() {
        cpu.syncCompiledState();
        return cpu.instructionLinear;
    }

    /**
     * The length of the current instruction, valid when a hook is called for it or after an exit
     * from it (not after an exit during its fetch, when it may not be decoded yet).
     */
    public int instructionLength() {
        cpu.syncCompiledState();
        return cpu.in.length;
    }

    /** The RIP following the current instruction (next RIP for SVM's NRIP). */
    public long nextRip() {
        cpu.syncCompiledState();
        return cpu.nextRip();
    }

    /**
     * Copies up to 15 bytes of the current instruction into {@code destination} (SVM decode
     * assists, MMIO decode); returns how many could be read.
     */
    public int instructionBytes(byte[] destination) {
        cpu.syncCompiledState();
        // The bytes come from where the instruction was fetched, as the processor's own fetch
        // (APM Vol. 2 §15.33, decode assists) does; only bytes past a page the TLB no longer holds need a walk.
        return read(cpu.instructionLinear, destination, Math.min(15, destination.length), true);
    }

    /**
     * For an INS/OUTS hook: the linear address of the string operand (ES:rDI for INS, seg:rSI for
     * OUTS), which VMX reports as the guest-linear address of an I/O exit.
     */
    public long ioStringLinearAddress() {
        return cpu.ioStringLinear;
    }

    /** The decoded current instruction (read-only use: operand/address size, segment, ModRM). */
    public Instruction currentInstruction() {
        cpu.syncCompiledState();
        return cpu.in;
    }

    /**
     * The guest-linear address of the most recent translation: after an exit on a data access or
     * fetch (EPT violation / nested page fault) it is the faulting access's linear address.
     */
    public long faultingLinearAddress() {
        return mmu.lastLinear();
    }

    /** The guest-physical address of the most recent translation (including page-walk accesses). */
    public long faultingGuestPhysicalAddress() {
        return mmu.lastGuestPhysical();
    }
}
