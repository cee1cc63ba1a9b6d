package dev.hve.svm.exit;

import dev.hve.api.InterceptConfig;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.svm.entry.SoftwareSaveArea;
import dev.hve.svm.npt.GuestRam;
import dev.hve.svm.npt.NpfErrorCode;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;

/**
 * The vendor-specific first step after #VMEXIT: reads back the record the processor wrote into
 * the VMCB (EXITCODE, EXITINFO1/2, decode-assist bytes) and the saved guest registers, and turns
 * it into the common exit monitor code sees. Exits the monitor did not ask for are the backend's
 * own business; {@link #internalAction} says how the backend disposes of them.
 */
public final class FirstLevelExitHandler {

    /** What the backend does itself with an exit that does not reach the monitor. */
    public enum Internal {
        /** The exit goes to the monitor. */
        NONE,
        /** Re-enter and let the instruction run once without its intercept. */
        PASS_THROUGH,
        /** Re-enter with #UD injected: the guest ran an SVM instruction it may not use. */
        RAISE_UD,
        /** Re-enter: nothing to do (a host event such as a modeled NMI). */
        RESUME
    }

    private static final VmExit.Hlt HLT = new VmExit.Hlt();
    private static final VmExit.Hypercall HYPERCALL = new VmExit.Hypercall();
    private static final VmExit.Preempted PREEMPTED = new VmExit.Preempted();
    private static final VmExit.InterruptWindow INTERRUPT_WINDOW = new VmExit.InterruptWindow();
    private static final SegmentRegister[] SEGMENTS = SegmentRegister.values();

    private FirstLevelExitHandler() {
    }

    /** How the backend handles the exit in {@code vmcb} itself, given what the monitor asked to see. */
    public static Internal internalAction(Vmcb vmcb, SoftwareSaveArea software, InterceptConfig config) {
        long code = vmcb.read64(VmcbLayout.EXITCODE);
        if (code == SvmExitCode.VMEXIT_MSR) {
            // MSRs outside the MSRPM's ranges always exit; VT-x's bitmaps have the same rule, but
            // the monitor only sees the MSRs it listed.
            return config.interceptsMsr((int) software.gpr[1]) ? Internal.NONE : Internal.PASS_THROUGH;
        }
        if (code == SvmExitCode.VMEXIT_VMRUN || code == SvmExitCode.VMEXIT_VMLOAD || code == SvmExitCode.VMEXIT_VMSAVE
            || code == SvmExitCode.VMEXIT_STGI || code == SvmExitCode.VMEXIT_CLGI
            || code == SvmExitCode.VMEXIT_SKINIT || code == SvmExitCode.VMEXIT_INVLPGA) {
            // No nested virtualization: to the guest, SVM is off (EFER.SVME reads 0), where these raise #UD.
            return Internal.RAISE_UD;
        }
        if (code == SvmExitCode.VMEXIT_NMI || code == SvmExitCode.VMEXIT_SMI || code == SvmExitCode.VMEXIT_INIT) {
            return Internal.RESUME;
        }
        if (code == SvmExitCode.VMEXIT_RDTSC || code == SvmExitCode.VMEXIT_RDTSCP || code == SvmExitCode.VMEXIT_INVLPG
            || code == SvmExitCode.VMEXIT_PAUSE || code == SvmExitCode.VMEXIT_WBINVD
            || code == SvmExitCode.VMEXIT_XSETBV || code == SvmExitCode.VMEXIT_CR0_SEL_WRITE
            || code == SvmExitCode.VMEXIT_INVD || code == SvmExitCode.VMEXIT_RDPMC || code == SvmExitCode.VMEXIT_ICEBP
            || code == SvmExitCode.VMEXIT_MONITOR || code == SvmExitCode.VMEXIT_MWAIT
            || code == SvmExitCode.VMEXIT_MWAIT_CONDITIONAL || code == SvmExitCode.VMEXIT_RDPRU
            || code == SvmExitCode.VMEXIT_IRET
            || (code >= SvmExitCode.VMEXIT_IDTR_READ && code <= SvmExitCode.VMEXIT_TR_WRITE)
            || (code >= SvmExitCode.VMEXIT_CR0_READ && code < SvmExitCode.VMEXIT_EXCP0)) {
            // The common API has no exit kind for these (SensitiveInstruction asks for them): the
            // hypervisor carries them out. IRET is the backend's own, for NMI masking.
            return Internal.PASS_THROUGH;
        }
        return Internal.NONE;
    }

