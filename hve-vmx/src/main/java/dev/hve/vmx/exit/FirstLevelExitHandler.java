package dev.hve.vmx.exit;

import dev.hve.api.InterceptConfig;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.vmx.vmcs.GuestSegmentFields;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;
import dev.hve.vmx.vmcs.VmInstructionError;

/**
 * The vendor-specific first step after a VM exit: reads back the record the processor wrote into
 * the VMCS (exit reason, exit qualification, instruction length and information, interruption
 * information, guest-physical address) and the saved registers, and turns it into the common exit
 * monitor code sees. Exits the monitor did not ask for stay in the backend; {@link #internalAction}
 * says how the backend disposes of them.
 */
public final class FirstLevelExitHandler {

    /** What the backend does itself with an exit that does not reach the monitor. */
    public enum Internal {
        /** The exit goes to the monitor. */
        NONE,
        /** Re-enter and let the instruction run once without its exit check. */
        PASS_THROUGH,
        /** Re-enter with #UD injected: to the guest, VMX is off (CR4.VMXE reads 0). */
        RAISE_UD,
        /** Re-enter after moving the written host-owned CR0/CR4 bits into the read shadow. */
        UPDATE_READ_SHADOW,
        /** Re-enter: the exit was the backend's own (a preemption-timer slice of a longer budget). */
        RESUME
    }

    private static final VmExit.Hlt HLT = new VmExit.Hlt();
    private static final VmExit.Hypercall HYPERCALL = new VmExit.Hypercall();
    private static final VmExit.Preempted PREEMPTED = new VmExit.Preempted();
    private static final VmExit.InterruptWindow INTERRUPT_WINDOW = new VmExit.InterruptWindow();
    private static final SegmentRegister[] SEGMENTS = SegmentRegister.values();
    private static final byte[] NO_BYTES = new byte[0];

    private FirstLevelExitHandler() {
    }

    /**
     * How the backend handles the exit recorded in {@code vmcs} itself.
     *
     * @param budgetLeft whether the run's instruction budget still has room (a timer slice ended)
     */
    public static Internal internalAction(Vmcs vmcs, long[] gpr, InterceptConfig config, boolean budgetLeft) {
        int reasonField = vmcs.read32(VmcsField.VM_EXIT_REASON);
        if ((reasonField & ExitReason.VM_ENTRY_FAILURE) != 0) {
            return Internal.NONE;
        }
        switch (ExitReason.basic(reasonField)) {
            case ExitReason.IO_INSTRUCTION:
                // An access that wraps past FFFFH exits whatever the bitmaps say (§26.1.3); the
                // monitor sees it only if it asked for one of the ports touched.
                return touchesInterceptedPort(vmcs.read(VmcsField.EXIT_QUALIFICATION), config)
                    ? Internal.NONE : Internal.PASS_THROUGH;
            case ExitReason.CPUID:
                return config.cpuid() ? Internal.NONE : Internal.PASS_THROUGH;
            case ExitReason.MSR_READ:
            case ExitReason.MSR_WRITE:
                // MSRs outside the bitmaps' ranges always exit; the monitor sees only those it listed.
                return config.interceptsMsr((int) gpr[1]) ? Internal.NONE : Internal.PASS_THROUGH;
            case ExitReason.RDTSC:
            case ExitReason.RDTSCP:
            case ExitReason.INVLPG:
            case ExitReason.PAUSE_INSTRUCTION:
            case ExitReason.WBINVD:
            case ExitReason.XSETBV:
            case ExitReason.INVD:
            case ExitReason.DR_ACCESS:
            case ExitReason.RDPMC:
            case ExitReason.TASK_SWITCH:
            case ExitReason.GDTR_IDTR:
            case ExitReason.LDTR_TR:
                // The common API has no exit kind for these; the hypervisor carries them out.
                return Internal.PASS_THROUGH;
            case ExitReason.CR_ACCESS:
                return Internal.UPDATE_READ_SHADOW;
            case ExitReason.VMCLEAR:
            case ExitReason.VMLAUNCH:
            case ExitReason.VMPTRLD:
            case ExitReason.VMPTRST:
            case ExitReason.VMREAD:
            case ExitReason.VMRESUME:
            case ExitReason.VMWRITE:
            case ExitReason.VMXOFF:
            case ExitReason.VMXON:
            case ExitReason.INVEPT:
            case ExitReason.INVVPID:
            case ExitReason.GETSEC:
                return Internal.RAISE_UD;
            case ExitReason.PREEMPTION_TIMER:
                return budgetLeft ? Internal.RESUME : Internal.NONE;
            case ExitReason.NMI_WINDOW:
                return Internal.RESUME;
            case ExitReason.EXCEPTION_NMI:
                // A host NMI (NMI exiting) belongs to the host; an exception goes to the monitor.
                return InterruptionInfo.type(vmcs.read32(VmcsField.VM_EXIT_INTR_INFO)) == InterruptionInfo.TYPE_NMI
                    ? Internal.RESUME : Internal.NONE;
            default:
                return Internal.NONE;
        }
    }

