package dev.hve.vmx.intercept;

import dev.hve.api.InterceptConfig;
import dev.hve.api.SensitiveInstruction;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.controls.ProcessorControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * Translates a vendor-neutral {@link InterceptConfig} into VT-x controls: the HLT, RDTSC and INVLPG
 * exiting controls, the exception bitmap, the I/O bitmaps A and B (Intel SDM Vol. 3C §25.6.4) and
 * the MSR bitmaps (§25.6.9), the bitmaps in modeled host memory, and the controls of the
 * {@link SensitiveInstruction}s (§25.6.2, §25.6.6). CPUID, INVD and XSETBV need no control: they
 * always exit on VT-x (§26.1.2), and the backend carries out the exits the monitor did not ask for.
 */
public final class InterceptEncoder {

    /** Size of each I/O bitmap and of the MSR-bitmap page. */
    public static final int BITMAP_PAGE = 4096;

    private static final int MSR_LOW_END = 0x1FFF;
    private static final long MSR_HIGH_BASE = 0xC000_0000L;

    private InterceptEncoder() {
    }

    /** MOV CR intercepts besides the CR0/CR4 masks: every CR3 and CR8 load and store (§26.1.3). */
    private static final int MOV_CR_PRIMARY = ProcessorControls.CR3_LOAD_EXITING | ProcessorControls.CR3_STORE_EXITING
        | ProcessorControls.CR8_LOAD_EXITING | ProcessorControls.CR8_STORE_EXITING;
    /** The primary controls this encoder owns. */
    private static final int PRIMARY_OWNED = ProcessorControls.HLT_EXITING | ProcessorControls.RDTSC_EXITING
        | ProcessorControls.INVLPG_EXITING | ProcessorControls.UNCONDITIONAL_IO_EXITING | ProcessorControls.PAUSE_EXITING
        | ProcessorControls.RDPMC_EXITING | ProcessorControls.MOV_DR_EXITING | MOV_CR_PRIMARY;
    private static final int SECONDARY_OWNED = SecondaryControls.WBINVD_EXITING
        | SecondaryControls.DESCRIPTOR_TABLE_EXITING;

    /**
     * Writes {@code config} into the VMCS and the three bitmap pages it points at.
     *
     * @param cr0HostOwned the CR0 bits the hypervisor owns for itself (the guest/host mask without
     *                     MOV CR intercepts); likewise {@code cr4HostOwned}
     */
    public static void encode(InterceptConfig config, Vmcs vmcs, HostMemory memory, long cr0HostOwned,
                              long cr4HostOwned) {
        int primary = vmcs.read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL) & ~PRIMARY_OWNED;
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
        if (config.intercepts(SensitiveInstruction.PAUSE)) {
            primary |= ProcessorControls.PAUSE_EXITING;
        }
        if (config.intercepts(SensitiveInstruction.RDPMC)) {
            primary |= ProcessorControls.RDPMC_EXITING;
        }
        if (config.intercepts(SensitiveInstruction.MOV_DR)) {
            primary |= ProcessorControls.MOV_DR_EXITING;
        }
        boolean movCr = config.intercepts(SensitiveInstruction.MOV_CR);
        if (movCr) {
            primary |= MOV_CR_PRIMARY;
            // With no CR3-target values every MOV to CR3 exits (§26.1.3).
            vmcs.write(VmcsField.CR3_TARGET_COUNT, 0);
        }
        vmcs.write(VmcsField.CPU_BASED_VM_EXEC_CONTROL, primary);
        int secondary = vmcs.read32(VmcsField.SECONDARY_VM_EXEC_CONTROL) & ~SECONDARY_OWNED;
        if (config.intercepts(SensitiveInstruction.WBINVD)) {
            secondary |= SecondaryControls.WBINVD_EXITING;
        }
        if (config.intercepts(SensitiveInstruction.DESCRIPTOR_TABLE)) {
            secondary |= SecondaryControls.DESCRIPTOR_TABLE_EXITING;
        }
        vmcs.write(VmcsField.SECONDARY_VM_EXEC_CONTROL, secondary);
        // A mask of all ones makes every CR0/CR4 write that changes the guest's view exit (§26.1.3).
        setMask(vmcs, VmcsField.GUEST_CR0, VmcsField.CR0_GUEST_HOST_MASK, VmcsField.CR0_READ_SHADOW,
            movCr ? -1L : cr0HostOwned);
        setMask(vmcs, VmcsField.GUEST_CR4, VmcsField.CR4_GUEST_HOST_MASK, VmcsField.CR4_READ_SHADOW,
            movCr ? -1L : cr4HostOwned);
        vmcs.write(VmcsField.EXCEPTION_BITMAP, config.exceptionBitmap());
        // With mask = match = 0 every #PF matches, so bit 14 alone decides (§26.2).
        vmcs.write(VmcsField.PAGE_FAULT_ERROR_CODE_MASK, 0);
        vmcs.write(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH, 0);
        writeIoBitmaps(config, memory, vmcs.read(VmcsField.IO_BITMAP_A), vmcs.read(VmcsField.IO_BITMAP_B));
        writeMsrBitmap(config, memory, vmcs.read(VmcsField.MSR_BITMAP));
    }

    /**
     * Changes a guest/host mask without changing what the guest reads: the read shadow takes the
     * guest's current view of every bit first (§26.3: reads return the shadow for masked bits).
     */
    private static void setMask(Vmcs vmcs, VmcsField real, VmcsField mask, VmcsField shadow, long newMask) {
        long oldMask = vmcs.read(mask);
        long view = (vmcs.read(real) & ~oldMask) | (vmcs.read(shadow) & oldMask);
        vmcs.write(shadow, view);
        vmcs.write(mask, newMask);
    }

    /** Bit n of bitmap A is port n (0000H-7FFFH); bit n of bitmap B is port 8000H + n. */
    static void writeIoBitmaps(InterceptConfig config, HostMemory memory, long bitmapA, long bitmapB) {
        byte[] ports = config.portBitmap(); // ports 0000H-7FFFH, then 8000H-FFFFH
        memory.writeBytes(bitmapA, ports, 0, BITMAP_PAGE);
        memory.writeBytes(bitmapB, ports, BITMAP_PAGE, BITMAP_PAGE);
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
