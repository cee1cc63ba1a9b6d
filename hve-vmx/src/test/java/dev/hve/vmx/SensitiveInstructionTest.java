package dev.hve.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.api.InterceptConfig;
import dev.hve.api.Register;
import dev.hve.api.SensitiveInstruction;
import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.vmx.exit.ExitReason;
import dev.hve.vmx.vmcs.VmcsField;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link SensitiveInstruction} intercepts on VT-x: each becomes the control the SDM names, the
 * exit is written as Vol. 3C §28.2 says, the backend carries the instruction out itself, and the
 * internal-exit listener sees the record before that.
 */
class SensitiveInstructionTest {

    private record Seen(long rip, VendorRecord record) {
    }

    private static Guest guest(Set<SensitiveInstruction> instructions, int... code) {
        Guest g = new Guest().flat32(code);
        InterceptConfig base = Guest.ports(0x80);
        g.intercept(base.withInstructions(false, false, instructions));
        return g;
    }

    private static List<Seen> listen(Guest g) {
        List<Seen> seen = new ArrayList<>();
        g.vcpu.setInternalExitListener((vcpu, rip, record) -> seen.add(new Seen(rip, record)));
        return seen;
    }

    @Test
    void simpleInstructionsExitWithTheirReasonsAndLengthsAndRunOn() {
        // pause; wbinvd; invd; rdpmc (ECX = 0); mov dr7,eax (EAX = 400h); out 80h,al
        Guest g = guest(EnumSet.of(SensitiveInstruction.PAUSE, SensitiveInstruction.WBINVD, SensitiveInstruction.INVD,
                SensitiveInstruction.RDPMC, SensitiveInstruction.MOV_DR),
            0xF3, 0x90, 0x0F, 0x09, 0x0F, 0x08, 0x0F, 0x33, 0xB8, 0x00, 0x04, 0, 0, 0x0F, 0x23, 0xF8, 0xE6, 0x80);
        g.vcpu.setRegister(Register.RCX, 0);
        List<Seen> seen = listen(g);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        long[][] expected = { // reason, RIP, length, qualification
            {ExitReason.PAUSE_INSTRUCTION, 0x1000, 2, 0},
            {ExitReason.WBINVD, 0x1002, 2, 0},
            {ExitReason.INVD, 0x1004, 2, 0},
            {ExitReason.RDPMC, 0x1006, 2, 0},
            {ExitReason.DR_ACCESS, 0x100D, 3, 0x7}, // DR7, MOV to DR, EAX (Table 28-4)
        };
        assertEquals(expected.length, seen.size());
        for (int i = 0; i < expected.length; i++) {
            Seen s = seen.get(i);
            assertEquals(expected[i][0], s.record().reason(), "exit " + i);
            assertEquals(expected[i][1], s.rip(), "exit " + i);
            assertEquals(expected[i][2], s.record().fields().get("instruction_length"), "exit " + i);
            assertEquals(expected[i][3], s.record().fields().get("qualification"), "exit " + i);
        }
        assertEquals(0x400, g.vcpu.register(Register.DR7), "MOV to DR7 was carried out");
    }

    @Test
    void noListenerNoInterceptsNoExits() {
        Guest g = guest(Set.of(), 0xF3, 0x90, 0x0F, 0x09, 0xE6, 0x80); // pause; wbinvd; out 80h,al
        List<Seen> seen = listen(g);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        assertEquals(List.of(), seen, "PAUSE and WBINVD exiting are off");
        int primary = g.vcpu.vmcs().read32(VmcsField.CPU_BASED_VM_EXEC_CONTROL);
        assertEquals(0, primary & (1 << 30));
    }

