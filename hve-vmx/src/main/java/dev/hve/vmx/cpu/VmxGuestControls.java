package dev.hve.vmx.cpu;

import dev.hve.emulator.X86Core;
import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.control.HypercallInstruction;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.ept.EptPointer;
import dev.hve.vmx.ept.EptWalker;
import dev.hve.vmx.ept.GuestPhysicalMappings;
import dev.hve.vmx.exit.ExitQualification;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.exit.InstructionInformation;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The VMX non-root behaviour of the modeled processor, as the core consults it: which events
 * cause VM exits under the current VMCS's execution controls (Intel SDM Vol. 3C §26.1,
 * "Instructions That Cause VM Exits"; §26.2, "Other Causes of VM Exits"), and EPT translation
 * (§29.3). When an event exits, the exit record is written here, at the moment the processor
 * recognizes it, with the guest state still at the instruction.
 */
public final class VmxGuestControls implements GuestControls {

    private static final VmcsField[] CR3_TARGETS = {VmcsField.CR3_TARGET_VALUE0, VmcsField.CR3_TARGET_VALUE1,
        VmcsField.CR3_TARGET_VALUE2, VmcsField.CR3_TARGET_VALUE3};
    private static final long DEBUG_QUALIFICATION = 0xF | (1L << 13) | (1L << 14) | (1L << 16);
    private static final int MSR_LOW_END = 0x1FFF;
    private static final int MSR_HIGH_BASE = 0xC000_0000;
    private static final int MSR_HIGH_END = 0xC000_1FFF;

    private final HostMemory memory;
    private final EptWalker ept;
    /** Successful EPT walks, kept across VM entries as a processor keeps guest-physical mappings. */
    private final GuestPhysicalMappings mappings = new GuestPhysicalMappings();
    private final ExitRecorder recorder = new ExitRecorder();
    private X86Core core;
    private CpuState state;
    private Vmcs vmcs;

    private boolean passArmed;
    private long passRip;
    private boolean undefinedOpcode;
    private boolean probing;
    /** The CR0/CR4 write now executing is the hypervisor's emulation of one that exited. */
    private boolean writeUnmasked;

    VmxGuestControls(HostMemory memory, EptWalker ept) {
        this.memory = memory;
        this.ept = ept;
    }

    void bind(X86Core core) {
        this.core = core;
        this.state = core.state();
    }

    /** Starts guest execution under {@code current}; no exit is recorded yet. */
    void enter(Vmcs current) {
        this.vmcs = current;
        this.undefinedOpcode = false;
        this.writeUnmasked = false;
        recorder.attach(current);
    }

    /** INVEPT for all contexts: drops the cached guest-physical mappings (SDM Vol. 3C §29.4.3.2). */
    void invalidateGuestPhysicalMappings() {
        mappings.invalidate();
    }

    /** While probing, translations that fail record nothing: the monitor's reads take no VM exit. */
    void probing(boolean enabled) {
        probing = enabled;
    }

    ExitRecorder recorder() {
        return recorder;
    }

    /**
     * Lets the instruction at {@code rip} run once without its intercept check: how the backend's
     * exit handler emulates an instruction the monitor did not ask to see (CPUID, XSETBV, an MSR
     * outside the bitmaps' ranges) by having the core execute it.
     */
    void passOnce(long rip) {
        passArmed = true;
        passRip = rip;
    }

    /** Drops a pass that the guest did not use. */
    void disarm() {
        passArmed = false;
    }

    private boolean passing() {
        if (passArmed && state.rip == passRip) {
            passArmed = false;
            return true;
        }
        return false;
    }

    /** True when the last stop was the processor raising #UD for an instruction a control disables. */
    boolean undefinedOpcodePending() {
        return undefinedOpcode;
    }

    void clearUndefinedOpcode() {
        undefinedOpcode = false;
    }

