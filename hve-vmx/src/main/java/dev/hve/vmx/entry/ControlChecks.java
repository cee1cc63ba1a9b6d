package dev.hve.vmx.entry;

import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.ept.EptPointer;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The checks on VMX controls that VM entry performs first (Intel SDM Vol. 3C §27.2.1, "Checks on
 * VMX Controls": 27.2.1.1 execution, 27.2.1.2 exit, 27.2.1.3 entry control fields). Any failure
 * makes VMLAUNCH/VMRESUME fail with VMfailValid and VM-instruction error 7.
 */
public final class ControlChecks {

    private ControlChecks() {
    }

    /** @return {@code null} when every check passes, else the rule that failed */
    public static String check(Vmcs vmcs, VmxCapabilities caps) {
        String failure = settledFields(vmcs, caps);
        return failure != null ? failure : eventInjection(vmcs);
    }

    /**
     * The checks of {@link #check} whose inputs are all settled fields (see {@link
     * VmcsField#rewrittenEveryExit()}): everything but the event-injection fields. Their outcome
     * is a function of those fields alone, so while none changed ({@link Vmcs#settledChanges()})
     * a VM entry need not repeat them.
     *
     * @return {@code null} when they pass, else the rule that failed
     */
    public static String settledFields(Vmcs vmcs, VmxCapabilities caps) {
        int pin = vmcs.read32(VmcsField.PIN_BASED_VM_EXEC_CONTROL);
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL);
        int secondary = secondaryControls(vmcs);
        int exit = vmcs.read32(VmcsField.VM_EXIT_CONTROLS);
        int entry = vmcs.read32(VmcsField.VM_ENTRY_CONTROLS);
        int maxPhy = VmxCapabilities.MAXPHYADDR;

        // §27.2.1.1: reserved bits per the capability MSRs (Appendix A.3).
        if (!caps.pinBased().permits(pin)) {
            return "pin-based VM-execution controls violate IA32_VMX_TRUE_PINBASED_CTLS";
        }
        if (!caps.primary().permits(primary)) {
            return "primary processor-based VM-execution controls violate IA32_VMX_TRUE_PROCBASED_CTLS";
        }
        if ((primary & ProcessorControls.ACTIVATE_SECONDARY_CONTROLS) != 0 && !caps.secondary().permits(secondary)) {
            return "secondary processor-based VM-execution controls violate IA32_VMX_PROCBASED_CTLS2";
        }
        if (Integer.compareUnsigned(vmcs.read32(VmcsField.CR3_TARGET_COUNT), VmxCapabilities.CR3_TARGET_VALUES) > 0) {
            return "CR3-target count greater than 4";
        }
        if ((primary & ProcessorControls.USE_IO_BITMAPS) != 0
            && (!Canonical.pageAddress(vmcs.read(VmcsField.IO_BITMAP_A), maxPhy)
                || !Canonical.pageAddress(vmcs.read(VmcsField.IO_BITMAP_B), maxPhy))) {
            return "I/O-bitmap address not 4-KByte aligned or beyond the physical-address width";
        }
        if ((primary & ProcessorControls.USE_MSR_BITMAPS) != 0
            && !Canonical.pageAddress(vmcs.read(VmcsField.MSR_BITMAP), maxPhy)) {
            return "MSR-bitmap address not 4-KByte aligned or beyond the physical-address width";
        }
        if ((pin & PinBasedControls.NMI_EXITING) == 0 && (pin & PinBasedControls.VIRTUAL_NMIS) != 0) {
            return "virtual NMIs without NMI exiting";
        }
        if ((pin & PinBasedControls.VIRTUAL_NMIS) == 0 && (primary & ProcessorControls.NMI_WINDOW_EXITING) != 0) {
            return "NMI-window exiting without virtual NMIs";
        }
        if ((secondary & SecondaryControls.ENABLE_VPID) != 0 && vmcs.read(VmcsField.VIRTUAL_PROCESSOR_ID) == 0) {
            return "enable VPID with VPID 0000H";
        }
        if ((secondary & SecondaryControls.ENABLE_EPT) != 0
            && !EptPointer.valid(vmcs.read(VmcsField.EPT_POINTER), caps.eptVpidCap(), maxPhy)) {
            return "invalid EPT pointer";
        }
        if ((secondary & SecondaryControls.UNRESTRICTED_GUEST) != 0 && (secondary & SecondaryControls.ENABLE_EPT) == 0) {
            return "unrestricted guest without enable EPT";
        }

        // §27.2.1.2: VM-exit control fields.
        if (!caps.exit().permits(exit)) {
            return "VM-exit controls violate IA32_VMX_TRUE_EXIT_CTLS";
        }
        if ((pin & PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) == 0
            && (exit & ExitControls.SAVE_VMX_PREEMPTION_TIMER) != 0) {
            return "save VMX-preemption timer value without activate VMX-preemption timer";
        }
        if (!msrArea(vmcs, VmcsField.VM_EXIT_MSR_STORE_COUNT, VmcsField.VM_EXIT_MSR_STORE_ADDR)
            || !msrArea(vmcs, VmcsField.VM_EXIT_MSR_LOAD_COUNT, VmcsField.VM_EXIT_MSR_LOAD_ADDR)) {
            return "VM-exit MSR-store or MSR-load address not 16-byte aligned";
        }

        // §27.2.1.3: VM-entry control fields.
        if (!caps.entry().permits(entry)) {
            return "VM-entry controls violate IA32_VMX_TRUE_ENTRY_CTLS";
        }
        if ((entry & (EntryControls.ENTRY_TO_SMM | EntryControls.DEACTIVATE_DUAL_MONITOR)) != 0) {
            return "entry to SMM or deactivate dual-monitor treatment outside SMM";
        }
        if (!msrArea(vmcs, VmcsField.VM_ENTRY_MSR_LOAD_COUNT, VmcsField.VM_ENTRY_MSR_LOAD_ADDR)) {
            return "VM-entry MSR-load address not 16-byte aligned";
        }
        return null;
    }

    /** The secondary controls as VM entry sees them: zero unless activated by the primary controls. */
    public static int secondaryControls(Vmcs vmcs) {
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL);
        return (primary & ProcessorControls.ACTIVATE_SECONDARY_CONTROLS) != 0
            ? vmcs.read32(VmcsField.SECONDARY_VM_EXEC_CONTROL) : 0;
    }

    private static boolean msrArea(Vmcs vmcs, VmcsField count, VmcsField address) {
        return vmcs.read32(count) == 0
            || ((vmcs.read(address) & 0xF) == 0 && Canonical.withinPhysicalWidth(vmcs.read(address), VmxCapabilities.MAXPHYADDR));
    }

    /**
     * The checks on the VM-entry interruption-information field and its companions (§27.2.1.3),
     * which change with nearly every entry.
     *
     * @return {@code null} when they pass, else the rule that failed
     */
    public static String eventInjection(Vmcs vmcs) {
        int info = vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD);
        if (!InterruptionInfo.valid(info)) {
            return null;
        }
        int secondary = secondaryControls(vmcs);
        int type = InterruptionInfo.type(info);
        int vector = InterruptionInfo.vector(info);
        if (type == 1 || type == InterruptionInfo.TYPE_OTHER_EVENT) {
            // Type 1 is reserved; type 7 needs the monitor trap flag, which the model does not support.
            return "VM-entry interruption type reserved or unsupported";
        }
        if (type == InterruptionInfo.TYPE_NMI && vector != 2) {
            return "NMI injection with vector other than 2";
        }
        if (type == InterruptionInfo.TYPE_HARDWARE_EXCEPTION && vector > 31) {
            return "hardware exception injection with vector above 31";
        }
        boolean protectedOrRestricted = (secondary & SecondaryControls.UNRESTRICTED_GUEST) == 0
            || (vmcs.read(VmcsField.GUEST_CR0) & 1) != 0;
        boolean errorCodeExpected = protectedOrRestricted && type == InterruptionInfo.TYPE_HARDWARE_EXCEPTION
            && InterruptionInfo.exceptionHasErrorCode(vector);
        if (InterruptionInfo.hasErrorCode(info) != errorCodeExpected) {
            return "deliver-error-code bit inconsistent with the injected event";
        }
        if ((info & 0x7FFF_F000) != 0) {
            return "reserved bits 30:12 of the VM-entry interruption-information field set";
        }
        if (InterruptionInfo.hasErrorCode(info) && (vmcs.read32(VmcsField.VM_ENTRY_EXCEPTION_ERROR_CODE) & 0xFFFF_0000) != 0) {
            return "bits 31:16 of the VM-entry exception error code set";
        }
        if (type == InterruptionInfo.TYPE_SOFTWARE_INTERRUPT || type == InterruptionInfo.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION
            || type == InterruptionInfo.TYPE_SOFTWARE_EXCEPTION) {
            int length = vmcs.read32(VmcsField.VM_ENTRY_INSTRUCTION_LEN);
            if (length < 1 || length > 15) {
                return "VM-entry instruction length outside 1-15 for a software event";
            }
        }
        return null;
    }
}
