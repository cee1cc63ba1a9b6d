package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.DescriptorTable;
import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.BitSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hand-assembled guest code run through the SVM Vm/Vcpu on the shared core: each exit's
 * EXITCODE, EXITINFO1, EXITINFO2, EXITINTINFO and nRIP as the APM lays them out, and the common
 * exit the monitor sees.
 */
class GuestProgramExitTest {

    private static long field(VendorRecord record, String name) {
        return record.fields().get(name);
    }

    @Test
    void outToTheUartThenHlt() {
        // mov dx, 0x3F8 ; mov al, 'H' ; out dx, al ; hlt
        GuestHarness g = new GuestHarness(0x66, 0xBA, 0xF8, 0x03, 0xB0, 0x48, 0xEE, 0xF4);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        assertEquals(0x3F8, io.port());
        assertEquals(1, io.size());
        assertEquals(0x48, io.value());
        VendorRecord record = g.vcpu.lastExitRecord();
        assertEquals(0x7B, record.reason());
        assertEquals(0x03F8_0000L | 1 << 4 | 1 << 8, field(record, "exitinfo1"), "port, SZ8, A32, OUT");
        assertEquals(CODE + 7, field(record, "exitinfo2"), "EXITINFO2 = next RIP");
        assertEquals(CODE + 7, field(record, "next_rip"));
        assertEquals(CODE + 6, g.rip(), "RIP at the OUT");
        g.vcpu.completeInstruction();
        assertEquals(CODE + 7, g.rip());
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(1000));
        assertEquals(0x78, g.vcpu.lastExitRecord().reason());
        assertEquals(CODE + 8, field(g.vcpu.lastExitRecord(), "next_rip"));
    }

    @Test
    void cpuidExitsOnlyWhenIntercepted() {
        // mov eax, 0x8000000A ; cpuid ; hlt
        int[] code = {0xB8, 0x0A, 0x00, 0x00, 0x80, 0x0F, 0xA2, 0xF4};
        GuestHarness g = new GuestHarness(code);
        VmExit.Cpuid cpuid = assertInstanceOf(VmExit.Cpuid.class, g.vcpu.run(1000));
        assertEquals(0x8000_000A, cpuid.leaf());
        assertEquals(0x72, g.vcpu.lastExitRecord().reason());
        assertEquals(CODE + 7, field(g.vcpu.lastExitRecord(), "next_rip"));

        GuestHarness free = new GuestHarness(code);
        free.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 0, false, true, false, false));
        assertInstanceOf(VmExit.Hlt.class, free.vcpu.run(1000), "CPUID ran in the guest");
        // The host's SVM feature leaf: NP, NRIPS, clean bits, flush by ASID, decode assists.
        assertEquals(1 | 1 << 3 | 1 << 5 | 1 << 6 | 1 << 7, free.vcpu.register(Register.RDX));
    }

    @Test
    void msrReadAndWrite() {
        // mov ecx, 0xC0000080 ; rdmsr ; wrmsr ; hlt
        GuestHarness g = new GuestHarness(0xB9, 0x80, 0x00, 0x00, 0xC0, 0x0F, 0x32, 0x0F, 0x30, 0xF4);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(0xC000_0080), 0, false, true, false, false));
        VmExit.MsrAccess read = assertInstanceOf(VmExit.MsrAccess.class, g.vcpu.run(1000));
        assertEquals(0xC000_0080, read.msr());
        assertEquals(0x7C, g.vcpu.lastExitRecord().reason());
        assertEquals(0, field(g.vcpu.lastExitRecord(), "exitinfo1"));
        g.vcpu.setRegister(Register.RAX, 0x500);
        g.vcpu.setRegister(Register.RDX, 0);
        g.vcpu.completeInstruction();
        VmExit.MsrAccess write = assertInstanceOf(VmExit.MsrAccess.class, g.vcpu.run(1000));
        assertTrue(write.write());
        assertEquals(0x500, write.value());
        assertEquals(1, field(g.vcpu.lastExitRecord(), "exitinfo1"));
    }

    @Test
    void vmmcallIsTheHypercall() {
        // vmmcall ; vmcall
        GuestHarness g = new GuestHarness(0x0F, 0x01, 0xD9, 0x0F, 0x01, 0xC1);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1 << 6, false, true, false, false));
        assertInstanceOf(VmExit.Hypercall.class, g.vcpu.run(1000));
        assertEquals(0x81, g.vcpu.lastExitRecord().reason());
        assertEquals(CODE + 3, field(g.vcpu.lastExitRecord(), "next_rip"));
        g.vcpu.completeInstruction();
        VmExit.Exception ud = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(1000));
        assertEquals(6, ud.vector(), "VMCALL is #UD on AMD");
        assertEquals(0x46, g.vcpu.lastExitRecord().reason());
    }

    @Test
    void interceptedExceptionWithErrorCode() {
        // mov eax, 0x3000 ; mov word ds:[eax], ... -> instead: int 0x0D is software; use a #GP: mov ds, ax with ax = 0x4
        // mov ax, 0x0004 ; mov ds, ax  (selector 4 = LDT, which is unusable -> #GP(4))
        GuestHarness g = new GuestHarness(0x66, 0xB8, 0x04, 0x00, 0x8E, 0xD8);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1 << 13, false, true, false, false));
        VmExit.Exception gp = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(1000));
        assertEquals(13, gp.vector());
        assertEquals(0x4D, g.vcpu.lastExitRecord().reason());
        assertEquals(gp.errorCode(), field(g.vcpu.lastExitRecord(), "exitinfo1"), "EXITINFO1 = error code");
        assertEquals(CODE + 4, g.rip(), "the faulting instruction");
    }

    @Test
    void preemptionIsAPhysicalInterrupt() {
        GuestHarness g = new GuestHarness(0xEB, 0xFE); // jmp $
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(100));
        assertEquals(0x60, g.vcpu.lastExitRecord().reason());
        assertEquals(CODE, g.rip());
        assertEquals(100, g.vcpu.retiredInstructions());
    }

    @Test
    void mmioReadIsANestedPageFaultWithDecodeAssistBytes() {
        // mov eax, [0xFEE00030] ; hlt
        int[] code = {0xA1, 0x30, 0x00, 0xE0, 0xFE, 0xF4};
        GuestHarness g = new GuestHarness(code);
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(1000));
        assertEquals(0xFEE0_0030L, mmio.guestPhysicalAddress());
        assertEquals(false, mmio.write());
        VendorRecord record = g.vcpu.lastExitRecord();
        assertEquals(0x400, record.reason());
        assertEquals(1L << 32 | 1 << 2, field(record, "exitinfo1"), "final translation, user, read, not present");
        assertEquals(0xFEE0_0030L, field(record, "exitinfo2"));
        Vmcb vmcb = g.vcpu.vmcb();
        assertEquals(15, vmcb.read8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED));
        byte[] fetched = new byte[6];
        vmcb.readBytes(VmcbLayout.GUEST_INSTRUCTION_BYTES, fetched, 6);
        assertArrayEquals(new byte[] {(byte) 0xA1, 0x30, 0x00, (byte) 0xE0, (byte) 0xFE, (byte) 0xF4}, fetched);
        assertEquals(15, mmio.instructionBytes().length);
        assertEquals((byte) 0xA1, mmio.instructionBytes()[0]);
        assertEquals(CODE, g.rip());
    }

    @Test
    void mmioWriteSetsTheWriteBit() {
        // mov [0xFEC00000], eax
        GuestHarness g = new GuestHarness(0xA3, 0x00, 0x00, 0xC0, 0xFE);
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(1000));
        assertTrue(mmio.write());
        assertEquals(1L << 32 | 1 << 2 | 1 << 1, field(g.vcpu.lastExitRecord(), "exitinfo1"));
    }

    @Test
    void fetchFromMmioReportsNoInstructionBytes() {
        // jmp 0xFED00000 (E9 rel32)
        long target = 0xFED0_0000L;
        long rel = target - (CODE + 5);
        GuestHarness g = new GuestHarness(0xE9, (int) rel & 0xFF, (int) (rel >> 8) & 0xFF, (int) (rel >> 16) & 0xFF,
            (int) (rel >> 24) & 0xFF);
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(1000));
        assertTrue(mmio.fetch());
        assertEquals(1L << 32 | 1 << 4 | 1 << 2, field(g.vcpu.lastExitRecord(), "exitinfo1"), "ID set");
        assertEquals(0, mmio.instructionBytes().length);
    }

    @Test
    void nestedPageFaultOnAGuestPageTableWalk() {
        // 64-bit guest whose CR3 points into MMIO space: the first fetch walks the guest tables
        GuestHarness g = new GuestHarness(0x90).longMode();
        g.vcpu.setRegister(Register.CR3, 0xFEB0_0000L);
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(10));
        assertEquals(0xFEB0_0000L, mmio.guestPhysicalAddress(), "the PML4 entry for linear 0x1000");
        assertEquals(1L << 33 | 1 << 2, field(g.vcpu.lastExitRecord(), "exitinfo1"),
            "guest page-table access, user, read, not present");
        assertEquals(0, mmio.instructionBytes().length, "RIP itself cannot be translated");
    }

    @Test
    void interceptedPageFaultCarriesAddressAndInstructionBytes() {
        // 64-bit: mov eax, [0x400000] ; the guest's tables map only the first 2 MiB
        GuestHarness g = new GuestHarness(0x8B, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00).longMode();
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1 << 14, false, true, false, false));
        VmExit.Exception pf = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertEquals(14, pf.vector());
        assertEquals(0x40_0000L, pf.faultAddress());
        VendorRecord record = g.vcpu.lastExitRecord();
        assertEquals(0x4E, record.reason());
        assertEquals(0, field(record, "exitinfo1"), "not present, read, supervisor");
        assertEquals(0x40_0000L, field(record, "exitinfo2"), "EXITINFO2 = faulting address");
        assertEquals(0, g.vcpu.register(Register.CR2), "an intercepted #PF does not write CR2");
        Vmcb vmcb = g.vcpu.vmcb();
        assertEquals(15, vmcb.read8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED));
        byte[] bytes = new byte[7];
        vmcb.readBytes(VmcbLayout.GUEST_INSTRUCTION_BYTES, bytes, 7);
        assertArrayEquals(new byte[] {(byte) 0x8B, 0x04, 0x25, 0x00, 0x00, 0x40, 0x00}, bytes);
    }

    @Test
    void divideErrorHasNoErrorCode() {
        // xor ecx, ecx ; div ecx
        GuestHarness g = new GuestHarness(0x31, 0xC9, 0xF7, 0xF1);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1, false, true, false, false));
        VmExit.Exception de = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertEquals(0, de.vector());
        assertEquals(false, de.hasErrorCode());
        assertEquals(0x40, g.vcpu.lastExitRecord().reason());
        assertEquals(CODE + 2, g.rip());
    }

    @Test
    void tripleFaultIsShutdown() {
        // ud2 with an IDT of limit 0: #UD -> #GP -> #DF -> shutdown
        GuestHarness g = new GuestHarness(0x0F, 0x0B);
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0));
        assertInstanceOf(VmExit.Shutdown.class, g.vcpu.run(1000));
        assertEquals(0x7F, g.vcpu.lastExitRecord().reason());
    }

    @Test
    void interruptWindowIsVintr() {
        // sti ; nop ; jmp $
        GuestHarness g = new GuestHarness(0xFB, 0x90, 0xEB, 0xFE);
        g.vcpu.requestInterruptWindow(true);
        assertInstanceOf(VmExit.InterruptWindow.class, g.vcpu.run(1000));
        assertEquals(0x64, g.vcpu.lastExitRecord().reason());
        assertEquals(CODE + 2, g.rip(), "after STI and the instruction in its shadow");
        assertTrue(g.vcpu.interruptible());
    }

    @Test
    void injectedInterruptIsDelivered() {
        // handler at 0x1800: mov al, 0x21 ; out 0x80, al
        GuestHarness g = new GuestHarness(0xFB, 0xEB, 0xFE); // sti ; jmp $
        g.vm.memory().write(0x1800, new byte[] {(byte) 0xB0, 0x21, (byte) 0xE6, (byte) 0x80}, 0, 4);
        g.gate(0x21, 0x1800);
        assertInstanceOf(VmExit.Preempted.class, g.vcpu.run(10));
        assertTrue(g.vcpu.interruptible());
        g.vcpu.inject(new Event.ExternalInterrupt(0x21));
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(0x80, io.port());
        assertEquals(0x21, io.value());
        assertEquals(0, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ) & 1L << 31, "EVENTINJ consumed");
        assertEquals(GuestHarness.STACK - 12, g.vcpu.register(Register.RSP), "EFLAGS, CS, EIP pushed");
    }

    @Test
    void exitDuringInjectedDeliveryReportsExitIntInfoAndIsReinjected() {
        GuestHarness g = new GuestHarness(0xEB, 0xFE);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1 << 13, false, true, false, false));
        g.vcpu.setIdtr(new DescriptorTable(GuestHarness.IDT, 0xFF)); // vectors 0-31 only
        g.vcpu.inject(new Event.ExternalInterrupt(0x20));
        VmExit.Exception gp = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertEquals(13, gp.vector());
        assertEquals(0x20 << 3 | 2 | 1, gp.errorCode(), "IDT, EXT, vector 0x20");
        VendorRecord record = g.vcpu.lastExitRecord();
        assertEquals(0x4D, record.reason());
        assertEquals(1L << 31 | 0x20, field(record, "exitintinfo"), "V, TYPE 0 (INTR), vector 0x20");
        assertEquals(1L << 31 | 0x20, g.vcpu.vmcb().read64(VmcbLayout.EVENTINJ), "queued again for the next entry");
    }

    @Test
    void nestedPageFaultDuringDeliveryReportsExitIntInfo() {
        GuestHarness g = new GuestHarness(0xEB, 0xFE);
        g.vcpu.setIdtr(new DescriptorTable(0xFEB0_0000L, 0x3FF)); // the IDT is in MMIO space
        g.vcpu.inject(new Event.HardwareException(13, 0));
        VmExit.MmioAccess mmio = assertInstanceOf(VmExit.MmioAccess.class, g.vcpu.run(10));
        assertEquals(0xFEB0_0000L + 13 * 8, mmio.guestPhysicalAddress());
        assertEquals(1L << 31 | 1 << 11 | 3 << 8 | 13, field(g.vcpu.lastExitRecord(), "exitintinfo"));
    }

    @Test
    void passThroughOfExitsTheMonitorDidNotAskFor() {
        // mov ecx, 0x40000000 ; rdmsr -> #GP in the guest (no such MSR) ; intercept #GP to see it
        GuestHarness g = new GuestHarness(0xB9, 0x00, 0x00, 0x00, 0x40, 0x0F, 0x32);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1 << 13, false, true, false, false));
        assertEquals(0x7C, g.vcpu.vmrun(10), "MSRs outside the MSRPM ranges always #VMEXIT");
        g.vcpu.setRegister(Register.RIP, CODE);
        VmExit.Exception gp = assertInstanceOf(VmExit.Exception.class, g.vcpu.run(10));
        assertEquals(13, gp.vector(), "the backend let RDMSR run; the core raised #GP");
        assertEquals(CODE + 5, g.rip());
    }

    @Test
    void svmInstructionsRaiseUd() {
        // vmrun
        GuestHarness g = new GuestHarness(0x0F, 0x01, 0xD8);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 1 << 6, false, true, false, false));
        assertEquals(0x80, g.vcpu.vmrun(10), "VMRUN is always intercepted");
        assertEquals(CODE + 3, g.vcpu.vmcb().read64(VmcbLayout.NRIP));
        g.vcpu.setRegister(Register.RIP, CODE);
        // The backend injects #UD; injected events bypass the exception intercepts (§15.20), so the
        // guest's own #UD handler runs: mov al, 6 ; out 0x99, al
        g.vm.memory().write(0x1800, new byte[] {(byte) 0xB0, 0x06, (byte) 0xE6, (byte) 0x99}, 0, 4);
        g.gate(6, 0x1800);
        g.intercepts(GuestHarness.config(GuestHarness.allPorts(), Set.of(), 0, false, true, false, false));
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(10));
        assertEquals(0x99, io.port());
        assertEquals(CODE, g.vm.memory().readValue(GuestHarness.STACK - 12, 4), "#UD is a fault: EIP of VMRUN");
    }

    @Test
    void segmentOfOutsComesFromTheOverride() {
        // mov esi, DATA ; mov dx, 0x80 ; fs outsb
        GuestHarness g = new GuestHarness(0xBE, (int) DATA & 0xFF, (int) (DATA >> 8) & 0xFF, 0, 0, 0x66, 0xBA, 0x80, 0x00,
            0x64, 0x6E);
        VmExit.PortIo io = assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(100));
        assertEquals(SegmentRegister.FS, io.segment());
        assertEquals(4L << 10, field(g.vcpu.lastExitRecord(), "exitinfo1") & 7L << 10);
    }
}
