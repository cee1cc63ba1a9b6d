package dev.hve.emulator.msr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.cpu.CpuState;
import org.junit.jupiter.api.Test;

/** The MSR model: storage, reserved bits, read-only bits and vendor differences. */
class MsrModelTest {

    @Test
    void eferRules() {
        CpuState s = new CpuState();
        MsrModel intel = new MsrModel(s, false);
        assertTrue(intel.write(MsrModel.IA32_EFER, CpuState.EFER_SCE | CpuState.EFER_LME | CpuState.EFER_NXE, 0));
        assertEquals(CpuState.EFER_SCE | CpuState.EFER_LME | CpuState.EFER_NXE, s.efer);
        assertFalse(intel.write(MsrModel.IA32_EFER, CpuState.EFER_SVME, 0), "SVME is reserved on Intel");
        assertFalse(intel.write(MsrModel.IA32_EFER, 1L << 20, 0), "reserved bit");
        assertTrue(intel.write(MsrModel.IA32_EFER, s.efer | CpuState.EFER_LMA, 0), "LMA is ignored on write");
        assertEquals(0, s.efer & CpuState.EFER_LMA);
        s.cr0 |= CpuState.CR0_PG | CpuState.CR0_PE;
        assertFalse(intel.write(MsrModel.IA32_EFER, CpuState.EFER_SCE, 0), "LME cannot change while paging");
        MsrModel amd = new MsrModel(new CpuState(), true);
        assertTrue(amd.write(MsrModel.IA32_EFER, CpuState.EFER_SVME, 0));
    }

    @Test
    void storageAndValidation() {
        CpuState s = new CpuState();
        MsrModel m = new MsrModel(s, false);
        assertTrue(m.write(0x200 + 3, 0xABCD_E000L, 0), "variable MTRR storage");
        assertTrue(m.read(0x203, 0));
        assertEquals(0xABCD_E000L, m.value());
        assertFalse(m.write(MsrModel.IA32_PAT, 0x0000_0000_0000_0002L, 0), "PAT type 2 is reserved");
        assertTrue(m.write(MsrModel.IA32_PAT, 0x0007_0406_0007_0401L, 0));
        assertEquals(0x0007_0406_0007_0401L, s.pat);
        assertFalse(m.write(MsrModel.IA32_LSTAR, 0x0000_8000_0000_0000L, 0), "non-canonical LSTAR");
        assertTrue(m.write(MsrModel.IA32_GS_BASE, 0xFFFF_8000_0000_1000L, 0));
        assertEquals(0xFFFF_8000_0000_1000L, s.segmentBase[CpuState.GS]);
        assertFalse(m.read(0x1234, 0), "unknown MSR");
        assertFalse(m.read(VendorMsrs.VM_HSAVE_PA, 0), "an AMD MSR on the Intel model");
    }

    @Test
    void tscWritesMoveTheBias() {
        MsrModel m = new MsrModel(new CpuState(), false);
        assertTrue(m.read(MsrModel.IA32_TSC, 100));
        assertEquals(100, m.value());
        assertTrue(m.write(MsrModel.IA32_TSC, 1_000_000, 100));
        assertTrue(m.read(MsrModel.IA32_TSC, 150));
        assertEquals(1_000_050, m.value());
    }

    @Test
    void vendorStorageMsrs() {
        MsrModel amd = new MsrModel(new CpuState(), true);
        assertTrue(amd.write(0xC001_001A, 0x1000_0000L, 0), "TOP_MEM");
        assertTrue(amd.read(0xC001_001A, 0));
        assertEquals(0x1000_0000L, amd.value());
        assertFalse(new MsrModel(new CpuState(), false).read(0xC001_001A, 0), "not on Intel");
    }
}
