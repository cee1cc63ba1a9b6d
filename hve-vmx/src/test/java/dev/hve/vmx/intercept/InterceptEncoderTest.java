package dev.hve.vmx.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.InterceptConfig;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The I/O bitmaps (Intel SDM Vol. 3C §25.6.4) and the MSR-bitmap page layout (§25.6.9). */
class InterceptEncoderTest {

    private final HostMemory memory = new HostMemory();
    private final Vmcs vmcs = new Vmcs(memory, VmxCapabilities.VMCS_REVISION_ID, false);

    private int bit(long base, int offset, int index) {
        return memory.read8(base + offset + index / 8) >>> (index % 8) & 1;
    }

    @Test
    void bitmapsAndControls() {
        long a = memory.allocate(4096, 4096);
        long b = memory.allocate(4096, 4096);
        long msr = memory.allocate(4096, 4096);
        vmcs.write(VmcsField.IO_BITMAP_A, a);
        vmcs.write(VmcsField.IO_BITMAP_B, b);
        vmcs.write(VmcsField.MSR_BITMAP, msr);
        BitSet ports = new BitSet();
        ports.set(0x3F8);
        ports.set(0x8000);
        ports.set(0xFFFF);
        InterceptConfig config = new InterceptConfig(ports, Set.of(0x10, 0xC000_0080, 0x2000), 1 << 14, true, true, true, false);
        InterceptEncoder.encode(config, vmcs, memory, 1L << 5, 1L << 13);

        assertEquals(1, bit(a, 0, 0x3F8));
        assertEquals(0, bit(a, 0, 0x3F9));
        assertEquals(1, bit(b, 0, 0x0000), "port 8000h is bit 0 of bitmap B");
        assertEquals(1, bit(b, 0, 0x7FFF));
        assertEquals(1, bit(msr, 0, 0x10), "read-low");
        assertEquals(1, bit(msr, 2048, 0x10), "write-low");
        assertEquals(1, bit(msr, 1024, 0x80), "read-high: C0000080h");
        assertEquals(1, bit(msr, 3072, 0x80), "write-high");
        assertEquals(0, bit(msr, 0, 0x11));
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL);
        assertEquals(ProcessorControls.HLT_EXITING, primary & ProcessorControls.HLT_EXITING);
        assertEquals(ProcessorControls.RDTSC_EXITING, primary & ProcessorControls.RDTSC_EXITING);
        assertEquals(0, primary & ProcessorControls.INVLPG_EXITING);
        assertEquals(ProcessorControls.USE_IO_BITMAPS | ProcessorControls.USE_MSR_BITMAPS,
            primary & (ProcessorControls.USE_IO_BITMAPS | ProcessorControls.USE_MSR_BITMAPS));
        assertEquals(1 << 14, vmcs.read32(VmcsField.EXCEPTION_BITMAP));
    }
}
