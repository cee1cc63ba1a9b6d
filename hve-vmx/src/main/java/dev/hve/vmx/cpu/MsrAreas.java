package dev.hve.vmx.cpu;

import dev.hve.emulator.X86Core;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The MSR-load and MSR-store areas: arrays of 16-byte entries in host memory, bits 31:0 the MSR
 * index, 63:32 reserved, 127:64 the data (Intel SDM Vol. 3C §25.7.2, "VM-Exit Controls for MSRs"). VM entry loads
 * guest MSRs from its list (§27.4, "Loading MSRs"); VM exit stores guest MSRs into its list
 * (§28.4, "Saving MSRs"). The host's own MSRs are not modeled (the core is the guest's processor),
 * so the VM-exit MSR-load list (§28.6) is checked but has nothing to load into.
 */
final class MsrAreas {

    private static final int IA32_FS_BASE = 0xC000_0100;
    private static final int IA32_GS_BASE = 0xC000_0101;
    private static final int IA32_SMM_MONITOR_CTL = 0x9B;
    private static final int IA32_SMBASE = 0x9E;

    private MsrAreas() {
    }

    /**
     * Loads the VM-entry MSR-load list into the core.
     *
     * @return 0 on success, else the 1-based number of the entry that failed (the exit
     *         qualification of a VM-entry failure with reason 34)
     */
    static int loadOnEntry(Vmcs vmcs, X86Core core, HostMemory memory, long tsc) {
        int count = vmcs.read32(VmcsField.VM_ENTRY_MSR_LOAD_COUNT);
        long area = vmcs.read(VmcsField.VM_ENTRY_MSR_LOAD_ADDR);
        for (int i = 0; i < count; i++) {
            long entry = area + 16L * i;
            if (!memory.contains(entry, 16)) {
                return i + 1;
            }
            long head = memory.read64(entry);
            int index = (int) head;
            // §27.4: FS/GS base, the x2APIC range and the SMM MSRs may not be loaded this way.
            boolean forbidden = index == IA32_FS_BASE || index == IA32_GS_BASE || (index >>> 8) == 0x8
                || index == IA32_SMM_MONITOR_CTL || index == IA32_SMBASE;
            if ((head >>> 32) != 0 || forbidden || !core.msrs().write(index, memory.read64(entry + 8), tsc)) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * Stores guest MSRs into the VM-exit MSR-store list.
     *
     * @return 0 on success, else the 1-based number of the entry that failed (a VMX abort, §28.7)
     */
    static int storeOnExit(Vmcs vmcs, X86Core core, HostMemory memory, long tsc) {
        int count = vmcs.read32(VmcsField.VM_EXIT_MSR_STORE_COUNT);
        long area = vmcs.read(VmcsField.VM_EXIT_MSR_STORE_ADDR);
        for (int i = 0; i < count; i++) {
            long entry = area + 16L * i;
            if (!memory.contains(entry, 16)) {
                return i + 1;
            }
            long head = memory.read64(entry);
            int index = (int) head;
            if ((head >>> 32) != 0 || (index >>> 8) == 0x8 || index == IA32_SMBASE
                || !core.msrs().read(index, tsc)) {
                return i + 1;
            }
            memory.write64(entry + 8, core.msrs().value());
        }
        return 0;
    }
}
