package dev.hve.platform.irq;

import dev.hve.platform.mmio.MmioDevice;
import java.util.function.IntSupplier;

/**
 * The local APIC page at 0xFEE00000 on the MMIO bus. Every processor sees its own APIC at the
 * same address, so the window asks which vCPU is accessing it and forwards there. The registers
 * are 32 bits wide on 16-byte boundaries; narrower reads see part of the register, and other
 * writes are dropped, as the SDM leaves them undefined.
 */
public final class LocalApicWindow implements MmioDevice {

    private final LocalApic[] apics;
    private final IntSupplier currentVcpu;

    /** @param currentVcpu the index of the vCPU whose access is being emulated */
    public LocalApicWindow(LocalApic[] apics, IntSupplier currentVcpu) {
        this.apics = apics.clone();
        this.currentVcpu = currentVcpu;
    }

    @Override
    public String name() {
        return "local-apic";
    }

    @Override
    public long read(long offset, int size) {
        LocalApic apic = apics[currentVcpu.getAsInt()];
        if (!apic.hardwareEnabled()) {
            return -1L; // a globally disabled APIC decodes nothing: the bus floats
        }
        if (offset >= 0x400) {
            return 0;
        }
        int register = (int) offset & ~0xF;
        int within = (int) offset & 0xF;
        if (within >= 4) {
            return 0;
        }
        long value = apic.readRegister(register) & 0xFFFF_FFFFL;
        return value >>> (8 * within);
    }

    @Override
    public void write(long offset, int size, long value) {
        LocalApic apic = apics[currentVcpu.getAsInt()];
        if (!apic.hardwareEnabled() || offset >= 0x400 || (offset & 0xF) != 0 || size < 4) {
            return;
        }
        apic.writeRegister((int) offset, (int) value);
    }
}
