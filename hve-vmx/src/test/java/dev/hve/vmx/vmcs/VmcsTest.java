package dev.hve.vmx.vmcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import org.junit.jupiter.api.Test;

/** VMREAD/VMWRITE semantics and failures (Intel SDM Vol. 3C §31.3, VMREAD and VMWRITE). */
class VmcsTest {

    private final HostMemory memory = new HostMemory();

    private Vmcs vmcs(boolean writeAny) {
        return new Vmcs(memory, VmxCapabilities.VMCS_REVISION_ID, writeAny);
    }

    @Test
    void regionStartsWithTheRevisionIdentifierAndTheVmcsStartsClear() {
        Vmcs vmcs = vmcs(false);
        assertEquals(VmxCapabilities.VMCS_REVISION_ID, memory.read32(vmcs.region()));
        assertEquals(0, vmcs.region() & 0xFFF);
        assertEquals(LaunchState.CLEAR, vmcs.launchState());
    }

    @Test
    void narrowFieldsTruncateAndZeroExtend() {
        Vmcs vmcs = vmcs(false);
        vmcs.vmwrite(VmcsField.GUEST_CS_SELECTOR.encoding(), 0x1234_5678L);
        assertEquals(0x5678, vmcs.vmread(0x0802));
        vmcs.vmwrite(VmcsField.EXCEPTION_BITMAP.encoding(), 0xFFFF_FFFF_8000_0001L);
        assertEquals(0x8000_0001L, vmcs.vmread(0x4004));
        vmcs.vmwrite(VmcsField.GUEST_RIP.encoding(), 0xFFFF_8000_0000_1000L);
        assertEquals(0xFFFF_8000_0000_1000L, vmcs.vmread(0x681E));
    }

    @Test
    void highAccessReadsAndWritesBits63To32() {
        Vmcs vmcs = vmcs(false);
        vmcs.vmwrite(0x2010, 0x1111_2222_3333_4444L); // TSC offset (full)
        assertEquals(0x1111_2222L, vmcs.vmread(0x2011));
        vmcs.vmwrite(0x2011, 0xAAAA_BBBB_5555_6666L); // high: bits 31:0 of the source go to 63:32
        assertEquals(0x5555_6666_3333_4444L, vmcs.vmread(0x2010));
    }

    @Test
    void unsupportedComponentIsError12() {
        Vmcs vmcs = vmcs(false);
        VmFailValid read = assertThrows(VmFailValid.class, () -> vmcs.vmread(0x4030));
        assertEquals(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT, read.error());
        assertEquals(12, vmcs.read(VmcsField.VM_INSTRUCTION_ERROR));
        VmFailValid write = assertThrows(VmFailValid.class, () -> vmcs.vmwrite(0x0801, 0));
        assertEquals(12, write.error());
        assertEquals(12, assertThrows(VmFailValid.class, () -> vmcs.vmwrite(1L << 32 | 0x4000, 0)).error());
    }

    @Test
    void writingReadOnlyDataIsError13UnlessMiscBit29() {
        Vmcs strict = vmcs(false);
        VmFailValid failure = assertThrows(VmFailValid.class, () -> strict.vmwrite(VmcsField.EXIT_QUALIFICATION.encoding(), 1));
        assertEquals(VmInstructionError.VMWRITE_READ_ONLY_COMPONENT, failure.error());
        assertEquals(13, strict.vmread(VmcsField.VM_INSTRUCTION_ERROR.encoding()));
        assertEquals(0, strict.vmread(VmcsField.EXIT_QUALIFICATION.encoding()));

        Vmcs lenient = vmcs(true);
        lenient.vmwrite(VmcsField.EXIT_QUALIFICATION.encoding(), 0x42);
        assertEquals(0x42, lenient.vmread(VmcsField.EXIT_QUALIFICATION.encoding()));
        assertEquals(true, new VmxCapabilities(true).vmwriteAnyField());
        assertEquals(1L << 29, new VmxCapabilities(true).read(0x485) & (1L << 29));
    }
}
