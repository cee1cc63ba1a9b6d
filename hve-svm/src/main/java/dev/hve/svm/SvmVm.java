package dev.hve.svm;

import dev.hve.api.GuestMemory;
import dev.hve.api.HostCpu;
import dev.hve.api.MemoryMap;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.cpu.HostCpuModel;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.npt.GuestRam;
import dev.hve.svm.npt.NptBuilder;
import dev.hve.svm.npt.RamGuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * One SVM virtual machine: modeled host memory holding guest RAM, the nested page tables, and
 * each vCPU's VMCB, IOPM and MSRPM.
 */
public final class SvmVm implements Vm {

    /** A published memory layout and the nested page tables that map it. */
    record NestedPaging(GuestRam ram, long nCr3) {
    }

    private final HostMemory memory = new HostMemory();
    private final HostFeatures features;
    private final CpuModel cpuModel;
    private final GuestMemory guestMemory;
    private final List<SvmVcpu> vcpus = new ArrayList<>();
    private volatile NestedPaging paging;

    public SvmVm(HostCpu host) {
        this.features = new HostFeatures(host);
        if (!features.nestedPaging()) {
            throw new IllegalStateException("host CPU " + host.name() + " lacks nested paging (CPUID 8000_000Ah:EDX.NP)");
        }
        this.cpuModel = new HostCpuModel(host);
        // Page 0 of host memory is left unused so that host-physical 0 is never a valid structure.
        memory.allocate(MemoryMap.PAGE_SIZE, MemoryMap.PAGE_SIZE);
        GuestRam empty = GuestRam.empty();
        this.paging = new NestedPaging(empty, NptBuilder.build(memory, empty));
        this.guestMemory = new RamGuestMemory(() -> paging.ram());
    }

    @Override
    public String backendName() {
        return SvmBackendProvider.NAME;
    }

    /**
     * Lays out the new RAM, builds a complete new nested page-table tree for it, and only then
     * publishes it; each vCPU loads the new N_CR3 at its next VMRUN.
     */
    @Override
    public synchronized void setMemoryMap(MemoryMap map) {
        GuestRam ram = GuestRam.layOut(map, memory, paging.ram());
        long root = NptBuilder.build(memory, ram);
        paging = new NestedPaging(ram, root);
    }

    @Override
    public MemoryMap memoryMap() {
        return paging.ram().map();
    }

    @Override
    public GuestMemory memory() {
        return guestMemory;
    }

    @Override
    public synchronized Vcpu createVcpu() {
        SvmVcpu vcpu = new SvmVcpu(this, vcpus.size());
        vcpus.add(vcpu);
        return vcpu;
    }

    HostMemory hostMemory() {
        return memory;
    }

    HostFeatures features() {
        return features;
    }

    CpuModel cpuModel() {
        return cpuModel;
    }

    NestedPaging paging() {
        return paging;
    }

    /** Allocates zeroed, page-aligned host memory for a control structure. */
    synchronized long allocatePages(int bytes) {
        long address = memory.allocate(bytes, MemoryMap.PAGE_SIZE);
        memory.clear(address, bytes);
        return address;
    }
}
