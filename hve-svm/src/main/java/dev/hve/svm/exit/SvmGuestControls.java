package dev.hve.svm.exit;

import dev.hve.emulator.cpu.EventType;
import dev.hve.emulator.X86Core;
import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.intercept.Iopm;
import dev.hve.svm.intercept.Msrpm;
import dev.hve.svm.npt.NestedTlb;
import dev.hve.svm.npt.NpfErrorCode;
import dev.hve.svm.npt.NptWalker;
import dev.hve.svm.vmcb.CleanBits;
import dev.hve.svm.vmcb.VintrControl;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;

/**
 * The SVM side of the core's {@link GuestControls}: at each sensitive event it decides, from the
 * VMCB's intercept vectors, IOPM and MSRPM, whether the guest leaves guest mode, and if so writes
 * the #VMEXIT record (EXITCODE, EXITINFO1/2, EXITINTINFO, nRIP and decode-assist bytes) into the
 * VMCB as the processor does (AMD APM Vol. 2, §15.6-§15.13 and Appendix C). Guest-physical
 * accesses go through the nested page tables rooted at N_CR3.
 *
 * <p>The control fields are read from the VMCB at VMRUN ({@link #loadControls}), as the
 * processor caches them for the duration of guest execution; an area the VMCB clean bits declare
 * unchanged keeps its cached copy from the VMRUN before.
 */
public final class SvmGuestControls implements GuestControls {

    /** Decode assists: MOV CRx exits set bit 63 of EXITINFO1 and the GPR number in bits 3:0. */
    static final long CR_MOV = 1L << 63;
    private static final long CR0_TS_MP = CpuState.CR0_TS | CpuState.CR0_MP;
    private final Vmcb vmcb;
    private final HostMemory memory;
    private final NptWalker walker;
    private final NestedTlb nestedTlb = new NestedTlb();
    private final HostFeatures features;
    private final ExitRecorder recorder;
    private X86Core core;

    // Control state cached at VMRUN.
    private int interceptCr;
    private int interceptDr;
    private int interceptExceptions;
    private int vector3;
    private int vector4;
    private long iopmBase;
    private long msrpmBase;
    private long tscOffset;
    private boolean npEnable;
    private long nCr3;
    private long vintr;
    /** PAUSE_FILTER_COUNT as loaded; {@link #pauseFilterCount} counts down from it during a run. */
    private int pauseFilterLoaded;
    private int pauseFilterCount;

    /** The RIP of an instruction the hypervisor lets through once without an intercept, or -1. */
    private long bypassRip = -1;

    public SvmGuestControls(Vmcb vmcb, HostMemory memory, HostFeatures features) {
        this.vmcb = vmcb;
        this.memory = memory;
        this.features = features;
        this.walker = new NptWalker(memory, features.maxPhysicalAddressBits());
        this.recorder = new ExitRecorder(vmcb, features);
    }

    /** Connects the core these controls serve (it is built after them). */
    public void attach(X86Core core) {
        this.core = core;
        recorder.attach(core);
    }

    /** VMRUN: caches the control-area fields guest execution consults, reading every one. */
    public void loadControls() {
        loadControls(0);
    }

