package dev.hve.vmx.exit;

import dev.hve.api.VmExit;
import dev.hve.vmx.vmcs.GuestSegmentFields;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * Writes the VMCS exit record that hardware would write for a common exit: the inverse of
 * {@link FirstLevelExitHandler#commonExit}, for exit-record round-trip tests (encode, decode,
 * compare). The record is written field by field in the SDM layouts (Tables 28-1 to 28-8); guest
 * state that the decoding consults (CS, EFER, CR0 for the address size of IN/OUT; RAX, RCX, RDX in
 * the software save area) is set to match.
 *
 * <p>What a VMCS record cannot carry does not survive the trip: a fault address other than #PF's,
 * the segment of a non-string IN/OUT (always DS), the text of a shutdown or entry failure, and
 * MMIO instruction bytes (VT-x supplies none).
 */
public final class ExitRecordEncoder {

    private ExitRecordEncoder() {
    }

    /**
     * @param gpr the software save area: RAX..R15 by encoding
     * @throws IllegalArgumentException for an exit with no VMCS record (a VMfailValid entry failure)
     */
    public static void encode(VmExit exit, Vmcs vmcs, long[] gpr) {
        clear(vmcs);
        if (exit instanceof VmExit.PortIo io) {
            portIo(io, vmcs, gpr);
        } else if (exit instanceof VmExit.Cpuid cpuid) {
            instruction(vmcs, ExitReason.CPUID, 0, 2);
            gpr[0] = cpuid.leaf() & 0xFFFF_FFFFL;
            gpr[1] = cpuid.subleaf() & 0xFFFF_FFFFL;
        } else if (exit instanceof VmExit.Hlt) {
            instruction(vmcs, ExitReason.HLT, 0, 1);
        } else if (exit instanceof VmExit.MsrAccess msr) {
            instruction(vmcs, msr.write() ? ExitReason.MSR_WRITE : ExitReason.MSR_READ, 0, 2);
            gpr[1] = msr.msr() & 0xFFFF_FFFFL;
            if (msr.write()) {
                gpr[0] = msr.value() & 0xFFFF_FFFFL;
                gpr[2] = msr.value() >>> 32;
            }
        } else if (exit instanceof VmExit.Hypercall) {
            instruction(vmcs, ExitReason.VMCALL, 0, 3);
        } else if (exit instanceof VmExit.Exception e) {
            exception(e, vmcs);
        } else if (exit instanceof VmExit.InterruptWindow) {
            vmcs.write(VmcsField.VM_EXIT_REASON, ExitReason.INTERRUPT_WINDOW);
        } else if (exit instanceof VmExit.Preempted) {
            vmcs.write(VmcsField.VM_EXIT_REASON, ExitReason.PREEMPTION_TIMER);
        } else if (exit instanceof VmExit.Shutdown) {
            vmcs.write(VmcsField.VM_EXIT_REASON, ExitReason.TRIPLE_FAULT);
        } else if (exit instanceof VmExit.MmioAccess mmio) {
            long q = (mmio.write() ? ExitQualification.EPT_WRITE : mmio.fetch() ? ExitQualification.EPT_FETCH
                : ExitQualification.EPT_READ) | ExitQualification.EPT_LINEAR_VALID | ExitQualification.EPT_FINAL_TRANSLATION;
            vmcs.write(VmcsField.VM_EXIT_REASON, ExitReason.EPT_VIOLATION);
            vmcs.write(VmcsField.EXIT_QUALIFICATION, q);
            vmcs.write(VmcsField.GUEST_PHYSICAL_ADDRESS, mmio.guestPhysicalAddress());
        } else if (exit instanceof VmExit.EntryFailure failure && failure.vendorError() == 0) {
            vmcs.write(VmcsField.VM_EXIT_REASON, (ExitReason.VM_ENTRY_FAILURE | ExitReason.INVALID_GUEST_STATE) & 0xFFFF_FFFFL);
        } else {
            throw new IllegalArgumentException("no VMCS exit record for " + exit);
        }
    }

    private static final VmcsField[] EXIT_INFORMATION = {VmcsField.EXIT_QUALIFICATION, VmcsField.VM_EXIT_INSTRUCTION_LEN,
        VmcsField.VMX_INSTRUCTION_INFO, VmcsField.VM_EXIT_INTR_INFO, VmcsField.VM_EXIT_INTR_ERROR_CODE,
        VmcsField.GUEST_PHYSICAL_ADDRESS, VmcsField.GUEST_LINEAR_ADDRESS, VmcsField.IDT_VECTORING_INFO_FIELD};

    private static void clear(Vmcs vmcs) {
        for (VmcsField f : EXIT_INFORMATION) {
            vmcs.write(f, 0);
        }
    }

    private static void instruction(Vmcs vmcs, int reason, long qualification, int length) {
        vmcs.write(VmcsField.VM_EXIT_REASON, reason);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, qualification);
        vmcs.write(VmcsField.VM_EXIT_INSTRUCTION_LEN, length);
    }

    private static void portIo(VmExit.PortIo io, Vmcs vmcs, long[] gpr) {
        instruction(vmcs, ExitReason.IO_INSTRUCTION,
            ExitQualification.io(io.port(), io.size(), io.in(), io.string(), io.rep(), false), io.string() ? 2 : 1);
        if (io.string()) {
            int addressCode = io.addressSize() == 2 ? 0 : io.addressSize() == 4 ? 1 : 2;
            vmcs.write(VmcsField.VMX_INSTRUCTION_INFO, (addressCode << 7) | (io.segment().ordinal() << 15));
        } else {
            // The address size of IN/OUT comes from the guest's mode.
            int cs = 0x9B;
            long efer = 0;
            long cr0 = 0x11;
            if (io.addressSize() == 8) {
                cs |= GuestSegmentFields.AR_L;
                efer = 0x500;
                cr0 |= 1L << 31;
            } else if (io.addressSize() == 4) {
                cs |= GuestSegmentFields.AR_DB;
            } else {
                cr0 = 0x10;
            }
            vmcs.write(VmcsField.GUEST_CS_AR_BYTES, cs);
            vmcs.write(VmcsField.GUEST_IA32_EFER, efer);
            vmcs.write(VmcsField.GUEST_CR0, cr0 | 0x20);
            vmcs.write(VmcsField.GUEST_RFLAGS, 2);
            if (!io.in()) {
                gpr[0] = io.value();
            }
        }
    }

    private static void exception(VmExit.Exception e, Vmcs vmcs) {
        int type = e.vector() == 3 || e.vector() == 4 ? InterruptionInfo.TYPE_SOFTWARE_EXCEPTION
            : InterruptionInfo.TYPE_HARDWARE_EXCEPTION;
        vmcs.write(VmcsField.VM_EXIT_REASON, ExitReason.EXCEPTION_NMI);
        vmcs.write(VmcsField.VM_EXIT_INTR_INFO, InterruptionInfo.encode(e.vector(), type, e.hasErrorCode()) & 0xFFFF_FFFFL);
        vmcs.write(VmcsField.VM_EXIT_INTR_ERROR_CODE, e.hasErrorCode() ? e.errorCode() & 0xFFFF_FFFFL : 0);
        vmcs.write(VmcsField.EXIT_QUALIFICATION, e.vector() == 14 ? e.faultAddress() : 0);
        vmcs.write(VmcsField.VM_EXIT_INSTRUCTION_LEN, type == InterruptionInfo.TYPE_SOFTWARE_EXCEPTION ? 1 : 0);
    }
}
