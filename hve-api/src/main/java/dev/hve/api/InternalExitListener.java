package dev.hve.api;

/**
 * Sees the exits a backend takes and carries out itself, which never reach the monitor as a
 * {@link VmExit}: instructions the common API has no exit kind for (see
 * {@link SensitiveInstruction}), exits the hardware takes whatever the controls say (CPUID on
 * VT-x), and the hypervisor's own housekeeping (a CR0/CR4 write to a host-owned bit). Tracing
 * tools use it to show every exit the modeled processor wrote; monitor logic must not depend on
 * it, because which exits are internal differs between vendors.
 */
@FunctionalInterface
public interface InternalExitListener {

    /**
     * Called once per internal exit, after the backend read the exit record and before it carried
     * the exit out.
     *
     * @param rip    the guest RIP the exit reported (the exiting instruction's, for instruction exits)
     * @param record the vendor record, as {@link Vcpu#lastExitRecord()} would return it now
     */
    void internalExit(Vcpu vcpu, long rip, VendorRecord record);
}
