package dev.hve.vmx;

import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.vmcs.GuestSegmentFields;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The hypervisor's initial VMCS contents: the controls this backend runs every guest with, a
 * 64-bit host state, and a guest in the INIT state of Intel SDM Vol. 3A §10.1.1 (Table 10-1),
 * which the unrestricted-guest control lets VM entry accept in real-address mode.
 */
final class VmcsSetup {

    /** CR0 bits the host owns: NE, which IA32_VMX_CR0_FIXED0 forces to 1 but guests may believe 0. */
    static final long CR0_HOST_OWNED = 1L << 5;
    /** CR4 bits the host owns: VMXE, which IA32_VMX_CR4_FIXED0 forces to 1. */
    static final long CR4_HOST_OWNED = 1L << 13;
    static final long PAT_DEFAULT = 0x0007_0406_0007_0406L;

    private static final long HOST_CANONICAL_BASE = 0xFFFF_FFFF_8000_0000L;

    private VmcsSetup() {
    }

    static void controls(Vmcs vmcs, int vpid, long ioBitmapA, long ioBitmapB, long msrBitmap) {
        VmxCapabilities caps = new VmxCapabilities();
        vmcs.write(VmcsField.PIN_BASED_VM_EXEC_CONTROL, caps.pinBased().allowed0()
            | PinBasedControls.EXTERNAL_INTERRUPT_EXITING | PinBasedControls.NMI_EXITING | PinBasedControls.VIRTUAL_NMIS
            | PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);
        vmcs.write(VmcsField.CPU_BASED_VM_EXEC_CONTROL, caps.primary().allowed0() | ProcessorControls.USE_IO_BITMAPS
            | ProcessorControls.USE_MSR_BITMAPS | ProcessorControls.ACTIVATE_SECONDARY_CONTROLS);
        vmcs.write(VmcsField.SECONDARY_VM_EXEC_CONTROL, SecondaryControls.ENABLE_EPT | SecondaryControls.UNRESTRICTED_GUEST
            | SecondaryControls.ENABLE_VPID | SecondaryControls.ENABLE_RDTSCP);
        vmcs.write(VmcsField.VIRTUAL_PROCESSOR_ID, vpid);
        vmcs.write(VmcsField.VM_EXIT_CONTROLS, caps.exit().allowed0() | ExitControls.SAVE_DEBUG_CONTROLS
            | ExitControls.HOST_ADDRESS_SPACE_SIZE | ExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT
            | ExitControls.SAVE_IA32_PAT | ExitControls.LOAD_IA32_PAT | ExitControls.SAVE_IA32_EFER
            | ExitControls.LOAD_IA32_EFER | ExitControls.SAVE_VMX_PREEMPTION_TIMER);
        vmcs.write(VmcsField.VM_ENTRY_CONTROLS, caps.entry().allowed0() | EntryControls.LOAD_DEBUG_CONTROLS
            | EntryControls.LOAD_IA32_PAT | EntryControls.LOAD_IA32_EFER);
        vmcs.write(VmcsField.IO_BITMAP_A, ioBitmapA);
        vmcs.write(VmcsField.IO_BITMAP_B, ioBitmapB);
        vmcs.write(VmcsField.MSR_BITMAP, msrBitmap);
        vmcs.write(VmcsField.CR0_GUEST_HOST_MASK, CR0_HOST_OWNED);
        vmcs.write(VmcsField.CR4_GUEST_HOST_MASK, CR4_HOST_OWNED);
    }

    /** A 64-bit host: what a hypervisor's VMCS holds so that VM exits return to its exit stub. */
    static void hostState(Vmcs vmcs, HostMemory memory) {
        long hostPageTables = memory.allocate(4096, 4096);
        vmcs.write(VmcsField.HOST_CR0, 0x8005_0033L);
        vmcs.write(VmcsField.HOST_CR3, hostPageTables);
        vmcs.write(VmcsField.HOST_CR4, 0x2020L);
        vmcs.write(VmcsField.HOST_CS_SELECTOR, 0x10);
        vmcs.write(VmcsField.HOST_SS_SELECTOR, 0x18);
        vmcs.write(VmcsField.HOST_TR_SELECTOR, 0x40);
        vmcs.write(VmcsField.HOST_GDTR_BASE, HOST_CANONICAL_BASE);
        vmcs.write(VmcsField.HOST_IDTR_BASE, HOST_CANONICAL_BASE + 0x1000);
        vmcs.write(VmcsField.HOST_TR_BASE, HOST_CANONICAL_BASE + 0x2000);
        vmcs.write(VmcsField.HOST_RSP, HOST_CANONICAL_BASE + 0x10_0000);
        vmcs.write(VmcsField.HOST_RIP, HOST_CANONICAL_BASE + 0x20_0000);
        vmcs.write(VmcsField.HOST_IA32_EFER, 0xD01L); // SCE, LME, LMA, NXE
        vmcs.write(VmcsField.HOST_IA32_PAT, PAT_DEFAULT);
    }

    /** The INIT state (Vol. 3A Table 10-1): real-address mode at F000:FFF0. */
    static void guestInitState(Vmcs vmcs) {
        vmcs.write(VmcsField.GUEST_CR0, 0x6000_0010L | CR0_HOST_OWNED);
        vmcs.write(VmcsField.CR0_READ_SHADOW, 0x6000_0010L);
        vmcs.write(VmcsField.GUEST_CR4, CR4_HOST_OWNED);
        vmcs.write(VmcsField.CR4_READ_SHADOW, 0);
        vmcs.write(VmcsField.GUEST_RIP, 0xFFF0);
        vmcs.write(VmcsField.GUEST_RFLAGS, 2);
        for (int s = GuestSegmentFields.ES; s <= GuestSegmentFields.GS; s++) {
            vmcs.write(GuestSegmentFields.SELECTOR[s], 0);
            vmcs.write(GuestSegmentFields.BASE[s], 0);
            vmcs.write(GuestSegmentFields.LIMIT[s], 0xFFFF);
            vmcs.write(GuestSegmentFields.ACCESS_RIGHTS[s], 0x93);
        }
        vmcs.write(VmcsField.GUEST_CS_SELECTOR, 0xF000);
        vmcs.write(VmcsField.GUEST_CS_BASE, 0xFFFF_0000L);
        vmcs.write(VmcsField.GUEST_CS_AR_BYTES, 0x9B);
        vmcs.write(VmcsField.GUEST_LDTR_LIMIT, 0xFFFF);
        vmcs.write(VmcsField.GUEST_LDTR_AR_BYTES, 0x82);
        vmcs.write(VmcsField.GUEST_TR_LIMIT, 0xFFFF);
        vmcs.write(VmcsField.GUEST_TR_AR_BYTES, 0x8B);
        vmcs.write(VmcsField.GUEST_GDTR_LIMIT, 0xFFFF);
        vmcs.write(VmcsField.GUEST_IDTR_LIMIT, 0xFFFF);
        vmcs.write(VmcsField.GUEST_DR7, 0x400);
        vmcs.write(VmcsField.GUEST_IA32_PAT, PAT_DEFAULT);
        vmcs.write(VmcsField.VMCS_LINK_POINTER, -1L);
    }
}