    private int primary() {
        return vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL);
    }

    private int secondary() {
        int primary = primary();
        return (primary & ProcessorControls.ACTIVATE_SECONDARY_CONTROLS) != 0
            ? vmcs.read32(VmcsField.SECONDARY_VM_EXEC_CONTROL) : 0;
    }

    private boolean exitIf(boolean condition, int reason, long qualification, int length) {
        if (!condition || passing()) {
            return false;
        }
        recorder.instruction(reason, qualification, length);
        return true;
    }

    // ---- I/O (§26.1.3; qualification Table 28-5; instruction information Table 28-8)

    @Override
    public boolean ioInstruction(int port, int size, boolean in, boolean string, boolean rep, boolean immediate,
                                 int addressSize, int segment, int length) {
        int primary = primary();
        boolean exits = (primary & ProcessorControls.USE_IO_BITMAPS) != 0
            ? ioBitmapHit(port, size)
            : (primary & ProcessorControls.UNCONDITIONAL_IO_EXITING) != 0;
        if (!exitIf(exits, ExitReason.IO_INSTRUCTION, ExitQualification.io(port, size, in, string, rep, immediate),
            length)) {
            return false;
        }
        if (string) {
            int addressCode = addressSize == 2 ? 0 : addressSize == 4 ? 1 : 2;
            int seg = in ? CpuState.ES : segment;
            // Bits 17:15 (segment) are undefined for INS; this model reports ES, the segment INS uses.
            vmcs.write(VmcsField.VMX_INSTRUCTION_INFO, (addressCode << 7) | (seg << 15));
            long offset = in ? state.gpr[7] : state.gpr[6];
            if (addressSize < 8) {
                offset &= addressSize == 2 ? 0xFFFFL : 0xFFFF_FFFFL;
            }
            boolean flatSegment = state.mode64() && seg != CpuState.FS && seg != CpuState.GS;
            long linear = (flatSegment ? 0 : state.segmentBase[seg]) + offset;
            vmcs.write(VmcsField.GUEST_LINEAR_ADDRESS, state.mode64() ? linear : linear & 0xFFFF_FFFFL);
        }
        return true;
    }

    /** Bitmap A covers ports 0000H-7FFFH, B 8000H-FFFFH; an access that wraps past FFFFH always exits. */
    private boolean ioBitmapHit(int port, int size) {
        if (port + size - 1 > 0xFFFF) {
            return true;
        }
        for (int p = port; p < port + size; p++) {
            long bitmap = vmcs.read(p < 0x8000 ? VmcsField.IO_BITMAP_A : VmcsField.IO_BITMAP_B);
            int bit = p & 0x7FFF;
            if ((memory.read8(bitmap + (bit >>> 3)) >>> (bit & 7) & 1) != 0) {
                return true;
            }
        }
        return false;
    }

    // ---- Unconditional and simply controlled instructions (§26.1.2, §26.1.3)

    @Override
    public boolean cpuid(int length) {
        return exitIf(true, ExitReason.CPUID, 0, length);
    }

    @Override
    public boolean hlt(int length) {
        return exitIf((primary() & ProcessorControls.HLT_EXITING) != 0, ExitReason.HLT, 0, length);
    }

    @Override
    public boolean invlpg(long linearAddress, int length) {
        return exitIf((primary() & ProcessorControls.INVLPG_EXITING) != 0, ExitReason.INVLPG, linearAddress, length);
    }

    @Override
    public boolean pause(int length) {
        return exitIf((primary() & ProcessorControls.PAUSE_EXITING) != 0, ExitReason.PAUSE_INSTRUCTION, 0, length);
    }

    @Override
    public boolean wbinvd(int length) {
        return exitIf((secondary() & SecondaryControls.WBINVD_EXITING) != 0, ExitReason.WBINVD, 0, length);
    }

    /**
     * §26.2: any task switch in VMX non-root operation causes a VM exit; the qualification (Table
     * 28-2) holds the new TSS selector in 15:0 and the source (CALL, IRET, JMP, IDT task gate) in 31:30.
     */
    @Override
    public boolean taskSwitch(int selector, int source, int length) {
        return exitIf(true, ExitReason.TASK_SWITCH, (selector & 0xFFFF) | ((long) (source & 3) << 30), length);
    }

    /**
     * §26.1.3: with "descriptor-table exiting", LGDT, LIDT, SGDT and SIDT exit with reason 46 and
     * LLDT, LTR, SLDT and STR with reason 47; the instruction information (Tables 28-10, 28-11)
     * describes the operand and the qualification holds a memory operand's displacement.
     */
    @Override
    public boolean descriptorTableAccess(int instruction, int length) {
        boolean ldtrOrTr = instruction >= DESCRIPTOR_SLDT;
        if (!exitIf((secondary() & SecondaryControls.DESCRIPTOR_TABLE_EXITING) != 0,
            ldtrOrTr ? ExitReason.LDTR_TR : ExitReason.GDTR_IDTR, 0, length)) {
            return false;
        }
        Instruction in = core.currentInstruction();
        vmcs.write(VmcsField.VMX_INSTRUCTION_INFO,
            InstructionInformation.descriptorTable(in, ldtrOrTr, instruction & 3) & 0xFFFF_FFFFL);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, InstructionInformation.qualification(in));
        return true;
    }

    @Override
    public boolean rdpmc(int length) {
        return exitIf((primary() & ProcessorControls.RDPMC_EXITING) != 0, ExitReason.RDPMC, 0, length);
    }

    @Override
    public boolean invd(int length) {
        return exitIf(true, ExitReason.INVD, 0, length);
    }

    @Override
    public boolean xsetbv(int length) {
        return exitIf(true, ExitReason.XSETBV, 0, length);
    }

    @Override
    public boolean hypercall(HypercallInstruction instruction, int length) {
        // VMCALL always exits in VMX non-root operation; VMMCALL is #UD on Intel processors.
        return instruction == HypercallInstruction.VMCALL && exitIf(true, ExitReason.VMCALL, 0, length);
    }

    @Override
    public boolean rdtsc(boolean rdtscp, int length) {
        boolean exiting = (primary() & ProcessorControls.RDTSC_EXITING) != 0;
        if (rdtscp) {
            if ((secondary() & SecondaryControls.ENABLE_RDTSCP) == 0) {
                return raiseUndefinedOpcode();
            }
            return exitIf(exiting, ExitReason.RDTSCP, 0, length);
        }
        return exitIf(exiting, ExitReason.RDTSC, 0, length);
    }

    @Override
    public boolean msr(boolean write, int length) {
        int msr = (int) state.gpr[1];
        boolean exits = (primary() & ProcessorControls.USE_MSR_BITMAPS) == 0 || msrBitmapHit(msr, write);
        return exitIf(exits, write ? ExitReason.MSR_WRITE : ExitReason.MSR_READ, 0, length);
    }

    /** §25.6.9: read-low at 0, read-high at 1024, write-low at 2048, write-high at 3072; MSRs outside both ranges exit. */
    private boolean msrBitmapHit(int msr, boolean write) {
        int offset;
        int bit;
        if (msr >= 0 && msr <= MSR_LOW_END) {
            offset = 0;
            bit = msr;
        } else if (Integer.compareUnsigned(msr, MSR_HIGH_BASE) >= 0 && Integer.compareUnsigned(msr, MSR_HIGH_END) <= 0) {
            offset = 1024;
            bit = msr - MSR_HIGH_BASE;
        } else {
            return true;
        }
        if (write) {
            offset += 2048;
        }
        long base = vmcs.read(VmcsField.MSR_BITMAP);
        return (memory.read8(base + offset + (bit >>> 3)) >>> (bit & 7) & 1) != 0;
    }

    @Override
    public boolean virtualizationInstruction(String mnemonic, int length) {
        int reason = switch (mnemonic) {
            case "VMCLEAR" -> ExitReason.VMCLEAR;
            case "VMLAUNCH" -> ExitReason.VMLAUNCH;
            case "VMPTRLD" -> ExitReason.VMPTRLD;
            case "VMPTRST" -> ExitReason.VMPTRST;
            case "VMREAD" -> ExitReason.VMREAD;
            case "VMRESUME" -> ExitReason.VMRESUME;
            case "VMWRITE" -> ExitReason.VMWRITE;
            case "VMXOFF" -> ExitReason.VMXOFF;
            case "VMXON" -> ExitReason.VMXON;
            case "INVEPT" -> ExitReason.INVEPT;
            case "INVVPID" -> ExitReason.INVVPID;
            case "GETSEC" -> ExitReason.GETSEC;
            default -> -1; // VMFUNC without VM functions enabled, and the SVM instructions: #UD
        };
        if (reason < 0 || !exitIf(true, reason, 0, length)) {
            return false;
        }
        Instruction in = core.currentInstruction();
        switch (reason) {
            case ExitReason.VMCLEAR, ExitReason.VMPTRLD, ExitReason.VMPTRST, ExitReason.VMXON -> {
                vmcs.write(VmcsField.VMX_INSTRUCTION_INFO, InstructionInformation.memoryOperand(in) & 0xFFFF_FFFFL);
                vmcs.write(VmcsField.EXIT_QUALIFICATION, InstructionInformation.qualification(in));
            }
            case ExitReason.VMREAD, ExitReason.VMWRITE -> {
                vmcs.write(VmcsField.VMX_INSTRUCTION_INFO, InstructionInformation.vmreadVmwrite(in) & 0xFFFF_FFFFL);
                vmcs.write(VmcsField.EXIT_QUALIFICATION, InstructionInformation.qualification(in));
            }
            default -> {
            }
        }
        return true;
    }

    // ---- Control and debug registers (§26.1.3; qualifications Tables 28-3 and 28-4)

    @Override
    public boolean controlRegisterAccess(int cr, boolean write, int gpr, long newValue, int length) {
        int primary = primary();
        writeUnmasked = false;
        if (write && (cr == 0 || cr == 4) && passing()) {
            writeUnmasked = true;
            return false;
        }
        if (gpr < 0) {
            return cltsOrLmsw(newValue, length);
        }
        boolean exits;
        switch (cr) {
            case 0, 4 -> {
                VmcsField mask = cr == 0 ? VmcsField.CR0_GUEST_HOST_MASK : VmcsField.CR4_GUEST_HOST_MASK;
                VmcsField shadow = cr == 0 ? VmcsField.CR0_READ_SHADOW : VmcsField.CR4_READ_SHADOW;
                exits = write && ((newValue ^ vmcs.read(shadow)) & vmcs.read(mask)) != 0;
            }
            case 3 -> exits = write
                ? (primary & ProcessorControls.CR3_LOAD_EXITING) != 0 && !cr3Target(newValue)
                : (primary & ProcessorControls.CR3_STORE_EXITING) != 0;
            case 8 -> exits = (primary & (write ? ProcessorControls.CR8_LOAD_EXITING : ProcessorControls.CR8_STORE_EXITING)) != 0;
            default -> exits = false;
        }
        int access = write ? ExitQualification.CR_MOV_TO : ExitQualification.CR_MOV_FROM;
        return exitIf(exits, ExitReason.CR_ACCESS, ExitQualification.crAccess(cr, access, gpr, false, 0), length);
    }

    /**
     * §26.3: MOV from CR0/CR4 and SMSW return, for each bit set in the guest/host mask, the bit of
     * the read shadow, and the guest's own bit otherwise.
     */
    @Override
    public long controlRegisterRead(int cr, long value) {
        long mask = vmcs.read(cr == 0 ? VmcsField.CR0_GUEST_HOST_MASK : VmcsField.CR4_GUEST_HOST_MASK);
        if (mask == 0) {
            return value;
        }
        long shadow = vmcs.read(cr == 0 ? VmcsField.CR0_READ_SHADOW : VmcsField.CR4_READ_SHADOW);
        return (value & ~mask) | (shadow & mask);
    }

    /**
     * §26.3: a MOV to CR0/CR4, CLTS or LMSW that does not exit leaves the bits set in the mask
     * unmodified (for CLTS: TS owned by the host with a clear shadow stays as it is). A write the
     * hypervisor lets through after an exit ({@link #passOnce}) is its emulation of the guest's
     * write: it loads the requested value with the bits VMX operation fixes to 1
     * (IA32_VMX_CR0/CR4_FIXED0; PE and PG are free for an unrestricted guest), as KVM does.
     */
    @Override
    public long controlRegisterWrite(int cr, long current, long requested) {
        if (writeUnmasked) {
            writeUnmasked = false;
            return requested | fixedOnes(cr);
        }
        long mask = vmcs.read(cr == 0 ? VmcsField.CR0_GUEST_HOST_MASK : VmcsField.CR4_GUEST_HOST_MASK);
        return (requested & ~mask) | (current & mask);
    }

    private long fixedOnes(int cr) {
        if (cr == 4) {
            return VmxCapabilities.CR4_FIXED0;
        }
        boolean unrestricted = (secondary() & SecondaryControls.UNRESTRICTED_GUEST) != 0;
        return VmxCapabilities.CR0_FIXED0 & (unrestricted ? ~(CpuState.CR0_PE | CpuState.CR0_PG) : -1L);
    }

    private boolean cr3Target(long value) {
        int count = vmcs.read32(VmcsField.CR3_TARGET_COUNT);
        for (int i = 0; i < count && i < CR3_TARGETS.length; i++) {
            if (vmcs.read(CR3_TARGETS[i]) == value) {
                return true;
            }
        }
        return false;
    }

    /** CLTS (0F 06) and LMSW (0F 01 /6) reach the same hook; the decoded instruction tells them apart. */
    private boolean cltsOrLmsw(long newValue, int length) {
        long mask = vmcs.read(VmcsField.CR0_GUEST_HOST_MASK);
        long shadow = vmcs.read(VmcsField.CR0_READ_SHADOW);
        Instruction instruction = core.currentInstruction();
        if (instruction.opcode == (Instruction.MAP_0F | 0x06)) {
            boolean exits = (mask & CpuState.CR0_TS) != 0 && (shadow & CpuState.CR0_TS) != 0;
            return exitIf(exits, ExitReason.CR_ACCESS,
                ExitQualification.crAccess(0, ExitQualification.CR_CLTS, 0, false, 0), length);
        }
        int source = (int) newValue & 0xFFFF;
        // LMSW exits if a masked bit among MP, EM, TS differs from the shadow, or if it would set a masked PE the shadow has clear.
        boolean exits = ((mask & 0xE) & (source ^ shadow)) != 0
            || ((mask & 1) != 0 && (shadow & 1) == 0 && (source & 1) != 0);
        return exitIf(exits, ExitReason.CR_ACCESS,
            ExitQualification.crAccess(0, ExitQualification.CR_LMSW, 0, instruction.isMemory(), source), length);
    }

    @Override
    public boolean debugRegisterAccess(int dr, boolean write, int gpr, int length) {
        return exitIf((primary() & ProcessorControls.MOV_DR_EXITING) != 0, ExitReason.DR_ACCESS,
            ExitQualification.drAccess(dr, !write, gpr), length);
    }

    // ---- Exceptions, triple fault, windows (§26.2)

    @Override
    public boolean exception(int vector, boolean hasErrorCode, int errorCode, long faultAddress) {
        if (!exceptionExits(vector, errorCode)) {
            return false;
        }
        // §28.2.1: for #PF the qualification is the linear address that caused the fault (CR2 is
        // not loaded). A #DB reaching this hook has no debug condition (INT1): no DR6 bits.
        recordException(vector, hasErrorCode, errorCode, vector == 14 ? faultAddress : 0);
        return true;
    }

    /**
     * §28.2.1, Table 28-1: a #DB that exits through the exception bitmap leaves DR6 unmodified;
     * the exit qualification carries the bits DR6 would have received (B3-B0, BD, BS).
     */
    @Override
    public boolean debugException(long dr6Bits) {
        if (!exceptionExits(1, 0)) {
            return false;
        }
        recordException(1, false, 0, dr6Bits & DEBUG_QUALIFICATION);
        return true;
    }

    private void recordException(int vector, boolean hasErrorCode, int errorCode, long qualification) {
        // §28.2.2: bit 11 says whether delivery would push an error code; in real-address mode none is pushed.
        hasErrorCode &= state.protectedMode();
        int type = InterruptionInfo.TYPE_HARDWARE_EXCEPTION;
        int length = 0;
        int opcode = core.currentInstruction().opcode;
        if ((vector == 3 && opcode == 0xCC) || (vector == 4 && opcode == 0xCE)) {
            // INT3 and INTO raise software exceptions; the exit reports their length (§28.2.2, §28.2.4).
            type = InterruptionInfo.TYPE_SOFTWARE_EXCEPTION;
            length = core.instructionLength();
        } else if (vector == 1 && opcode == 0xF1) {
            type = InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION;
            length = core.instructionLength();
        } else if (vector == 2) {
            type = InterruptionInfo.TYPE_NMI;
        }
        int info = InterruptionInfo.encode(vector, type, hasErrorCode);
        if (vector != 8 && iretUnblockingNmis(ACCESS_READ)) {
            info |= InterruptionInfo.NMI_UNBLOCKING_DUE_TO_IRET;
        }
        recorder.begin(ExitReason.EXCEPTION_NMI);
        vmcs.write(VmcsField.VM_EXIT_INTR_INFO, info & 0xFFFF_FFFFL);
        vmcs.write(VmcsField.VM_EXIT_INTR_ERROR_CODE, hasErrorCode ? errorCode & 0xFFFF_FFFFL : 0);
        vmcs.write(VmcsField.VM_EXIT_INSTRUCTION_LEN, length);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, qualification);
    }

    /** §26.2, "Other Causes of VM Exits": the exception bitmap, with the #PF error-code mask/match rule. */
    private boolean exceptionExits(int vector, int errorCode) {
        int bitmap = vmcs.read32(VmcsField.EXCEPTION_BITMAP);
        boolean bit = (bitmap >>> vector & 1) != 0;
        if (vector != 14) {
            return bit;
        }
        int mask = vmcs.read32(VmcsField.PAGE_FAULT_ERROR_CODE_MASK);
        int match = vmcs.read32(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH);
        return ((errorCode & mask) == match) == bit;
    }

    /** The processor raises #UD itself (RDTSCP with "enable RDTSCP" clear); the #UD then meets the exception bitmap. */
    private boolean raiseUndefinedOpcode() {
        undefinedOpcode = true;
        return true;
    }

    @Override
    public void shutdown() {
        // A triple fault always causes a VM exit (§26.2).
        recorder.begin(ExitReason.TRIPLE_FAULT);
    }

    @Override
    public boolean instructionBoundary(boolean interruptible) {
        return windowExit(interruptible);
    }

    /**
     * §26.7.5/§26.7.6: an NMI-window exit when there is no virtual-NMI blocking and no MOV-SS/STI
     * blocking; an interrupt-window exit when RFLAGS.IF = 1 and there is no STI/MOV-SS blocking.
     */
    boolean windowExit(boolean interruptible) {
        int primary = primary();
        if ((primary & ProcessorControls.NMI_WINDOW_EXITING) != 0 && !state.nmiBlocked && !state.interruptShadow) {
            recorder.begin(ExitReason.NMI_WINDOW);
            return true;
        }
        if ((primary & ProcessorControls.INTERRUPT_WINDOW_EXITING) != 0 && interruptible) {
            recorder.begin(ExitReason.INTERRUPT_WINDOW);
            return true;
        }
        return false;
    }

    boolean watchesWindows() {
        return (primary() & (ProcessorControls.NMI_WINDOW_EXITING | ProcessorControls.INTERRUPT_WINDOW_EXITING)) != 0;
    }

    @Override
    public long tscOffset() {
        return (primary() & ProcessorControls.USE_TSC_OFFSETTING) != 0 ? vmcs.read(VmcsField.TSC_OFFSET) : 0;
    }

    // ---- EPT (§29.3.3; qualification Table 28-7)

    @Override
    public long translateGuestPhysical(long guestPhysical, int access, long linearAddress) {
        if ((secondary() & SecondaryControls.ENABLE_EPT) == 0) {
            return guestPhysical;
        }
        long eptp = vmcs.read(VmcsField.EPT_POINTER);
        int kind = access & (ACCESS_READ | ACCESS_WRITE | ACCESS_EXECUTE);
        // §29.3.4: with A/D flags enabled, accesses to guest paging structures are treated as writes.
        if ((access & ACCESS_PAGE_WALK) != 0 && EptPointer.accessedDirtyEnabled(eptp)) {
            kind |= ACCESS_WRITE;
        }
        long cached = mappings.lookup(eptp, guestPhysical, kind);
        if (cached >= 0) {
            return cached;
        }
        long hpa = ept.translate(eptp, guestPhysical, kind);
        boolean quiet = probing || (access & ACCESS_PEEK) != 0;
        if (hpa >= 0) {
            // The monitor's own reads (peeks, probes) fill too: a processor may create a
            // guest-physical mapping from the current EPT paging structures for any translation
            // they permit (§29.4.2), and the walk has set the accessed flags a later hit skips.
            mappings.fill(eptp, guestPhysical, kind, hpa);
        }
        if (hpa >= 0 || quiet) {
            return hpa >= 0 ? hpa : -1;
        }
        if (hpa == EptWalker.MISCONFIGURATION) {
            recorder.begin(ExitReason.EPT_MISCONFIG);
            vmcs.write(VmcsField.GUEST_PHYSICAL_ADDRESS, guestPhysical);
        } else {
            long qualification = kind | (ept.lastPermissions() << 3);
            if ((access & ACCESS_LINEAR_VALID) != 0) {
                qualification |= ExitQualification.EPT_LINEAR_VALID;
                if ((access & ACCESS_PAGE_WALK) == 0) {
                    qualification |= ExitQualification.EPT_FINAL_TRANSLATION;
                }
            }
            if (iretUnblockingNmis(access)) {
                qualification |= ExitQualification.EPT_NMI_UNBLOCKING;
            }
            recorder.begin(ExitReason.EPT_VIOLATION);
            vmcs.write(VmcsField.EXIT_QUALIFICATION, qualification);
            vmcs.write(VmcsField.GUEST_PHYSICAL_ADDRESS, guestPhysical);
            if ((access & ACCESS_LINEAR_VALID) != 0) {
                vmcs.write(VmcsField.GUEST_LINEAR_ADDRESS, linearAddress);
            }
        }
        return -1;
    }

    /**
     * Bit 12 of the EPT-violation qualification and of the VM-exit interruption information
     * (§28.2.3, "Information About NMI Unblocking Due to IRET"): with virtual NMIs, a fault or EPT
     * violation met by an IRET that would have ended (virtual-)NMI blocking. The IRET did not
     * complete, so the saved interruptibility state still shows the blocking.
     */
    private boolean iretUnblockingNmis(int access) {
        return (access & ACCESS_EXECUTE) == 0 && !core.exitDuringEventDelivery()
            && (vmcs.read32(VmcsField.PIN_BASED_VM_EXEC_CONTROL) & PinBasedControls.VIRTUAL_NMIS) != 0
            && state.nmiBlocked && core.currentInstruction().opcode == 0xCF;
    }

    /** Whether pin-based external-interrupt exiting is on (used by the processor for host interrupts). */
    boolean externalInterruptExiting() {
        return (vmcs.read32(VmcsField.PIN_BASED_VM_EXEC_CONTROL) & PinBasedControls.EXTERNAL_INTERRUPT_EXITING) != 0;
    }
}