    @Test
    void movCrInterceptsEveryControlRegisterWriteAndCr3Cr8Reads() {
        // mov eax,cr3; mov cr3,eax; mov eax,cr0; or eax,8; mov cr0,eax; mov ebx,cr0; out 80h,al
        Guest g = guest(EnumSet.of(SensitiveInstruction.MOV_CR), 0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8, 0x0F, 0x20, 0xC0,
            0x83, 0xC8, 0x08, 0x0F, 0x22, 0xC0, 0x0F, 0x20, 0xC3, 0xE6, 0x80);
        assertEquals(-1L, g.field(VmcsField.CR0_GUEST_HOST_MASK));
        assertEquals(-1L, g.field(VmcsField.CR4_GUEST_HOST_MASK));
        assertEquals(0x11, g.field(VmcsField.CR0_READ_SHADOW) & 0xFFFF_FFFFL, "the shadow took the guest's view");
        List<Seen> seen = listen(g);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        assertEquals(3, seen.size(), "CR3 read, CR3 write, CR0 write; the CR0 read never exits");
        assertEquals(0x13L, seen.get(0).record().fields().get("qualification"), "CR3, MOV from CR, EAX");
        assertEquals(0x3L, seen.get(1).record().fields().get("qualification"), "CR3, MOV to CR, EAX");
        assertEquals(0x0L, seen.get(2).record().fields().get("qualification"), "CR0, MOV to CR, EAX");
        assertEquals(0x19, g.vcpu.register(Register.RBX), "the guest reads its TS back");
        assertEquals(0x39, g.field(VmcsField.GUEST_CR0), "the real CR0: TS loaded, NE kept");
    }

    @Test
    void descriptorTableExitsCarryTheInstructionInformationOfTables28to10And28to11() {
        // sgdt [2000h]; sidt [2010h]; str ebx; sldt [2020h]; lldt ax (AX = 0); out 80h,al
        Guest g = guest(EnumSet.of(SensitiveInstruction.DESCRIPTOR_TABLE),
            0x0F, 0x01, 0x05, 0x00, 0x20, 0, 0,
            0x0F, 0x01, 0x0D, 0x10, 0x20, 0, 0,
            0x0F, 0x00, 0xCB,
            0x0F, 0x00, 0x05, 0x20, 0x20, 0, 0,
            0x31, 0xC0,
            0x0F, 0x00, 0xD0,
            0xE6, 0x80);
        List<Seen> seen = listen(g);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        // memory operand [disp32]: address size 32 (9:7 = 1), DS (17:15 = 3), index and base invalid
        long memory32 = (1 << 7) | (3 << 15) | (1 << 22) | (1 << 27);
        long register = (1 << 10) | (1 << 7); // register operand (Reg1 in 6:3)
        long[][] expected = { // reason, instruction information, qualification, length
            {ExitReason.GDTR_IDTR, memory32 | (1 << 11), 0x2000, 7},           // SGDT, 32-bit operand, identity 0
            {ExitReason.GDTR_IDTR, memory32 | (1 << 11) | (1L << 28), 0x2010, 7}, // SIDT, identity 1
            {ExitReason.LDTR_TR, register | (3 << 3) | (1L << 28), 0, 3},       // STR EBX, identity 1
            {ExitReason.LDTR_TR, memory32, 0x2020, 7},                          // SLDT, identity 0
            {ExitReason.LDTR_TR, register | (2L << 28), 0, 3},                  // LLDT AX, identity 2
        };
        assertEquals(expected.length, seen.size());
        for (int i = 0; i < expected.length; i++) {
            VendorRecord r = seen.get(i).record();
            assertEquals(expected[i][0], r.reason(), "exit " + i);
            assertEquals(expected[i][1], r.fields().get("instruction_info"), "exit " + i);
            assertEquals(expected[i][2], r.fields().get("qualification"), "exit " + i);
            assertEquals(expected[i][3], r.fields().get("instruction_length"), "exit " + i);
        }
        assertEquals(0x1F, g.vm.memory().readValue(0x2000, 2), "SGDT was carried out: the GDTR limit");
        assertEquals(0x500, g.vm.memory().readValue(0x2002, 4));
        assertEquals(0x18, g.vcpu.register(Register.RBX), "STR was carried out: the TR selector");
    }

    @Test
    void theListenerSeesEveryInternalExitIncludingCpuidTheMonitorDidNotAskFor() {
        Guest g = guest(Set.of(), 0x0F, 0xA2, 0xE6, 0x80); // cpuid; out 80h,al
        List<Seen> seen = listen(g);
        assertInstanceOf(VmExit.PortIo.class, g.vcpu.run(1000));
        assertTrue(seen.stream().anyMatch(s -> s.record().reason() == ExitReason.CPUID && s.rip() == Guest.CODE));
    }
}
