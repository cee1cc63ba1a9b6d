package dev.hve.vmx.entry;

import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The checks on the host-state area (Intel SDM Vol. 3C §27.2.2, "Checks on Host Control
 * Registers, MSRs, and SSP"; §27.2.3, "Checks on Host Segment and Descriptor-Table Registers";
 * §27.2.4, "Checks Related to Address-Space Size"). Any failure makes VM entry fail with
 * VMfailValid and VM-instruction error 8. The modeled host runs in IA-32e mode, as a 64-bit
 * hypervisor does.
 */
public final class HostStateChecks {

    private static final long CR4_PAE = 1L << 5;
    private static final long EFER_LME = 1L << 8;
    private static final long EFER_LMA = 1L << 10;
    private static final long EFER_RESERVED = ~((1L) | (1L << 8) | (1L << 10) | (1L << 11));

    private static final VmcsField[] SELECTORS = {VmcsField.HOST_ES_SELECTOR, VmcsField.HOST_CS_SELECTOR,
        VmcsField.HOST_SS_SELECTOR, VmcsField.HOST_DS_SELECTOR, VmcsField.HOST_FS_SELECTOR, VmcsField.HOST_GS_SELECTOR,
        VmcsField.HOST_TR_SELECTOR};
    private static final VmcsField[] BASES = {VmcsField.HOST_FS_BASE, VmcsField.HOST_GS_BASE,
        VmcsField.HOST_GDTR_BASE, VmcsField.HOST_IDTR_BASE, VmcsField.HOST_TR_BASE};

    private HostStateChecks() {
    }

    /** @return {@code null} when every check passes, else the rule that failed */
    public static String check(Vmcs vmcs) {
        int exit = vmcs.read32(VmcsField.VM_EXIT_CONTROLS);
        long cr0 = vmcs.read(VmcsField.HOST_CR0);
        long cr4 = vmcs.read(VmcsField.HOST_CR4);
        boolean hostLongMode = (exit & ExitControls.HOST_ADDRESS_SPACE_SIZE) != 0;

        if (!VmxCapabilities.cr0Valid(cr0, false)) {
            return "host CR0 violates IA32_VMX_CR0_FIXED0/1";
        }
        if (!VmxCapabilities.cr4Valid(cr4)) {
            return "host CR4 violates IA32_VMX_CR4_FIXED0/1";
        }
        if (!Canonical.withinPhysicalWidth(vmcs.read(VmcsField.HOST_CR3), VmxCapabilities.MAXPHYADDR)) {
            return "host CR3 sets bits beyond the physical-address width";
        }
        if (!Canonical.canonical(vmcs.read(VmcsField.HOST_IA32_SYSENTER_ESP))
            || !Canonical.canonical(vmcs.read(VmcsField.HOST_IA32_SYSENTER_EIP))) {
            return "host IA32_SYSENTER_ESP or IA32_SYSENTER_EIP not canonical";
        }
        if ((exit & ExitControls.LOAD_IA32_PAT) != 0 && !GuestStateChecks.validPat(vmcs.read(VmcsField.HOST_IA32_PAT))) {
            return "host IA32_PAT holds an invalid memory type";
        }
        if ((exit & ExitControls.LOAD_IA32_EFER) != 0) {
            long efer = vmcs.read(VmcsField.HOST_IA32_EFER);
            if ((efer & EFER_RESERVED) != 0) {
                return "host IA32_EFER sets reserved bits";
            }
            if (((efer & EFER_LMA) != 0) != hostLongMode || ((efer & EFER_LME) != 0) != hostLongMode) {
                return "host IA32_EFER.LMA/LME differ from the host address-space size control";
            }
        }

        // §27.2.3: selectors' RPL and TI must be 0; CS and TR must not be null.
        for (VmcsField selector : SELECTORS) {
            if ((vmcs.read(selector) & 7) != 0) {
                return "host " + selector.sdmName() + " has RPL or TI set";
            }
        }
        if (vmcs.read(VmcsField.HOST_CS_SELECTOR) == 0) {
            return "host CS selector is null";
        }
        if (vmcs.read(VmcsField.HOST_TR_SELECTOR) == 0) {
            return "host TR selector is null";
        }
        if (!hostLongMode && vmcs.read(VmcsField.HOST_SS_SELECTOR) == 0) {
            return "host SS selector is null outside 64-bit host";
        }
        for (VmcsField base : BASES) {
            if (!Canonical.canonical(vmcs.read(base))) {
                return base.sdmName() + " not canonical";
            }
        }

        // §27.2.4: a host in IA-32e mode must return to IA-32e mode.
        if (!hostLongMode) {
            return "host address-space size is 0 on a processor in IA-32e mode";
        }
        if ((cr4 & CR4_PAE) == 0) {
            return "host CR4.PAE is 0 with host address-space size 1";
        }
        if (!Canonical.canonical(vmcs.read(VmcsField.HOST_RIP))) {
            return "host RIP not canonical";
        }
        return null;
    }
}