    private static boolean touchesInterceptedPort(long qualification, InterceptConfig config) {
        int port = ExitQualification.ioPort(qualification);
        for (int i = 0; i < ExitQualification.ioSize(qualification); i++) {
            if (config.interceptsPort((port + i) & 0xFFFF)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The common exit for the record in {@code vmcs}, which {@link #internalAction} left to the monitor.
     *
     * @param gpr          the software save area (RAX..R15; RSP is in the VMCS)
     * @param entryFailure the failed VM-entry check, when the exit is a VM-entry failure
     * @param ram          tells RAM from MMIO for EPT violations
     */
    public static VmExit commonExit(Vmcs vmcs, long[] gpr, java.util.function.LongPredicate ram, String entryFailure) {
        int reasonField = vmcs.read32(VmcsField.VM_EXIT_REASON);
        long qualification = vmcs.read(VmcsField.EXIT_QUALIFICATION);
        if ((reasonField & ExitReason.VM_ENTRY_FAILURE) != 0) {
            return new VmExit.EntryFailure("VM-entry failure, exit reason " + ExitReason.basic(reasonField)
                + " (qualification " + qualification + "): " + entryFailure, 0);
        }
        switch (ExitReason.basic(reasonField)) {
            case ExitReason.IO_INSTRUCTION:
                return portIo(vmcs, gpr, qualification);
            case ExitReason.CPUID:
                return new VmExit.Cpuid((int) gpr[0], (int) gpr[1]);
            case ExitReason.HLT:
                return HLT;
            case ExitReason.MSR_READ:
                return new VmExit.MsrAccess((int) gpr[1], false, 0);
            case ExitReason.MSR_WRITE:
                return new VmExit.MsrAccess((int) gpr[1], true, (gpr[2] << 32) | (gpr[0] & 0xFFFF_FFFFL));
            case ExitReason.VMCALL:
                return HYPERCALL;
            case ExitReason.EXCEPTION_NMI:
                return exception(vmcs, qualification);
            case ExitReason.INTERRUPT_WINDOW:
                return INTERRUPT_WINDOW;
            case ExitReason.PREEMPTION_TIMER:
            case ExitReason.EXTERNAL_INTERRUPT:
                return PREEMPTED;
            case ExitReason.TRIPLE_FAULT:
                return new VmExit.Shutdown("triple fault (VM exit reason 2)");
            case ExitReason.EPT_VIOLATION:
                return eptViolation(vmcs, qualification, ram);
            default:
                throw new IllegalStateException(String.format(
                    "unexpected VM exit: reason %d, qualification 0x%x", ExitReason.basic(reasonField), qualification));
        }
    }

    /** A VMfailValid from VMLAUNCH/VMRESUME, as the common entry-failure exit. */
    public static VmExit entryFailure(int vmInstructionError, String detail) {
        return new VmExit.EntryFailure("VMfailValid: " + VmInstructionError.describe(vmInstructionError)
            + (detail == null ? "" : ": " + detail), vmInstructionError);
    }

    /** Table 28-5 and, for INS/OUTS, the instruction-information field of Table 28-8. */
    private static VmExit portIo(Vmcs vmcs, long[] gpr, long q) {
        int size = ExitQualification.ioSize(q);
        boolean in = ExitQualification.ioIn(q);
        boolean string = ExitQualification.ioString(q);
        int addressSize;
        SegmentRegister segment;
        long value;
        if (string) {
            int info = vmcs.read32(VmcsField.VMX_INSTRUCTION_INFO);
            addressSize = 2 << ((info >>> 7) & 7);
            segment = SEGMENTS[(info >>> 15) & 7];
            value = 0;
        } else {
            addressSize = defaultAddressSize(vmcs);
            segment = SegmentRegister.DS;
            value = in ? 0 : gpr[0] & ((1L << (8 * size)) - 1);
        }
        return new VmExit.PortIo(ExitQualification.ioPort(q), size, in, string, ExitQualification.ioRep(q),
            addressSize, segment, value);
    }

    /** The address size IN and OUT run with, from the guest's mode: 8 in 64-bit mode, else CS.D's. */
    private static int defaultAddressSize(Vmcs vmcs) {
        int cs = vmcs.read32(VmcsField.GUEST_CS_AR_BYTES);
        boolean ia32e = (vmcs.read(VmcsField.GUEST_IA32_EFER) & (1L << 10)) != 0;
        if (ia32e && (cs & GuestSegmentFields.AR_L) != 0) {
            return 8;
        }
        boolean protectedMode = (vmcs.read(VmcsField.GUEST_CR0) & 1) != 0;
        boolean v86 = (vmcs.read(VmcsField.GUEST_RFLAGS) & (1L << 17)) != 0;
        return protectedMode && !v86 && (cs & GuestSegmentFields.AR_DB) != 0 ? 4 : 2;
    }

    /** §28.2.2: the VM-exit interruption information and error code; for #PF the qualification is the address. */
    private static VmExit exception(Vmcs vmcs, long qualification) {
        int info = vmcs.read32(VmcsField.VM_EXIT_INTR_INFO);
        int vector = InterruptionInfo.vector(info);
        boolean hasError = InterruptionInfo.hasErrorCode(info);
        int error = hasError ? vmcs.read32(VmcsField.VM_EXIT_INTR_ERROR_CODE) : 0;
        return new VmExit.Exception(vector, error, hasError, vector == 14 ? qualification : 0);
    }

    /** Table 28-7: an EPT violation on a guest-physical address with no RAM is an MMIO access. */
    private static VmExit eptViolation(Vmcs vmcs, long q, java.util.function.LongPredicate ram) {
        long gpa = vmcs.read(VmcsField.GUEST_PHYSICAL_ADDRESS);
        if (ram.test(gpa)) {
            throw new IllegalStateException(String.format(
                "EPT violation on RAM at GPA 0x%x, qualification 0x%x: the EPT tables are inconsistent", gpa, q));
        }
        return new VmExit.MmioAccess(gpa, (q & ExitQualification.EPT_WRITE) != 0, (q & ExitQualification.EPT_FETCH) != 0,
            NO_BYTES);
    }
}
