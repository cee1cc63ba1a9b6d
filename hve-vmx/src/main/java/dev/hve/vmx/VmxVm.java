package dev.hve.vmx;

import dev.hve.api.GuestMemory;
import dev.hve.api.HostCpu;
import dev.hve.api.MemoryMap;
import dev.hve.api.Vcpu;
import dev.hve.api.Vm;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.ept.EptBuilder;
import dev.hve.vmx.ept.EptPointer;
import dev.hve.vmx.memory.GuestRam;
import dev.hve.vmx.memory.RamGuestMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * A VT-x virtual machine: guest RAM and the EPT hierarchy that maps it, both in modeled host
 * memory, and the vCPUs. A new memory map builds a complete new EPT hierarchy and then switches
 * every vCPU's EPT pointer to it at once, so no vCPU ever sees half a map.
 */
public final class VmxVm implements Vm {

    private final HostCpu host;
    private final CpuModel cpuModel;
    private final HostMemory memory = new HostMemory();
    private final List<VmxVcpu> vcpus = new ArrayList<>();
    private final GuestMemory guestMemory;
    private volatile GuestRam ram = GuestRam.empty();
    private volatile long eptp;

    VmxVm(HostCpu host) {
        this.host = host;
        this.cpuModel = new HostCpuModel(host);
        this.guestMemory = new RamGuestMemory(() -> ram);
        this.eptp = EptPointer.of(new EptBuilder(memory, true).pml4(), false);
    }

    @Override
    public String backendName() {
        return VmxBackendProvider.NAME;
    }

    @Override
    public synchronized void setMemoryMap(MemoryMap map) {
        GuestRam placed = GuestRam.place(map, ram, memory);
        EptBuilder ept = new EptBuilder(memory, true);
        for (int i = 0; i < placed.blocks().regionCount(); i++) {
            ept.map(placed.blocks().guestStart(i), placed.blocks().hostStart(i), placed.blocks().size(i));
        }
        long pointer = EptPointer.of(ept.pml4(), false);
        ram = placed;
        eptp = pointer;
        for (VmxVcpu vcpu : vcpus) {
            vcpu.useEptPointer(pointer);
        }
    }

    @Override
    public MemoryMap memoryMap() {
        return ram.map();
    }

    @Override
    public GuestMemory memory() {
        return guestMemory;
    }

    @Override
    public synchronized Vcpu createVcpu() {
        VmxVcpu vcpu = new VmxVcpu(this, vcpus.size());
        vcpu.useEptPointer(eptp);
        vcpus.add(vcpu);
        return vcpu;
    }

    HostMemory hostMemory() {
        return memory;
    }

    CpuModel cpuModel() {
        return cpuModel;
    }

    HostCpu host() {
        return host;
    }

    GuestRam ram() {
        return ram;
    }
}