    /** The common exit for the record in {@code vmcb}; {@link #internalAction} said NONE. */
    public static VmExit commonExit(Vmcb vmcb, SoftwareSaveArea software, GuestRam ram, String entryFailure) {
        long code = vmcb.read64(VmcbLayout.EXITCODE);
        long info1 = vmcb.read64(VmcbLayout.EXITINFO1);
        long info2 = vmcb.read64(VmcbLayout.EXITINFO2);
        if (code == SvmExitCode.VMEXIT_IOIO) {
            return portIo(vmcb, info1);
        }
        if (code == SvmExitCode.VMEXIT_CPUID) {
            return new VmExit.Cpuid((int) vmcb.read64(VmcbLayout.RAX), (int) software.gpr[1]);
        }
        if (code == SvmExitCode.VMEXIT_HLT) {
            return HLT;
        }
        if (code == SvmExitCode.VMEXIT_INTR) {
            return PREEMPTED;
        }
        if (code == SvmExitCode.VMEXIT_VINTR) {
            return INTERRUPT_WINDOW;
        }
        if (code == SvmExitCode.VMEXIT_MSR) {
            boolean write = info1 == 1;
            long value = write ? (software.gpr[2] << 32) | (vmcb.read64(VmcbLayout.RAX) & 0xFFFF_FFFFL) : 0;
            return new VmExit.MsrAccess((int) software.gpr[1], write, value);
        }
        if (code == SvmExitCode.VMEXIT_VMMCALL) {
            return HYPERCALL;
        }
        if (code >= SvmExitCode.VMEXIT_EXCP0 && code <= SvmExitCode.VMEXIT_EXCP31) {
            int vector = (int) (code - SvmExitCode.VMEXIT_EXCP0);
            // EXITINFO1 holds the error code of exceptions that push one; outside protected mode
            // none does (APM Vol. 2, §16.6 / §8.2), and EXITINFO1 is then meaningless.
            boolean hasError = pushesErrorCode(vector) && (vmcb.read64(VmcbLayout.CR0) & 1) != 0;
            return new VmExit.Exception(vector, hasError ? (int) info1 : 0, hasError, vector == 14 ? info2 : 0);
        }
        if (code == SvmExitCode.VMEXIT_NPF) {
            return nestedPageFault(vmcb, ram, info1, info2);
        }
        if (code == SvmExitCode.VMEXIT_SHUTDOWN) {
            return new VmExit.Shutdown("triple fault (#VMEXIT SHUTDOWN)");
        }
        if (code == SvmExitCode.VMEXIT_INVALID) {
            return new VmExit.EntryFailure("VMRUN: " + entryFailure, SvmExitCode.VMEXIT_INVALID);
        }
        throw new IllegalStateException(String.format("unexpected #VMEXIT 0x%x (EXITINFO1 0x%x, EXITINFO2 0x%x)",
            code, info1, info2));
    }

    private static VmExit portIo(Vmcb vmcb, long info1) {
        int size = IoioExitInfo.size(info1);
        boolean in = IoioExitInfo.in(info1);
        boolean string = IoioExitInfo.string(info1);
        long value = in || string ? 0 : vmcb.read64(VmcbLayout.RAX) & ((1L << (8 * size)) - 1);
        SegmentRegister segment = string ? SEGMENTS[IoioExitInfo.segment(info1)] : SegmentRegister.DS;
        return new VmExit.PortIo(IoioExitInfo.port(info1), size, in, string, IoioExitInfo.rep(info1),
            IoioExitInfo.addressSize(info1), segment, value);
    }

    private static VmExit nestedPageFault(Vmcb vmcb, GuestRam ram, long info1, long info2) {
        if (ram.isRam(info2)) {
            throw new IllegalStateException(String.format(
                "#VMEXIT(NPF) on RAM at GPA 0x%x, EXITINFO1 0x%x: the nested page tables are inconsistent", info2, info1));
        }
        int fetched = Math.min(vmcb.read8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED), VmcbLayout.GUEST_INSTRUCTION_BYTES_MAX);
        byte[] bytes = new byte[fetched];
        vmcb.readBytes(VmcbLayout.GUEST_INSTRUCTION_BYTES, bytes, fetched);
        return new VmExit.MmioAccess(info2, (info1 & NpfErrorCode.RW) != 0, (info1 & NpfErrorCode.ID) != 0, bytes);
    }

    /** Exceptions that push an error code (AMD APM Vol. 2, §8.2). */
    public static boolean pushesErrorCode(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30;
    }
}
