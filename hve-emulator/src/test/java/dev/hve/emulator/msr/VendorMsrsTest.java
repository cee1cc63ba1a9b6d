package dev.hve.emulator.msr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each vendor's own MSRs: present on that vendor only, with their read-only and write-once rules. */
class VendorMsrsTest {

    @Test
    void eachVendorHasOnlyItsOwnSet() {
        VendorMsrs intel = new VendorMsrs(false);
        VendorMsrs amd = new VendorMsrs(true);
        assertFalse(intel.read(VendorMsrs.SYSCFG), "SYSCFG is AMD's");
        assertFalse(intel.write(0xC001_1020, 1L << 10), "LS_CFG is AMD's");
        assertFalse(amd.read(VendorMsrs.IA32_MISC_ENABLE), "MISC_ENABLE is Intel's");
        assertFalse(amd.write(VendorMsrs.IA32_FEATURE_CONTROL, 1), "FEATURE_CONTROL is Intel's");
        assertTrue(amd.write(0xC001_001F, 1L << 46), "NB_CFG");
        assertTrue(amd.read(0xC001_001F));
        assertEquals(1L << 46, amd.value());
        assertTrue(intel.read(VendorMsrs.IA32_MISC_ENABLE));
        assertEquals(1, intel.value(), "fast strings are on at reset");
    }

    @Test
    void readOnlyWriteOnceAndAlignment() {
        VendorMsrs intel = new VendorMsrs(false);
        assertFalse(intel.write(VendorMsrs.MSR_PLATFORM_INFO, 0), "read-only");
        assertTrue(intel.read(VendorMsrs.MSR_PLATFORM_INFO));
        assertEquals(30L << 8, intel.value());
        assertTrue(intel.write(VendorMsrs.IA32_FEATURE_CONTROL, 0x4));
        assertTrue(intel.write(VendorMsrs.IA32_FEATURE_CONTROL, 0x5), "the write that sets the lock");
        assertFalse(intel.write(VendorMsrs.IA32_FEATURE_CONTROL, 0x0), "locked until reset");
        assertTrue(intel.read(VendorMsrs.IA32_FEATURE_CONTROL));
        assertEquals(0x5, intel.value());
        VendorMsrs amd = new VendorMsrs(true);
        assertFalse(amd.write(VendorMsrs.VM_HSAVE_PA, 0x1234), "not page-aligned");
        assertTrue(amd.write(VendorMsrs.VM_HSAVE_PA, 0x5000));
    }

    @Test
    void allIndicesIsTheUnionOfBothSets() {
        int[] all = VendorMsrs.allIndices();
        for (int index : all) {
            assertTrue(VendorMsrs.vendorSpecific(index));
            assertTrue(new VendorMsrs(false).read(index) ^ new VendorMsrs(true).read(index),
                "0x" + Integer.toHexString(index) + " belongs to exactly one vendor");
        }
        assertArrayEquals(all, Arrays.stream(all).distinct().toArray(), "no MSR listed twice");
        assertFalse(VendorMsrs.vendorSpecific(MsrModel.IA32_EFER), "EFER is common");
        assertTrue(VendorMsrs.amdVendor(0x6874_7541));
        assertFalse(VendorMsrs.amdVendor(0x756E_6547), "Genu");
    }
}
