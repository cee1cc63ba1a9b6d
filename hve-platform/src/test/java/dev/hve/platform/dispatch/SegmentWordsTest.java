package dev.hve.platform.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.Segment;
import dev.hve.emulator.cpu.CpuState;
import org.junit.jupiter.api.Test;

/**
 * MMIO decode hands the vCPU's bulk segment words ({@code Vcpu.readSegments}) to the emulator
 * unchanged, so the API's attribute word must mean what the core's does: descriptor bits 15:0 and
 * the unusable flag in the same bit.
 */
class SegmentWordsTest {

    @Test
    void theApisUnusableBitIsTheCoresOwn() {
        assertEquals(CpuState.SEGMENT_UNUSABLE, Segment.UNUSABLE);
    }
}
