package dev.hve.vmx.vmcs;

import dev.hve.emulator.memory.HostMemory;

/**
 * One virtual-machine control structure. Its region lives in modeled host memory (4 KiB, the
 * size IA32_VMX_BASIC reports) and starts with the VMCS revision identifier; the field data
 * itself is kept in an implementation-specific format, as on silicon (Intel SDM Vol. 3C §25.2,
 * "Format of the VMCS Region"): here an array indexed by {@link VmcsField#ordinal()}.
 *
 * <p>{@link #vmread}/{@link #vmwrite} are the instructions with their architectural failures;
 * {@link #read}/{@link #write} are the processor's own accesses (VM exits write the read-only
 * exit-information fields through them).
 */
public final class Vmcs {

    /** The size of a VMCS region. */
    public static final int REGION_SIZE = 4096;

    private final long[] values = new long[VmcsField.count()];
    private final HostMemory memory;
    private final long region;
    private final boolean writeAnyField;
    private LaunchState launchState = LaunchState.CLEAR;
    /** Writes that changed a settled field (see {@link VmcsField#rewrittenEveryExit()}). */
    private long settledChanges;

    /**
     * Allocates a VMCS region and writes the revision identifier into its first 31 bits, as
     * software must before VMPTRLD (§25.2); bit 31 (shadow-VMCS indicator) stays clear.
     *
     * @param writeAnyField IA32_VMX_MISC bit 29: VMWRITE may write read-only fields
     */
    public Vmcs(HostMemory memory, int revisionId, boolean writeAnyField) {
        this.memory = memory;
        this.region = memory.allocate(REGION_SIZE, REGION_SIZE);
        this.writeAnyField = writeAnyField;
        memory.write32(region, revisionId & 0x7FFF_FFFF);
        write(VmcsField.VMCS_LINK_POINTER, -1L);
    }

    /** The host-physical address of the VMCS region (the VMCS pointer). */
    public long region() {
        return region;
    }

    /** Bits 30:0 of the region's first doubleword. */
    public int revisionId() {
        return memory.read32(region) & 0x7FFF_FFFF;
    }

    /** The VMX-abort indicator at offset 4 (§25.2). */
    public int abortIndicator() {
        return memory.read32(region + 4);
    }

    public LaunchState launchState() {
        return launchState;
    }

    /** VMLAUNCH success makes the VMCS launched. */
    public void markLaunched() {
        launchState = LaunchState.LAUNCHED;
    }

    /** VMCLEAR: the launch state becomes clear (§31.3, VMCLEAR). */
    public void clear() {
        launchState = LaunchState.CLEAR;
    }

    /** The processor's read of a field. */
    public long read(VmcsField field) {
        return values[field.ordinal()];
    }

    /** The processor's write of a field, truncated to the field's width. */
    public void write(VmcsField field, long value) {
        int i = field.ordinal();
        long truncated = value & field.mask();
        if (values[i] != truncated) {
            values[i] = truncated;
            if (!field.rewrittenEveryExit()) {
                settledChanges++;
            }
        }
    }

    /**
     * A count that changes whenever a settled field (any field but those VM exits and entries
     * rewrite every time) changes value. VM entry uses it to skip re-verifying checks whose inputs
     * are all settled and unchanged since they last passed: the outcome of a check is a function
     * of the field values alone, so it cannot differ.
     */
    public long settledChanges() {
        return settledChanges;
    }

    public int read32(VmcsField field) {
        return (int) values[field.ordinal()];
    }

    /**
     * VMREAD (§31.3): reads the field named by {@code encoding}; a high access of a 64-bit field
     * returns bits 63:32. Narrow fields are zero-extended.
     *
     * @throws VmFailValid with error 12 when the encoding names no supported field
     */
    public long vmread(long encoding) {
        VmcsField field = VmcsField.byEncoding(encoding);
        if (field == null) {
            throw fail(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT);
        }
        long value = read(field);
        return VmcsField.isHighAccess(encoding) ? value >>> 32 : value;
    }

    /**
     * VMWRITE (§31.3): writes the field named by {@code encoding}. Bits of the source beyond the
     * field's width are ignored; a high access writes bits 63:32 only.
     *
     * @throws VmFailValid with error 12 for an unsupported field, 13 for a read-only field when
     *                     IA32_VMX_MISC bit 29 is clear
     */
    public void vmwrite(long encoding, long value) {
        VmcsField field = VmcsField.byEncoding(encoding);
        if (field == null) {
            throw fail(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT);
        }
        if (field.readOnly() && !writeAnyField) {
            throw fail(VmInstructionError.VMWRITE_READ_ONLY_COMPONENT);
        }
        if (VmcsField.isHighAccess(encoding)) {
            long old = read(field);
            write(field, (old & 0xFFFF_FFFFL) | (value << 32));
        } else {
            write(field, value);
        }
    }

    /** VMfailValid: records {@code error} in the VM-instruction error field. */
    public VmFailValid fail(int error) {
        write(VmcsField.VM_INSTRUCTION_ERROR, error);
        return new VmFailValid(error);
    }
}