    /**
     * VMRUN: caches the control-area fields guest execution consults. An area whose bit is set
     * in {@code clean} (see {@link CleanBits}) keeps the copy cached at the previous VMRUN
     * (APM Vol. 2 §15.15.3); the caller passes 0 when the clean bits may not be honoured.
     */
    public void loadControls(int clean) {
        if ((clean & CleanBits.I) == 0) {
            interceptCr = vmcb.read32(VmcbLayout.INTERCEPT_CR);
            interceptDr = vmcb.read32(VmcbLayout.INTERCEPT_DR);
            interceptExceptions = vmcb.read32(VmcbLayout.INTERCEPT_EXCEPTIONS);
            vector3 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3);
            vector4 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4);
            tscOffset = vmcb.read64(VmcbLayout.TSC_OFFSET);
            pauseFilterLoaded = features.pauseFilter() ? vmcb.read16(VmcbLayout.PAUSE_FILTER_COUNT) : 0;
        }
        if ((clean & CleanBits.IOPM) == 0) {
            iopmBase = vmcb.read64(VmcbLayout.IOPM_BASE_PA) & ~0xFFFL;
            msrpmBase = vmcb.read64(VmcbLayout.MSRPM_BASE_PA) & ~0xFFFL;
        }
        if ((clean & CleanBits.NP) == 0) {
            npEnable = (vmcb.read64(VmcbLayout.NP_ENABLE) & 1) != 0;
            nCr3 = vmcb.read64(VmcbLayout.N_CR3);
        }
        if ((clean & CleanBits.TPR) == 0) {
            vintr = vmcb.read64(VmcbLayout.VINTR_CONTROL);
        }
        // The pause filter's counter starts from the count field at every VMRUN (§15.14.4); a
        // clean I area only means that field is the cached one.
        pauseFilterCount = pauseFilterLoaded;
        recorder.reset();
    }

    /**
     * Drops the cached nested translations ({@link NestedTlb}): with the core's TLB, on a
     * TLB_CONTROL flush, a new N_CR3, or paging state the hypervisor changed between runs.
     */
    public void flushNestedTlb() {
        nestedTlb.flush();
    }

    /**
     * #VMEXIT: the parts of the record written once guest execution has stopped (the
     * decode-assist bytes, see {@link ExitRecorder#requestInstructionBytes}).
     */
    public void completeExitRecord() {
        recorder.complete();
    }

    /** True once a hook has recorded a #VMEXIT during the current VMRUN. */
    public boolean exited() {
        return recorder.exited();
    }

    /**
     * Lets the instruction at {@code rip} execute once without its intercept: how the backend,
     * playing the hypervisor, carries out an intercepted instruction the monitor did not ask to
     * see. Cleared by the next intercept check at any RIP.
     */
    public void bypassOnce(long rip) {
        bypassRip = rip;
    }

    public void clearBypass() {
        bypassRip = -1;
    }

    // ---- Exits without an instruction ----

    /** A physical interrupt (the budget's end): #VMEXIT(INTR) if intercepted. */
    public boolean physicalInterrupt() {
        if (!intercepted3(InterceptBits.INTR)) {
            return false;
        }
        recorder.record(SvmExitCode.VMEXIT_INTR, 0, 0, 0);
        return true;
    }

    /**
     * A physical SMI, INIT, NMI or INTR while the guest runs: #VMEXIT with that EXITCODE if its
     * intercept is set (§15.13). EXITINFO1 and EXITINFO2 are 0 (for SMI: not an I/O SMI).
     *
     * @return true when guest mode was left
     */
    public boolean hostEvent(HostEvent event) {
        if (!intercepted3(event.interceptBit())) {
            return false;
        }
        recorder.record(event.exitCode(), 0, 0, 0);
        return true;
    }

    /**
     * A pending virtual interrupt (V_IRQ) is taken when the guest is interruptible and its
     * priority beats V_TPR, unless V_IGN_TPR (§15.21.4). With the VINTR intercept that is
     * #VMEXIT(VINTR) instead (§15.21.1), which is how a hypervisor waits for an interrupt window;
     * without it the processor delivers V_INTR_VECTOR through the guest's IDT and clears V_IRQ.
     *
     * @return true when guest mode was left
     */
    public boolean virtualInterrupt(boolean interruptible) {
        if ((vintr & VintrControl.V_IRQ) == 0 || !interruptible) {
            return false;
        }
        if ((vintr & VintrControl.V_IGN_TPR) == 0) {
            int priority = (int) ((vintr & VintrControl.V_INTR_PRIO_MASK) >>> VintrControl.V_INTR_PRIO_SHIFT);
            if (priority <= (core.state().cr8 & 0xF)) {
                return false;
            }
        }
        if (intercepted3(InterceptBits.VINTR)) {
            recorder.record(SvmExitCode.VMEXIT_VINTR, 0, 0, 0);
            return true;
        }
        vintr &= ~VintrControl.V_IRQ;
        vmcb.write64(VmcbLayout.VINTR_CONTROL, vmcb.read64(VmcbLayout.VINTR_CONTROL) & ~VintrControl.V_IRQ);
        core.watchBoundaries(false);
        int vector = (int) ((vintr & VintrControl.V_INTR_VECTOR_MASK) >>> VintrControl.V_INTR_VECTOR_SHIFT);
        return !core.deliverEvent(EventType.EXTERNAL_INTERRUPT, vector, false, 0, 0);
    }

    /** Whether the core must report instruction boundaries: a virtual interrupt is pending. */
    public boolean watchesBoundaries() {
        return (vintr & VintrControl.V_IRQ) != 0;
    }

    // ---- GuestControls ----

    @Override
    public long translateGuestPhysical(long guestPhysical, int access, long linearAddress) {
        if (!npEnable) {
            return guestPhysical;
        }
        int kind = (access & ACCESS_EXECUTE) != 0 ? NptWalker.FETCH
            : (access & ACCESS_WRITE) != 0 ? NptWalker.WRITE : NptWalker.READ;
        long cached = nestedTlb.lookup(nCr3, guestPhysical, kind);
        if (cached >= 0) {
            return cached;
        }
        boolean peek = (access & ACCESS_PEEK) != 0;
        long result = walker.walk(nCr3, guestPhysical, kind, !peek);
        if (result >= 0) {
            // A peek sets no accessed or dirty bit, so only a real access may fill the TLB.
            if (!peek) {
                nestedTlb.fill(nCr3, guestPhysical, kind, result);
            }
            return result;
        }
        if (peek) {
            // The monitor (or decode assists) inspecting memory: no exit is taken.
            return -1;
        }
        long errorCode = ~result
            | ((access & ACCESS_PAGE_WALK) != 0 ? NpfErrorCode.PAGE_TABLE_WALK : NpfErrorCode.FINAL_TRANSLATION);
        recorder.record(SvmExitCode.VMEXIT_NPF, errorCode, guestPhysical, 0);
        // A fault on the fetch itself leaves nothing to report (§15.33: zero bytes fetched).
        if (kind != NptWalker.FETCH) {
            recorder.requestInstructionBytes();
        }
        return -1;
    }

    @Override
    public boolean ioInstruction(int port, int size, boolean in, boolean string, boolean rep, boolean immediate,
                                 int addressSize, int segment, int length) {
        if (!intercepted3(InterceptBits.IOIO_PROT) || bypassed() || !Iopm.intercepted(memory, iopmBase, port, size)) {
            return false;
        }
        long nextRip = nextRip(length);
        recorder.record(SvmExitCode.VMEXIT_IOIO, IoioExitInfo.encode(port, size, in, string, rep, addressSize, segment),
            nextRip, nextRip);
        return true;
    }

    @Override
    public boolean cpuid(int length) {
        return instruction(intercepted3(InterceptBits.CPUID), SvmExitCode.VMEXIT_CPUID, 0, length);
    }

    @Override
    public boolean hlt(int length) {
        return instruction(intercepted3(InterceptBits.HLT), SvmExitCode.VMEXIT_HLT, 0, length);
    }

    @Override
    public boolean msr(boolean write, int length) {
        if (!intercepted3(InterceptBits.MSR_PROT)) {
            return false;
        }
        int msr = (int) core.state().gpr[1];
        // §15.11: EXITINFO1 is 0 for RDMSR and 1 for WRMSR.
        return instruction(Msrpm.intercepted(memory, msrpmBase, msr, write), SvmExitCode.VMEXIT_MSR,
            write ? 1 : 0, length);
    }

    @Override
    public boolean hypercall(HypercallInstruction instruction, int length) {
        // VMCALL is Intel's; on an AMD processor it raises #UD (return false).
        return instruction == HypercallInstruction.VMMCALL
            && instruction(intercepted4(InterceptBits.VMMCALL), SvmExitCode.VMEXIT_VMMCALL, 0, length);
    }

    @Override
    public boolean rdtsc(boolean rdtscp, int length) {
        if (rdtscp) {
            return instruction(intercepted4(InterceptBits.RDTSCP), SvmExitCode.VMEXIT_RDTSCP, 0, length);
        }
        return instruction(intercepted3(InterceptBits.RDTSC), SvmExitCode.VMEXIT_RDTSC, 0, length);
    }

    @Override
    public boolean rdpmc(int length) {
        return instruction(intercepted3(InterceptBits.RDPMC), SvmExitCode.VMEXIT_RDPMC, 0, length);
    }

    @Override
    public boolean invlpg(long linearAddress, int length) {
        // Decode assist: EXITINFO1 holds the linear address operand (§15.33).
        return instruction(intercepted3(InterceptBits.INVLPG), SvmExitCode.VMEXIT_INVLPG,
            features.decodeAssists() ? linearAddress : 0, length);
    }

    @Override
    public boolean pause(int length) {
        if (!intercepted3(InterceptBits.PAUSE)) {
            return false;
        }
        // Pause filter (§15.14.4): with a nonzero count, only the count-th PAUSE exits.
        if (pauseFilterCount > 0 && --pauseFilterCount > 0) {
            return false;
        }
        return instruction(true, SvmExitCode.VMEXIT_PAUSE, 0, length);
    }

    @Override
    public boolean controlRegisterAccess(int cr, boolean write, int gpr, long newValue, int length) {
        long info = gpr >= 0 && features.decodeAssists() ? CR_MOV | gpr : 0;
        if (!write) {
            return instruction((interceptCr >>> cr & 1) != 0, SvmExitCode.crRead(cr), info, length);
        }
        if ((interceptCr >>> (16 + cr) & 1) != 0) {
            return instruction(true, SvmExitCode.crWrite(cr), info, length);
        }
        // The selective CR0 write intercept ignores changes confined to CR0.TS and CR0.MP (§15.9.1).
        boolean selective = cr == 0 && intercepted3(InterceptBits.CR0_SELECTIVE_WRITE)
            && ((newValue ^ core.state().cr0) & ~CR0_TS_MP) != 0;
        return instruction(selective, SvmExitCode.VMEXIT_CR0_SEL_WRITE, info, length);
    }

    @Override
    public boolean debugRegisterAccess(int dr, boolean write, int gpr, int length) {
        boolean intercepted = (interceptDr >>> (write ? 16 + dr : dr) & 1) != 0;
        long info = features.decodeAssists() ? gpr & 0xF : 0;
        return instruction(intercepted, write ? SvmExitCode.drWrite(dr) : SvmExitCode.drRead(dr), info, length);
    }

    @Override
    public boolean wbinvd(int length) {
        return instruction(intercepted4(InterceptBits.WBINVD), SvmExitCode.VMEXIT_WBINVD, 0, length);
    }

    @Override
    public boolean invd(int length) {
        return instruction(intercepted3(InterceptBits.INVD), SvmExitCode.VMEXIT_INVD, 0, length);
    }

    @Override
    public boolean xsetbv(int length) {
        return instruction(intercepted4(InterceptBits.XSETBV), SvmExitCode.VMEXIT_XSETBV, 0, length);
    }

    @Override
    public boolean virtualizationInstruction(String mnemonic, int length) {
        switch (mnemonic) {
            case "VMRUN":
                return instruction(intercepted4(InterceptBits.VMRUN), SvmExitCode.VMEXIT_VMRUN, 0, length);
            case "VMLOAD":
                return instruction(intercepted4(InterceptBits.VMLOAD), SvmExitCode.VMEXIT_VMLOAD, 0, length);
            case "VMSAVE":
                return instruction(intercepted4(InterceptBits.VMSAVE), SvmExitCode.VMEXIT_VMSAVE, 0, length);
            case "STGI":
                return instruction(intercepted4(InterceptBits.STGI), SvmExitCode.VMEXIT_STGI, 0, length);
            case "CLGI":
                return instruction(intercepted4(InterceptBits.CLGI), SvmExitCode.VMEXIT_CLGI, 0, length);
            case "SKINIT":
                return instruction(intercepted4(InterceptBits.SKINIT), SvmExitCode.VMEXIT_SKINIT, 0, length);
            case "INVLPGA":
                return instruction(intercepted3(InterceptBits.INVLPGA), SvmExitCode.VMEXIT_INVLPGA, 0, length);
            default:
                // Intel's VMX instructions do not exist on this processor: #UD.
                return false;
        }
    }

    @Override
    public boolean softwareInterrupt(int vector, int length) {
        // Decode assist: EXITINFO1 holds the INTn's vector (§15.33).
        return instruction(intercepted3(InterceptBits.INTN), SvmExitCode.VMEXIT_SWINT,
            features.decodeAssists() ? vector & 0xFF : 0, length);
    }

    @Override
    public boolean icebp(int length) {
        return instruction(intercepted4(InterceptBits.ICEBP), SvmExitCode.VMEXIT_ICEBP, 0, length);
    }

    @Override
    public boolean pushf(int length) {
        return instruction(intercepted3(InterceptBits.PUSHF), SvmExitCode.VMEXIT_PUSHF, 0, length);
    }

    @Override
    public boolean popf(int length) {
        return instruction(intercepted3(InterceptBits.POPF), SvmExitCode.VMEXIT_POPF, 0, length);
    }

    @Override
    public boolean rsm(int length) {
        return instruction(intercepted3(InterceptBits.RSM), SvmExitCode.VMEXIT_RSM, 0, length);
    }

    @Override
    public boolean monitor(int length) {
        return instruction(intercepted4(InterceptBits.MONITOR), SvmExitCode.VMEXIT_MONITOR, 0, length);
    }

    /**
     * MWAIT exits with the unconditional intercept; the conditional one (bit 12, exit 0x8C) only
     * when the monitor hardware is armed (§15.9.2), which it never is here: the core does not
     * carry out MONITOR.
     */
    @Override
    public boolean mwait(int length) {
        return instruction(intercepted4(InterceptBits.MWAIT), SvmExitCode.VMEXIT_MWAIT, 0, length);
    }

    /**
     * The eight descriptor-table intercepts, IDTR/GDTR/LDTR/TR reads (0x66-0x69) and writes
     * (0x6A-0x6D) (§15.9, Table B-1 bits 6-13); no decode assist, EXITINFO1 is 0.
     */
    @Override
    public boolean descriptorTableAccess(int instruction, int length) {
        // The core numbers SGDT, SIDT, LGDT, LIDT, SLDT, STR, LLDT, LTR 0-7 (bit 1: a load, bit 2:
        // the LDTR/TR group); SVM orders the tables IDTR, GDTR, LDTR, TR.
        boolean write = (instruction & 2) != 0;
        int index = (instruction & 4) == 0 ? 1 - (instruction & 1) : 2 + (instruction & 1);
        int bit = (write ? InterceptBits.IDTR_WRITE : InterceptBits.IDTR_READ) + index;
        long exitCode = (write ? SvmExitCode.VMEXIT_IDTR_WRITE : SvmExitCode.VMEXIT_IDTR_READ) + index;
        return instruction(intercepted3(bit), exitCode, 0, length);
    }

    @Override
    public boolean iret(int length) {
        return instruction(intercepted3(InterceptBits.IRET), SvmExitCode.VMEXIT_IRET, 0, length);
    }

    @Override
    public boolean exception(int vector, boolean hasErrorCode, int errorCode, long faultAddress) {
        if ((interceptExceptions >>> vector & 1) == 0) {
            return false;
        }
        // §15.12: EXITINFO1 is the error code of exceptions that push one; for #PF, EXITINFO2 is the
        // faulting address (CR2 is not written).
        recorder.record(SvmExitCode.exception(vector), hasErrorCode ? errorCode & 0xFFFF_FFFFL : 0,
            vector == 14 ? faultAddress : 0, instructionCaused(vector) ? nextRip(core.instructionLength()) : 0);
        if (vector == 14) {
            recorder.requestInstructionBytes();
        }
        return true;
    }

    /**
     * §15.7.1: nRIP is saved for the exceptions INT3, INTO and BOUND raise, the instructions whose
     * exception is their purpose; every other exception intercept leaves it zero.
     */
    private boolean instructionCaused(int vector) {
        int opcode = core.currentInstruction().opcode;
        return (vector == 3 && opcode == 0xCC) || (vector == 4 && opcode == 0xCE) || (vector == 5 && opcode == 0x62);
    }

    @Override
    public void shutdown() {
        if (intercepted3(InterceptBits.SHUTDOWN)) {
            recorder.record(SvmExitCode.VMEXIT_SHUTDOWN, 0, 0, 0);
        }
    }

    @Override
    public boolean instructionBoundary(boolean interruptible) {
        return virtualInterrupt(interruptible);
    }

    @Override
    public long tscOffset() {
        return tscOffset;
    }

    // ---- Intercept decisions ----

    private boolean intercepted3(int bit) {
        return (vector3 >>> bit & 1) != 0;
    }

    private boolean intercepted4(int bit) {
        return (vector4 >>> bit & 1) != 0;
    }

    private boolean bypassed() {
        if (bypassRip < 0) {
            return false;
        }
        boolean here = bypassRip == core.state().rip;
        bypassRip = -1;
        return here;
    }

    /** An instruction intercept: records {@code exitCode} with nRIP = the next instruction. */
    private boolean instruction(boolean intercepted, long exitCode, long exitInfo1, int length) {
        if (!intercepted || bypassed()) {
            return false;
        }
        recorder.record(exitCode, exitInfo1, 0, nextRip(length));
        return true;
    }

    /** The instruction's successor, wrapping at the code size as IP/EIP do outside 64-bit mode. */
    private long nextRip(int length) {
        CpuState state = core.state();
        long next = state.rip + length;
        if (state.mode64()) {
            return next;
        }
        return next & (state.codeSize() == 2 ? 0xFFFFL : 0xFFFF_FFFFL);
    }
}
