package dev.hve.vmx.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.ExitControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.vmcs.VmcsField;
import org.junit.jupiter.api.Test;

/** The capability MSRs of Intel SDM Vol. 3C Appendix A. */
class VmxCapabilitiesTest {

    private final VmxCapabilities caps = new VmxCapabilities();

    @Test
    void basicReportsRevisionRegionSizeMemoryTypeAndTrueControls() {
        long basic = caps.read(VmxMsr.IA32_VMX_BASIC);
        assertEquals(VmxCapabilities.VMCS_REVISION_ID, (int) basic & 0x7FFF_FFFF);
        assertEquals(0, basic & (1L << 31), "bit 31 is always 0");
        assertEquals(4096, (basic >>> 32) & 0x1FFF);
        assertEquals(6, (basic >>> 50) & 0xF, "write-back");
        assertTrue((basic & (1L << 55)) != 0);
    }

    @Test
    void default1ControlsAreRequiredByTheNonTrueMsrsAndRelaxedByTheTrueOnes() {
        // Appendix A.3.2: CR3-load/store exiting are default1; TRUE_PROCBASED allows them to be 0.
        ControlCapability plain = ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_PROCBASED_CTLS));
        ControlCapability relaxed = ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_TRUE_PROCBASED_CTLS));
        int withoutCr3 = ProcessorControls.DEFAULT1 & ~(ProcessorControls.CR3_LOAD_EXITING | ProcessorControls.CR3_STORE_EXITING);
        assertFalse(plain.permits(withoutCr3));
        assertTrue(relaxed.permits(withoutCr3));
        assertEquals(ProcessorControls.DEFAULT1, plain.allowed0());
        assertEquals(PinBasedControls.DEFAULT1, (int) caps.read(VmxMsr.IA32_VMX_PINBASED_CTLS));
        assertEquals(ExitControls.DEFAULT1, (int) caps.read(VmxMsr.IA32_VMX_EXIT_CTLS));
        assertEquals(ExitControls.DEFAULT1 & ~ExitControls.SAVE_DEBUG_CONTROLS, (int) caps.read(VmxMsr.IA32_VMX_TRUE_EXIT_CTLS));
        assertEquals(EntryControls.DEFAULT1, (int) caps.read(VmxMsr.IA32_VMX_ENTRY_CTLS));
        assertEquals(EntryControls.DEFAULT1 & ~EntryControls.LOAD_DEBUG_CONTROLS, (int) caps.read(VmxMsr.IA32_VMX_TRUE_ENTRY_CTLS));
    }

    @Test
    void allowed1RejectsUnsupportedControls() {
        ControlCapability pin = caps.pinBased();
        assertTrue(pin.permits(PinBasedControls.DEFAULT1 | PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER));
        assertFalse(pin.permits(PinBasedControls.DEFAULT1 | PinBasedControls.PROCESS_POSTED_INTERRUPTS));
        assertFalse(caps.primary().permits(caps.primary().allowed0() | ProcessorControls.MONITOR_TRAP_FLAG));
        assertFalse(caps.primary().permits(0), "default1 bits 1, 4-6, 8, 13, 14, 26 stay required");
        assertThrows(IllegalArgumentException.class, () -> new ControlCapability(1, 0));
    }

    @Test
    void entryChecksUseTheTrueMsrs() {
        assertEquals(ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_TRUE_PINBASED_CTLS)), caps.pinBased());
        assertEquals(ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_TRUE_PROCBASED_CTLS)), caps.primary());
        assertEquals(ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_PROCBASED_CTLS2)), caps.secondary());
        assertEquals(ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_TRUE_EXIT_CTLS)), caps.exit());
        assertEquals(ControlCapability.fromMsr(caps.read(VmxMsr.IA32_VMX_TRUE_ENTRY_CTLS)), caps.entry());
    }

    @Test
    void fixedBitsOfCr0AndCr4() {
        assertEquals(0x8000_0021L, caps.read(VmxMsr.IA32_VMX_CR0_FIXED0));
        assertEquals(0x2000L, caps.read(VmxMsr.IA32_VMX_CR4_FIXED0));
        assertTrue(VmxCapabilities.cr0Valid(0x8000_0031L, false));
        assertFalse(VmxCapabilities.cr0Valid(0x11L, false), "PG required without unrestricted guest");
        assertTrue(VmxCapabilities.cr0Valid(0x30L, true), "PE and PG exempt for an unrestricted guest");
        assertFalse(VmxCapabilities.cr0Valid(0x10L, true), "NE stays required");
        assertFalse(VmxCapabilities.cr4Valid(0x20L));
        assertFalse(VmxCapabilities.cr4Valid(0x2000L | (1L << 12)), "LA57 is not supported");
    }

    @Test
    void miscAndEnumAndEptCapabilities() {
        long misc = caps.read(VmxMsr.IA32_VMX_MISC);
        assertEquals(4, (misc >>> 16) & 0x1FF, "CR3-target values");
        assertTrue(caps.supportsActivityState(1));
        assertFalse(caps.supportsActivityState(3), "wait-for-SIPI is not modeled");
        assertFalse(caps.supportsActivityState(2), "nor shutdown");
        assertEquals(0, misc & (1L << 29));
        int highest = 0;
        for (VmcsField f : VmcsField.values()) {
            highest = Math.max(highest, f.index());
        }
        assertEquals((long) highest << 1, caps.read(VmxMsr.IA32_VMX_VMCS_ENUM));
        long ept = caps.read(VmxMsr.IA32_VMX_EPT_VPID_CAP);
        assertTrue((ept & (1L << 6)) != 0 && (ept & (1L << 14)) != 0 && (ept & (1L << 21)) != 0);
        assertThrows(IllegalArgumentException.class, () -> caps.read(0x10));
    }
}
