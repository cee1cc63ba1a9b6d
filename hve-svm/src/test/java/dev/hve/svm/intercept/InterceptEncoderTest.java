package dev.hve.svm.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.InterceptConfig;
import dev.hve.api.SensitiveInstruction;
import dev.hve.emulator.memory.HostMemory;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import dev.hve.svm.vmcb.VmcbWriter;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterceptEncoderTest {

    private final HostMemory memory = new HostMemory();
    private final Vmcb vmcb = new Vmcb(memory, memory.allocate(4096, 4096));
    private final VmcbWriter writer = new VmcbWriter(vmcb);
    private final long iopm = memory.allocate(Iopm.SIZE, 4096);
    private final long msrpm = memory.allocate(Msrpm.SIZE, 4096);

    private static InterceptConfig config(BitSet ports, Set<Integer> msrs, int exceptions, boolean cpuid, boolean hlt,
                                          boolean rdtsc, boolean invlpg) {
        return new InterceptConfig(ports, msrs, exceptions, cpuid, hlt, rdtsc, invlpg);
    }

    @Test
    void neutralFlagsBecomeInterceptVectorBits() {
        BitSet ports = new BitSet();
        InterceptConfig none = config(ports, Set.of(), 0, false, false, false, false);
        InterceptEncoder.encode(none, writer, iopm, msrpm);
        int v3 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3);
        int v4 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4);
        assertEquals(0, v3 >>> InterceptBits.CPUID & 1);
        assertEquals(0, v3 >>> InterceptBits.HLT & 1);
        assertEquals(0, v3 >>> InterceptBits.RDTSC & 1);
        assertEquals(0, v3 >>> InterceptBits.INVLPG & 1);
        assertEquals(0, v4 >>> InterceptBits.RDTSCP & 1);

        InterceptConfig all = config(ports, Set.of(), 1 << 14 | 1 << 6, true, true, true, true);
        InterceptEncoder.encode(all, writer, iopm, msrpm);
        v3 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3);
        v4 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4);
        assertEquals(1 << 18, v3 & 1 << 18, "CPUID is bit 18 of vector 3");
        assertEquals(1 << 24, v3 & 1 << 24, "HLT is bit 24");
        assertEquals(1 << 14, v3 & 1 << 14, "RDTSC is bit 14");
        assertEquals(1 << 25, v3 & 1 << 25, "INVLPG is bit 25");
        assertEquals(1 << 7, v4 & 1 << 7, "RDTSCP is bit 7 of vector 4");
        assertEquals(1 << 14 | 1 << 6, vmcb.read32(VmcbLayout.INTERCEPT_EXCEPTIONS));
    }

    @Test
    void backendInterceptsAreAlwaysOn() {
        InterceptEncoder.encode(config(new BitSet(), Set.of(), 0, false, false, false, false), writer, iopm, msrpm);
        int v3 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3);
        int v4 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4);
        assertEquals(1, v3 >>> InterceptBits.INTR & 1);
        assertEquals(1, v3 >>> InterceptBits.SHUTDOWN & 1);
        assertEquals(1, v3 >>> InterceptBits.IOIO_PROT & 1);
        assertEquals(1, v3 >>> InterceptBits.MSR_PROT & 1);
        assertEquals(1, v4 >>> InterceptBits.VMRUN & 1);
        assertEquals(1, v4 >>> InterceptBits.VMMCALL & 1);
        assertEquals(iopm, vmcb.read64(VmcbLayout.IOPM_BASE_PA));
        assertEquals(msrpm, vmcb.read64(VmcbLayout.MSRPM_BASE_PA));
    }

    @Test
    void portsAndMsrsFillThePermissionMaps() {
        BitSet ports = new BitSet();
        ports.set(0x3F8);
        ports.set(0xF4);
        ports.set(0xFFFF);
        InterceptEncoder.encode(config(ports, Set.of(0xC000_0080, 0x1B, 0x4000_0000), 0, false, false, false, false),
            writer, iopm, msrpm);
        assertTrue(Iopm.intercepted(memory, iopm, 0x3F8, 1));
        assertTrue(Iopm.intercepted(memory, iopm, 0xF4, 1));
        assertTrue(Iopm.intercepted(memory, iopm, 0xFFFF, 1), "the last port, last bit of the 8 KiB map");
        assertFalse(Iopm.intercepted(memory, iopm, 0x3F9, 1));
        assertFalse(Iopm.intercepted(memory, iopm, 0x60, 1));
        assertFalse(Iopm.intercepted(memory, iopm, 0xFFFE, 1));
        assertTrue(Iopm.intercepted(memory, iopm, 0xFFFE, 4), "an access past port FFFFh always exits");
        assertTrue(Msrpm.intercepted(memory, msrpm, 0xC000_0080, false));
        assertTrue(Msrpm.intercepted(memory, msrpm, 0xC000_0080, true));
        assertTrue(Msrpm.intercepted(memory, msrpm, 0x1B, true));
        assertFalse(Msrpm.intercepted(memory, msrpm, 0x10, false));
    }

    @Test
    void nullMsrSetInterceptsEveryMsr() {
        InterceptEncoder.encode(InterceptConfig.monitorDefaults().withMsrs(null), writer, iopm, msrpm);
        for (int msr : new int[] {0, 0x10, 0x1FFF, 0xC000_0080, 0xC001_1FFF}) {
            assertTrue(Msrpm.intercepted(memory, msrpm, msr, false));
            assertTrue(Msrpm.intercepted(memory, msrpm, msr, true));
        }
        assertTrue(Iopm.intercepted(memory, iopm, 0, 1));
        assertTrue(Iopm.intercepted(memory, iopm, 0xFFFF, 1));
    }

    @Test
    void reencodingKeepsTheInterruptWindowBit() {
        vmcb.setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.VINTR, true);
        InterceptEncoder.encode(InterceptConfig.monitorDefaults(), writer, iopm, msrpm);
        assertTrue(vmcb.bit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.VINTR));
    }

    @Test
    void sensitiveInstructionsBecomeTheirInterceptBits() {
        InterceptConfig none = config(new BitSet(), Set.of(), 0, false, false, false, false);
        InterceptEncoder.encode(none, writer, iopm, msrpm);
        int v3None = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3);
        int v4None = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4);
        assertEquals(0, vmcb.read32(VmcbLayout.INTERCEPT_CR));
        assertEquals(0, vmcb.read32(VmcbLayout.INTERCEPT_DR));
        InterceptEncoder.encode(none.withInstructions(false, false, EnumSet.allOf(SensitiveInstruction.class)), writer,
            iopm, msrpm);
        int v3 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR3);
        int v4 = vmcb.read32(VmcbLayout.INTERCEPT_VECTOR4);
        assertEquals(0xFF << 6 | 1 << 15 | 1 << 22 | 1 << 23, v3 & ~v3None,
            "IDTR/GDTR/LDTR/TR read and write (bits 6-13), RDPMC 15, INVD 22, PAUSE 23");
        assertEquals(1 << 9 | 1 << 13, v4 & ~v4None, "WBINVD 9, XSETBV 13 of vector 4");
        assertEquals(1 << 3 | 1 << 8 | 1 << 16 | 1 << 19 | 1 << 20 | 1 << 24, vmcb.read32(VmcbLayout.INTERCEPT_CR),
            "reads of CR3/CR8, writes of CR0/CR3/CR4/CR8");
        assertEquals(0x00FF_00FF, vmcb.read32(VmcbLayout.INTERCEPT_DR), "DR0-DR7, read and write");
    }
}
