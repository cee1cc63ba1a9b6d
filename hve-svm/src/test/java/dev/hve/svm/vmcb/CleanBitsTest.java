package dev.hve.svm.vmcb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.emulator.memory.HostMemory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The clean-bit map against the APM's table of VMCB clean bits (Vol. 2 §15.15.3), whose bit
 * numbers KVM's arch/x86/kvm/svm/svm.h repeats as VMCB_INTERCEPTS = 0 ... VMCB_AVIC = 11.
 */
class CleanBitsTest {

    @Test
    void bitNumbersAreTheApms() {
        int[] bits = {CleanBits.I, CleanBits.IOPM, CleanBits.ASID, CleanBits.TPR, CleanBits.NP, CleanBits.CRX,
            CleanBits.DRX, CleanBits.DT, CleanBits.SEG, CleanBits.CR2, CleanBits.LBR, CleanBits.AVIC};
        for (int i = 0; i < bits.length; i++) {
            assertEquals(1 << i, bits[i]);
        }
        assertEquals(0xFFF, CleanBits.ALL);
    }

    @Test
    void eachFieldBelongsToItsArea() {
        Map<Integer, Integer> fields = Map.ofEntries(
            Map.entry(VmcbLayout.INTERCEPT_CR, CleanBits.I),
            Map.entry(VmcbLayout.INTERCEPT_DR, CleanBits.I),
            Map.entry(VmcbLayout.INTERCEPT_EXCEPTIONS, CleanBits.I),
            Map.entry(VmcbLayout.INTERCEPT_VECTOR3, CleanBits.I),
            Map.entry(VmcbLayout.INTERCEPT_VECTOR4, CleanBits.I),
            Map.entry(VmcbLayout.INTERCEPT_VECTOR5, CleanBits.I),
            Map.entry(VmcbLayout.PAUSE_FILTER_THRESHOLD, CleanBits.I),
            Map.entry(VmcbLayout.PAUSE_FILTER_COUNT, CleanBits.I),
            Map.entry(VmcbLayout.TSC_OFFSET, CleanBits.I),
            Map.entry(VmcbLayout.IOPM_BASE_PA, CleanBits.IOPM),
            Map.entry(VmcbLayout.MSRPM_BASE_PA, CleanBits.IOPM),
            Map.entry(VmcbLayout.GUEST_ASID, CleanBits.ASID),
            Map.entry(VmcbLayout.V_TPR, CleanBits.TPR),
            Map.entry(VmcbLayout.V_INTR_VECTOR, CleanBits.TPR),
            Map.entry(VmcbLayout.NP_ENABLE, CleanBits.NP),
            Map.entry(VmcbLayout.N_CR3, CleanBits.NP),
            Map.entry(VmcbLayout.G_PAT, CleanBits.NP),
            Map.entry(VmcbLayout.CR0, CleanBits.CRX),
            Map.entry(VmcbLayout.CR3, CleanBits.CRX),
            Map.entry(VmcbLayout.CR4, CleanBits.CRX),
            Map.entry(VmcbLayout.EFER, CleanBits.CRX),
            Map.entry(VmcbLayout.DR6, CleanBits.DRX),
            Map.entry(VmcbLayout.DR7, CleanBits.DRX),
            Map.entry(VmcbLayout.GDTR + VmcbLayout.SEGMENT_LIMIT, CleanBits.DT),
            Map.entry(VmcbLayout.IDTR + VmcbLayout.SEGMENT_BASE, CleanBits.DT),
            Map.entry(VmcbLayout.ES, CleanBits.SEG),
            Map.entry(VmcbLayout.CS + VmcbLayout.SEGMENT_ATTRIB, CleanBits.SEG),
            Map.entry(VmcbLayout.SS + VmcbLayout.SEGMENT_LIMIT, CleanBits.SEG),
            Map.entry(VmcbLayout.DS + VmcbLayout.SEGMENT_BASE, CleanBits.SEG),
            Map.entry(VmcbLayout.CPL, CleanBits.SEG),
            Map.entry(VmcbLayout.CR2, CleanBits.CR2),
            Map.entry(VmcbLayout.DBGCTL, CleanBits.LBR),
            Map.entry(VmcbLayout.LASTEXCPTO, CleanBits.LBR),
            Map.entry(VmcbLayout.AVIC_APIC_BAR, CleanBits.AVIC),
            Map.entry(VmcbLayout.AVIC_PHYSICAL_TABLE, CleanBits.AVIC),
            // No clean bit: reloaded by every VMRUN, or written only by the processor.
            Map.entry(VmcbLayout.TLB_CONTROL, 0),
            Map.entry(VmcbLayout.INTERRUPT_SHADOW, 0),
            Map.entry(VmcbLayout.EXITCODE, 0),
            Map.entry(VmcbLayout.EXITINFO1, 0),
            Map.entry(VmcbLayout.EVENTINJ, 0),
            Map.entry(VmcbLayout.VMCB_CLEAN, 0),
            Map.entry(VmcbLayout.NRIP, 0),
            Map.entry(VmcbLayout.GUEST_INSTRUCTION_BYTES, 0),
            Map.entry(VmcbLayout.FS, 0),
            Map.entry(VmcbLayout.GS + VmcbLayout.SEGMENT_BASE, 0),
            Map.entry(VmcbLayout.LDTR, 0),
            Map.entry(VmcbLayout.TR, 0),
            Map.entry(VmcbLayout.RFLAGS, 0),
            Map.entry(VmcbLayout.RIP, 0),
            Map.entry(VmcbLayout.RSP, 0),
            Map.entry(VmcbLayout.RAX, 0),
            Map.entry(VmcbLayout.STAR, 0),
            Map.entry(VmcbLayout.KERNEL_GS_BASE, 0),
            Map.entry(VmcbLayout.SYSENTER_EIP, 0));
        fields.forEach((offset, bit) ->
            assertEquals(bit, CleanBits.covering(offset, 1), "offset 0x" + Integer.toHexString(offset)));
    }

    @Test
    void theWriterClearsOnlyTheAreasItWrites() {
        HostMemory memory = new HostMemory();
        Vmcb vmcb = new Vmcb(memory, memory.allocate(VmcbLayout.SIZE, VmcbLayout.SIZE));
        VmcbWriter writer = new VmcbWriter(vmcb);
        writer.markAllClean();
        writer.write64(VmcbLayout.RIP, 0x1000);
        assertEquals(CleanBits.ALL, vmcb.read32(VmcbLayout.VMCB_CLEAN));
        writer.write64(VmcbLayout.CR3, 0x5000);
        writer.write8(VmcbLayout.CPL, 3);
        assertEquals(CleanBits.ALL & ~(CleanBits.CRX | CleanBits.SEG), vmcb.read32(VmcbLayout.VMCB_CLEAN));
        // A quadword write at GUEST_ASID also covers TLB_CONTROL, which no bit covers.
        writer.write64(VmcbLayout.GUEST_ASID, 1);
        assertEquals(CleanBits.ALL & ~(CleanBits.CRX | CleanBits.SEG | CleanBits.ASID),
            vmcb.read32(VmcbLayout.VMCB_CLEAN));
        writer.markAllClean();
        writer.setBit(VmcbLayout.INTERCEPT_VECTOR3, 4, false);
        assertEquals(CleanBits.ALL, vmcb.read32(VmcbLayout.VMCB_CLEAN), "a bit that already had the value: no write");
        writer.setBit(VmcbLayout.INTERCEPT_VECTOR3, 4, true);
        assertEquals(CleanBits.ALL & ~CleanBits.I, vmcb.read32(VmcbLayout.VMCB_CLEAN));
    }
}
