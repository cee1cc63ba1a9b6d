package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VmExit;
import dev.hve.vmx.exit.ExitQualification;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.vmcs.VmcsField;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * I/O-instruction exits (basic reason 30) from guest code, with the exit qualification checked bit
 * by bit against Intel SDM Vol. 3C Table 28-5 (size-1 in 2:0, direction 3, string 4, REP 5,
 * operand encoding 6, port 31:16) and INS/OUTS instruction information against Table 28-8.
 */
class IoExitTest {

    private static long qualification(Guest g) {
        assertEquals(ExitReason.IO_INSTRUCTION, g.vcpu.lastExitRecord().reason());
        return g.vcpu.vmcs().read(VmcsField.EXIT_QUALIFICATION);
    }

    @Test
    void outImmediateByte() {
        Guest g = new Guest().flat32(0xB0, 0x5A, 0xE6, 0x80).intercept(true, 0); // mov al,5Ah; out 80h,al
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        long q = qualification(g);
        assertEquals(0, q & 7, "size 1 -> 0");
        assertEquals(0, q & ExitQualification.IO_DIRECTION_IN, "OUT");
        assertEquals(ExitQualification.IO_IMMEDIATE, q & ExitQualification.IO_IMMEDIATE, "immediate operand");
        assertEquals(0x80, q >>> 16);
        assertEquals(0x0080_0040L, q);
        assertEquals(2, g.vcpu.vmcs().read(VmcsField.VM_EXIT_INSTRUCTION_LEN));
        assertEquals(0x5A, io.value());
        assertEquals(4, io.addressSize());
    }

    @Test
    void inWordFromDx() {
        // mov dx,1F0h; in ax,dx
        Guest g = new Guest().flat32(0x66, 0xBA, 0xF0, 0x01, 0x66, 0xED).intercept(true, 0);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        long q = qualification(g);
        assertEquals(1, q & 7, "size 2 -> 1");
        assertTrue((q & ExitQualification.IO_DIRECTION_IN) != 0, "IN");
        assertEquals(0, q & ExitQualification.IO_IMMEDIATE, "DX operand");
        assertEquals(0x01F0_0009L, q);
        assertEquals(2, g.vcpu.vmcs().read(VmcsField.VM_EXIT_INSTRUCTION_LEN));
        assertTrue(io.in());
        assertEquals(2, io.size());
        assertEquals(0, io.value());
    }

