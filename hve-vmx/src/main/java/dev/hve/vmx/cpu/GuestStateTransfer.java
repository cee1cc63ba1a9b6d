package dev.hve.vmx.cpu;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * Moves guest state between the VMCS guest-state area and the core: loading on VM entry (Intel
 * SDM Vol. 3C §27.3.2, "Loading Guest State") and saving on VM exit (§28.3, "Saving Guest
 * State"). Only RSP, RIP and RFLAGS of the general registers are in the VMCS; the other GPRs stay
 * in the core across the transition, as on silicon.
 *
 * <p>CR0 and CR4 go to the core as the guest really runs with them, host-owned bits included;
 * the guest/host masks and read shadows act at the instructions that read and write them
 * ({@link VmxGuestControls#controlRegisterRead}, {@link VmxGuestControls#controlRegisterWrite};
 * §26.3, "Changes to Instruction Behavior in VMX Non-Root Operation").
 */
final class GuestStateTransfer {

    static final int INTERRUPTIBILITY_STI = 1;
    static final int INTERRUPTIBILITY_MOV_SS = 1 << 1;
    static final int INTERRUPTIBILITY_NMI = 1 << 3;
    static final int ACTIVITY_ACTIVE = 0;
    static final int ACTIVITY_HLT = 1;

    private GuestStateTransfer() {
    }

    static void load(Vmcs vmcs, CpuState state, SegmentStateMirror segments) {
        int entry = vmcs.read32(VmcsField.VM_ENTRY_CONTROLS);
        loadPaging(vmcs, state);
        if ((entry & EntryControls.LOAD_DEBUG_CONTROLS) != 0) {
            state.dr[7] = vmcs.read(VmcsField.GUEST_DR7);
        }
        if ((entry & EntryControls.LOAD_IA32_PAT) != 0) {
            state.pat = vmcs.read(VmcsField.GUEST_IA32_PAT);
        }
        // Segment registers, GDTR, IDTR and the SYSENTER MSRs (§27.3.2.1-27.3.2.2).
        segments.load(vmcs, state);
        state.gpr[4] = vmcs.read(VmcsField.GUEST_RSP);
        state.rip = vmcs.read(VmcsField.GUEST_RIP);
        state.rflags = vmcs.read(VmcsField.GUEST_RFLAGS);
        int interruptibility = vmcs.read32(VmcsField.GUEST_INTERRUPTIBILITY_INFO);
        state.interruptShadow = (interruptibility & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) != 0;
        state.nmiBlocked = (interruptibility & INTERRUPTIBILITY_NMI) != 0;
        state.halted = vmcs.read32(VmcsField.GUEST_ACTIVITY_STATE) == ACTIVITY_HLT;
    }

    /**
     * The part of {@link #load} that the guest's page walk depends on: CR0, CR3, CR4, EFER and the
     * CPL (the walk's user/supervisor checks). It is all a hypervisor's translation of a
     * guest-linear address between runs needs (the PDPTE registers, with EPT, come separately).
     */
    static void loadPaging(Vmcs vmcs, CpuState state) {
        int entry = vmcs.read32(VmcsField.VM_ENTRY_CONTROLS);
        state.cr0 = vmcs.read(VmcsField.GUEST_CR0);
        state.cr3 = vmcs.read(VmcsField.GUEST_CR3);
        state.cr4 = vmcs.read(VmcsField.GUEST_CR4);
        if ((entry & EntryControls.LOAD_IA32_EFER) != 0) {
            state.efer = vmcs.read(VmcsField.GUEST_IA32_EFER);
        } else {
            // §27.3.2.1: without "load IA32_EFER", LMA follows the IA-32e mode guest control, and LME too when paging is on.
            boolean ia32e = (entry & EntryControls.IA32E_MODE_GUEST) != 0;
            state.efer &= ~CpuState.EFER_LMA;
            if (ia32e) {
                state.efer |= CpuState.EFER_LMA;
            }
            if ((state.cr0 & CpuState.CR0_PG) != 0) {
                state.efer = ia32e ? state.efer | CpuState.EFER_LME : state.efer & ~CpuState.EFER_LME;
            }
        }
        // §27.3.2.2: after VM entry the CPL is SS.DPL.
        state.cpl = (vmcs.read32(VmcsField.GUEST_SS_AR_BYTES) >>> 5) & 3;
    }

    static void save(CpuState state, Vmcs vmcs, SegmentStateMirror segments) {
        int exit = vmcs.read32(VmcsField.VM_EXIT_CONTROLS);
        vmcs.write(VmcsField.GUEST_CR0, state.cr0);
        vmcs.write(VmcsField.GUEST_CR3, state.cr3);
        vmcs.write(VmcsField.GUEST_CR4, state.cr4);
        if ((exit & ExitControls.SAVE_DEBUG_CONTROLS) != 0) {
            vmcs.write(VmcsField.GUEST_DR7, state.dr[7]);
        }
        if ((exit & ExitControls.SAVE_IA32_PAT) != 0) {
            vmcs.write(VmcsField.GUEST_IA32_PAT, state.pat);
        }
        if ((exit & ExitControls.SAVE_IA32_EFER) != 0) {
            vmcs.write(VmcsField.GUEST_IA32_EFER, state.efer);
        }
        // §28.2: the "IA-32e mode guest" entry control receives EFER.LMA (IA32_VMX_MISC bit 5).
        int entry = vmcs.read32(VmcsField.VM_ENTRY_CONTROLS) & ~EntryControls.IA32E_MODE_GUEST;
        if ((state.efer & CpuState.EFER_LMA) != 0) {
            entry |= EntryControls.IA32E_MODE_GUEST;
        }
        vmcs.write(VmcsField.VM_ENTRY_CONTROLS, entry);
        vmcs.write(VmcsField.GUEST_RSP, state.gpr[4]);
        vmcs.write(VmcsField.GUEST_RIP, state.rip);
        vmcs.write(VmcsField.GUEST_RFLAGS, state.rflags);
        // Segment registers, GDTR, IDTR and the SYSENTER MSRs (§28.3.1-28.3.2).
        segments.save(state, vmcs);
        int interruptibility = 0;
        if (state.interruptShadow) {
            // The core keeps one shadow flag; with IF set it can only be an STI shadow's equivalent.
            interruptibility |= (state.rflags & CpuState.IF) != 0 ? INTERRUPTIBILITY_STI : INTERRUPTIBILITY_MOV_SS;
        }
        if (state.nmiBlocked) {
            interruptibility |= INTERRUPTIBILITY_NMI;
        }
        vmcs.write(VmcsField.GUEST_INTERRUPTIBILITY_INFO, interruptibility);
        vmcs.write(VmcsField.GUEST_ACTIVITY_STATE, state.halted ? ACTIVITY_HLT : ACTIVITY_ACTIVE);
        vmcs.write(VmcsField.GUEST_PENDING_DBG_EXCEPTIONS, 0);
    }
}
