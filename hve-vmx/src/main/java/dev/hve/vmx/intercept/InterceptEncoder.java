package dev.hve.vmx.intercept;

import java.util.BitSet;

import dev.hve.api.InterceptConfig;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * Translates a vendor-neutral {@link InterceptConfig} into VT-x controls: the HLT, RDTSC and INVLPG
 * exiting controls, the exception bitmap, the I/O bitmaps A and B (Intel SDM Vol. 3C §25.6.4) and
 * the MSR bitmaps (§25.6.9), the bitmaps in modeled host memory. CPUID needs no control: it always
 * exits on VT-x, and the backend carries out the exits the monitor did not ask for.
 */
public final class InterceptEncoder {

    /** Size of each I/O bitmap and of the MSR-bitmap page. */
    public static final int BITMAP_PAGE = 4096;

    private static final int MSR_LOW_END = 0x1FFF;
    private static final long MSR_HIGH_BASE = 0xC000_0000L;

    private InterceptEncoder() {
    }

    /** Writes {@code config} into the VMCS and the three bitmap pages it points at. */
    public static void encode(InterceptConfig config, Vmcs vmcs, HostMemory memory) {
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL)
            & ~(ProcessorControls.HLT_EXITING | ProcessorControls.RDTSC_EXITING | ProcessorControls.INVLPG_EXITING
            | ProcessorControls.UNCONDITIONAL_IO_EXITING);
        primary |= ProcessorControls.USE_IO_BITMAPS | ProcessorControls.USE_MSR_BITMAPS;
        if (config.hlt()) {
            primary |= ProcessorControls.HLT_EXITING;
        }
        if (config.rdtsc()) {
            primary |= ProcessorControls.RDTSC_EXITING;
        }
        if (config.invlpg()) {
            primary |= ProcessorControls.INVLPG_EXITING;
        }
        vmcs.write(VmcsField.CPU_BASED_VM_EXEC_CONTROL, primary);
        vmcs.write(VmcsField.EXCEPTION_BITMAP, config.exceptionBitmap());
        // With mask = match = 0 every #PF matches, so bit 14 alone decides (§26.2).
        vmcs.write(VmcsField.PAGE_FAULT_ERROR_CODE_MASK, 0);
        vmcs.write(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH, 0);
        writeIoBitmaps(config, memory, vmcs.read(VmcsField.IO_BITMAP_A), vmcs.read(VmcsField.IO_BITMAP_B));
        writeMsrBitmap(config, memory, vmcs.read(VmcsField.MSR_BITMAP));
    }

    /** Bit n of bitmap A is port n (0000H-7FFFH); bit n of bitmap B is port 8000H + n. */
    static void writeIoBitmaps(InterceptConfig config, HostMemory memory, long bitmapA, long bitmapB) {
        byte[] a = new byte[BITMAP_PAGE];
        byte[] b = new byte[BITMAP_PAGE];
        // ports() hands out a copy of the 8 KiB set: take it once, not per step.
        BitSet ports = config.ports();
        for (int port = ports.nextSetBit(0); port >= 0 && port < 0x10000; port = ports.nextSetBit(port + 1)) {
            byte[] target = port < 0x8000 ? a : b;
            int bit = port & 0x7FFF;
            target[bit >>> 3] |= (byte) (1 << (bit & 7));
        }
        memory.writeBytes(bitmapA, a, 0, BITMAP_PAGE);
        memory.writeBytes(bitmapB, b, 0, BITMAP_PAGE);
    }

    /**
     * The MSR-bitmap page: read bitmap for low MSRs (00000000H-00001FFFH) at offset 0, for high
     * MSRs (C0000000H-C0001FFFH) at 1024, then the write bitmaps at 2048 and 3072. MSRs outside
     * both ranges exit whatever the bitmaps say.
     */
    static void writeMsrBitmap(InterceptConfig config, HostMemory memory, long bitmap) {
        byte[] page = new byte[BITMAP_PAGE];
        for (int i = 0; i <= MSR_LOW_END; i++) {
            if (config.interceptsMsr(i)) {
                setMsrBit(page, 0, i);
            }
            int high = (int) (MSR_HIGH_BASE + i);
            if (config.interceptsMsr(high)) {
                setMsrBit(page, 1024, i);
            }
        }
        memory.writeBytes(bitmap, page, 0, BITMAP_PAGE);
    }

    private static void setMsrBit(byte[] page, int readOffset, int bit) {
        page[readOffset + (bit >>> 3)] |= (byte) (1 << (bit & 7));
        page[readOffset + 2048 + (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }
}