    @Test
    void inDwordImmediate() {
        Guest g = new Guest().flat32(0xE5, 0x60).intercept(true, 0); // in eax,60h
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x0060_004BL, qualification(g)); // size-1 = 3, IN, immediate, port 60h
    }

    @Test
    void repOutsbReportsStringRepAddressSizeSegmentAndLinearAddress() {
        // mov dx,3F8h; mov esi,2000h; mov ecx,3; rep outsb
        Guest g = new Guest().flat32(0x66, 0xBA, 0xF8, 0x03, 0xBE, 0x00, 0x20, 0, 0, 0xB9, 3, 0, 0, 0, 0xF3, 0x6E)
            .intercept(true, 0);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        long q = qualification(g);
        assertTrue((q & ExitQualification.IO_STRING) != 0);
        assertTrue((q & ExitQualification.IO_REP) != 0);
        assertEquals(0x03F8_0030L, q);
        int info = g.vcpu.vmcs().read32(VmcsField.VMX_INSTRUCTION_INFO);
        assertEquals(1, (info >>> 7) & 7, "address size 32");
        assertEquals(3, (info >>> 15) & 7, "segment DS");
        assertEquals(0x2000, g.vcpu.vmcs().read(VmcsField.GUEST_LINEAR_ADDRESS));
        assertEquals(2, g.vcpu.vmcs().read(VmcsField.VM_EXIT_INSTRUCTION_LEN));
        assertTrue(io.string() && io.rep());
        assertEquals(SegmentRegister.DS, io.segment());
        assertEquals(4, io.addressSize());
    }

    @Test
    void insWithAddressSizeOverrideUsesEsAndDi() {
        // mov dx,60h; mov edi,12345678h; a16 insw (67 66 6D)
        Guest g = new Guest().flat32(0x66, 0xBA, 0x60, 0x00, 0xBF, 0x78, 0x56, 0x34, 0x12, 0x67, 0x66, 0x6D)
            .intercept(true, 0);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x0060_0019L, qualification(g)); // size 2, IN, string
        int info = g.vcpu.vmcs().read32(VmcsField.VMX_INSTRUCTION_INFO);
        assertEquals(0, (info >>> 7) & 7, "address size 16");
        assertEquals(0x5678, g.vcpu.vmcs().read(VmcsField.GUEST_LINEAR_ADDRESS), "ES:DI");
        assertEquals(3, g.vcpu.vmcs().read(VmcsField.VM_EXIT_INSTRUCTION_LEN));
        assertEquals(2, io.addressSize());
        assertEquals(SegmentRegister.ES, io.segment());
    }

    @Test
    void realModeOutReportsSixteenBitAddressSize() {
        Guest g = new Guest().real16(0xB0, 0x41, 0xE6, 0xE9).intercept(true, 0); // mov al,'A'; out E9h,al
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x00E9_0040L, qualification(g));
        assertEquals(2, io.addressSize());
        assertEquals('A', io.value());
    }

    @Test
    void onlyPortsInTheBitmapsExitAndMultiBytePortsCheckEveryByte() {
        BitSet ports = new BitSet(65536);
        ports.set(0x3F9);
        ports.set(0x8001);
        InterceptConfig config = new InterceptConfig(ports, Set.of(), 0, true, true, false, false);
        // out 80h,al (not intercepted); mov dx,3F8h; out dx,ax (touches 3F9h: exits)
        Guest g = new Guest().flat32(0xE6, 0x80, 0x66, 0xBA, 0xF8, 0x03, 0x66, 0xEF).intercept(config);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(0x3F8, io.port());
        assertEquals(2, io.size());
        assertEquals(Guest.CODE + 6, g.vcpu.register(Register.RIP));
        // Bitmap B: mov dx,8001h; in al,dx
        Guest h = new Guest().flat32(0x66, 0xBA, 0x01, 0x80, 0xEC).intercept(config);
        assertEquals(0x8001, assertInstanceOf(VmExit.PortIo.class, h.vcpu.run(100)).port());
    }

    @Test
    void unconditionalIoExitingWithoutBitmaps() {
        Guest g = new Guest().flat32(0xE6, 0x80, 0xF4).intercept(true, 0);
        g.clearBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, dev.hve.vmx.controls.ProcessorControls.USE_IO_BITMAPS);
        g.setBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, dev.hve.vmx.controls.ProcessorControls.UNCONDITIONAL_IO_EXITING);
        assertEquals(ExitReason.IO_INSTRUCTION, g.enter(100));
        Guest h = new Guest().flat32(0xE6, 0x80, 0xF4).intercept(true, 0);
        h.clearBits(VmcsField.CPU_BASED_VM_EXEC_CONTROL, dev.hve.vmx.controls.ProcessorControls.USE_IO_BITMAPS);
        assertEquals(ExitReason.HLT, h.enter(100), "neither control: I/O runs in the guest");
    }

    @Test
    void anAccessWrappingPastFfffAlwaysExitsButReachesTheMonitorOnlyIfAsked() {
        InterceptConfig none = new InterceptConfig(new BitSet(), Set.of(), 0, true, true, false, false);
        // mov dx,FFFFh; out dx,ax; hlt
        int[] code = {0x66, 0xBA, 0xFF, 0xFF, 0x66, 0xEF, 0xF4};
        Guest g = new Guest().flat32(code).intercept(none);
        assertEquals(ExitReason.IO_INSTRUCTION, g.vcpu.enterOnce(100) & 0xFFFF, "the processor exits");
        assertEquals(0xFFFF_0001L, g.vcpu.vmcs().read(VmcsField.EXIT_QUALIFICATION));
        Guest h = new Guest().flat32(code).intercept(none);
        assertInstanceOf(VmExit.Hlt.class, h.vcpu.run(100), "the backend carries the OUT out itself");
        BitSet zero = new BitSet();
        zero.set(0);
        Guest k = new Guest().flat32(code).intercept(new InterceptConfig(zero, Set.of(), 0, true, true, false, false));
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, k.vcpu.run(100), "port 0 is touched by the wrap");
        assertEquals(0xFFFF, io.port());
        assertFalse(io.in());
    }
}
