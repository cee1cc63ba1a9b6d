package dev.hve.vmx.cpu;

import static dev.hve.vmx.vmcs.GuestSegmentFields.ACCESS_RIGHTS;
import static dev.hve.vmx.vmcs.GuestSegmentFields.BASE;
import static dev.hve.vmx.vmcs.GuestSegmentFields.LIMIT;
import static dev.hve.vmx.vmcs.GuestSegmentFields.SELECTOR;

import dev.hve.emulator.cpu.CpuState;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The guest's segment registers, GDTR, IDTR and IA32_SYSENTER MSRs as the core holds them after
 * loading them from one VMCS: 39 of the guest-state fields that VM entry loads (Intel SDM Vol. 3C
 * §27.3.2.1-27.3.2.2) and VM exit saves (§28.3.1-28.3.2) every time, though a guest rarely changes
 * them between two exits (an MMIO round trip changes none).
 *
 * <p>The mirror is <em>current</em> for a VMCS while that VMCS's settled fields (these are all
 * settled, see {@link Vmcs#settledChanges()}) are unchanged since the last VM exit saved them.
 * Then the mirror is exactly what loading them gives, so VM entry copies it instead of reading the
 * fields; and if the core still holds the same values at the next exit, saving them would write
 * every field with the value it has, so VM exit skips the writes. Either way the VMCS and the core
 * end up as the full transfer leaves them. Only a save makes the mirror current: a value the
 * monitor wrote may differ from what a save of the loaded value writes (a save clears the
 * reserved access-rights bits, §28.3.2, which the entry checks of §27.3.1.2 leave alone in an
 * unusable segment), while a saved value survives its own load and save unchanged.
 */
final class SegmentStateMirror {

    private static final int SEGMENTS = 8;

    private final int[] selector = new int[SEGMENTS];
    private final long[] base = new long[SEGMENTS];
    private final int[] limit = new int[SEGMENTS];
    private final int[] attributes = new int[SEGMENTS];
    private long gdtrBase;
    private int gdtrLimit;
    private long idtrBase;
    private int idtrLimit;
    private long sysenterCs;
    private long sysenterEsp;
    private long sysenterEip;
    /** The VMCS the mirror is current for, and its settled-change count when the mirror was made current. */
    private Vmcs vmcs;
    private long settledChanges;

    /** VM entry: the fields into the core, from the mirror when it is current for {@code source}. */
    void load(Vmcs source, CpuState state) {
        if (!currentFor(source)) {
            read(source);
            // Read from fields a save did not necessarily write: not current (see the class comment).
            this.vmcs = null;
        }
        // Element by element: for eight entries HotSpot's arraycopy and mismatch stubs cost more
        // to enter than the moves and compares themselves (profiled on the MMIO round trip).
        int[] coreSelector = state.segmentSelector;
        long[] coreBase = state.segmentBase;
        int[] coreLimit = state.segmentLimit;
        int[] coreAttributes = state.segmentAttributes;
        for (int s = 0; s < SEGMENTS; s++) {
            coreSelector[s] = selector[s];
            coreBase[s] = base[s];
            coreLimit[s] = limit[s];
            coreAttributes[s] = attributes[s];
        }
        state.gdtrBase = gdtrBase;
        state.gdtrLimit = gdtrLimit;
        state.idtrBase = idtrBase;
        state.idtrLimit = idtrLimit;
        state.sysenterCs = sysenterCs;
        state.sysenterEsp = sysenterEsp;
        state.sysenterEip = sysenterEip;
    }

    /**
     * VM exit: the fields from the core into {@code target}; no writes when the mirror is current
     * for it and the core holds the mirrored values (the fields hold what the writes would store).
     * Call {@link #saved} once the exit has written all it writes.
     */
    void save(CpuState state, Vmcs target) {
        if (currentFor(target) && coreHoldsMirror(state)) {
            return;
        }
        for (int s = 0; s < SEGMENTS; s++) {
            target.write(SELECTOR[s], state.segmentSelector[s]);
            target.write(BASE[s], state.segmentBase[s]);
            target.write(LIMIT[s], state.segmentLimit[s] & 0xFFFF_FFFFL);
            // §28.3.2: bits 11:8 and 31:17 of the access rights are always saved as 0.
            target.write(ACCESS_RIGHTS[s], state.segmentAttributes[s] & 0x1_F0FFL);
        }
        target.write(VmcsField.GUEST_GDTR_BASE, state.gdtrBase);
        target.write(VmcsField.GUEST_GDTR_LIMIT, state.gdtrLimit & 0xFFFF);
        target.write(VmcsField.GUEST_IDTR_BASE, state.idtrBase);
        target.write(VmcsField.GUEST_IDTR_LIMIT, state.idtrLimit & 0xFFFF);
        // §28.3.1: IA32_SYSENTER_CS/ESP/EIP are always saved.
        target.write(VmcsField.GUEST_SYSENTER_CS, state.sysenterCs);
        target.write(VmcsField.GUEST_SYSENTER_ESP, state.sysenterEsp);
        target.write(VmcsField.GUEST_SYSENTER_EIP, state.sysenterEip);
        read(target);
    }

    /**
     * The exit has finished writing {@code target}: its saved segment fields stay what the mirror
     * describes until a settled field changes again.
     */
    void saved(Vmcs target) {
        this.vmcs = target;
        this.settledChanges = target.settledChanges();
    }

    private boolean currentFor(Vmcs candidate) {
        return candidate == vmcs && candidate.settledChanges() == settledChanges;
    }

    private boolean coreHoldsMirror(CpuState state) {
        int[] coreSelector = state.segmentSelector;
        long[] coreBase = state.segmentBase;
        int[] coreLimit = state.segmentLimit;
        int[] coreAttributes = state.segmentAttributes;
        for (int s = 0; s < SEGMENTS; s++) {
            if (coreSelector[s] != selector[s] || coreBase[s] != base[s] || coreLimit[s] != limit[s]
                || coreAttributes[s] != attributes[s]) {
                return false;
            }
        }
        return gdtrBase == state.gdtrBase && gdtrLimit == state.gdtrLimit && idtrBase == state.idtrBase
            && idtrLimit == state.idtrLimit && sysenterCs == state.sysenterCs && sysenterEsp == state.sysenterEsp
            && sysenterEip == state.sysenterEip;
    }

    /** The fields as loading them gives them (§27.3.2.1-27.3.2.2). */
    private void read(Vmcs source) {
        for (int s = 0; s < SEGMENTS; s++) {
            selector[s] = (int) source.read(SELECTOR[s]);
            base[s] = source.read(BASE[s]);
            limit[s] = (int) source.read(LIMIT[s]);
            attributes[s] = source.read32(ACCESS_RIGHTS[s]);
        }
        gdtrBase = source.read(VmcsField.GUEST_GDTR_BASE);
        gdtrLimit = (int) source.read(VmcsField.GUEST_GDTR_LIMIT);
        idtrBase = source.read(VmcsField.GUEST_IDTR_BASE);
        idtrLimit = (int) source.read(VmcsField.GUEST_IDTR_LIMIT);
        // §27.3.2.1: IA32_SYSENTER_CS/ESP/EIP are always loaded from the guest-state area.
        sysenterCs = source.read(VmcsField.GUEST_SYSENTER_CS);
        sysenterEsp = source.read(VmcsField.GUEST_SYSENTER_ESP);
        sysenterEip = source.read(VmcsField.GUEST_SYSENTER_EIP);
    }
}
