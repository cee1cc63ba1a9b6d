package dev.hve.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.vmcs.Vmcs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoding a common exit into the VMCS and decoding it with the first-level handler gives it back. */
class ExitRecordRoundTripTest {

    private final Vmcs vmcs = new Vmcs(new HostMemory(), VmxCapabilities.VMCS_REVISION_ID, false);

    private VmExit trip(VmExit exit) {
        long[] gpr = new long[16];
        ExitRecordEncoder.encode(exit, vmcs, gpr);
        return FirstLevelExitHandler.commonExit(vmcs, gpr, gpa -> false, "test");
    }

    @Test
    void everyKindSurvives() {
        List<VmExit> exits = List.of(
            new VmExit.PortIo(0x3F8, 1, false, false, false, 4, SegmentRegister.DS, 0x48),
            new VmExit.PortIo(0x60, 4, true, false, false, 8, SegmentRegister.DS, 0),
            new VmExit.PortIo(0x1F0, 2, false, false, false, 2, SegmentRegister.DS, 0xBEEF),
            new VmExit.PortIo(0x1F0, 2, true, true, true, 2, SegmentRegister.ES, 0),
            new VmExit.PortIo(0xFFFF, 4, false, true, false, 8, SegmentRegister.GS, 0),
            new VmExit.Cpuid(0x8000_0001, 0),
            new VmExit.Cpuid(7, 1),
            new VmExit.Hlt(),
            new VmExit.MsrAccess(0xC000_0080, false, 0),
            new VmExit.MsrAccess(0x1B, true, 0xFEE0_0900L),
            new VmExit.Hypercall(),
            new VmExit.Exception(13, 0x18, true, 0),
            new VmExit.Exception(14, 2, true, 0xDEAD_B000L),
            new VmExit.Exception(3, 0, false, 0),
            new VmExit.InterruptWindow(),
            new VmExit.Preempted());
        for (VmExit exit : exits) {
            assertEquals(exit, trip(exit), exit.toString());
        }
    }

    @Test
    void kindsWithUnrepresentableDetailKeepTheirPayload() {
        VmExit.MmioAccess mmio = (VmExit.MmioAccess) trip(new VmExit.MmioAccess(0xFEE0_0030L, true, false, new byte[0]));
        assertEquals(0xFEE0_0030L, mmio.guestPhysicalAddress());
        assertEquals(true, mmio.write());
        assertEquals(false, mmio.fetch());
        assertEquals(0, mmio.instructionBytes().length);
        VmExit.MmioAccess fetch = (VmExit.MmioAccess) trip(new VmExit.MmioAccess(0xFEE0_0000L, false, true, new byte[0]));
        assertEquals(true, fetch.fetch());
        assertEquals(VmExit.Shutdown.class, trip(new VmExit.Shutdown("x")).getClass());
        assertEquals(0, ((VmExit.EntryFailure) trip(new VmExit.EntryFailure("x", 0))).vendorError());
        assertThrows(IllegalArgumentException.class, () -> trip(new VmExit.EntryFailure("VMfailValid", 7)));
    }
}
