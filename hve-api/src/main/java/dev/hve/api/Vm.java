package dev.hve.api;

/** One virtual machine of a backend: its memory map and vCPUs. */
public interface Vm {

    /** The name of the backend that made this VM, such as {@code "vmx"}. */
    String backendName();

    /**
     * Replaces the whole guest-physical memory map at once. RAM that stays at the same place
     * keeps its contents. The backend rebuilds its nested page tables (EPT or NPT) from it.
     */
    void setMemoryMap(MemoryMap map);

    MemoryMap memoryMap();

    /** Guest-physical memory as the monitor sees it (RAM only; MMIO is the platform's). */
    GuestMemory memory();

    /** Creates the next vCPU; indexes start at 0. */
    Vcpu createVcpu();
}
