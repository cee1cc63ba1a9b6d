package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static dev.hve.svm.guest.GuestHarness.DATA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hve.api.InterceptConfig;
import dev.hve.api.SensitiveInstruction;
import dev.hve.api.VmExit;
import dev.hve.svm.exit.SvmExitCode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link InterceptConfig#instructions()} through the common API: the backend sets the VMCB
 * intercepts, takes each #VMEXIT, reports it to the {@link dev.hve.api.InternalExitListener} with
 * its record, and carries the instruction out, so the monitor sees none of them.
 */
class SensitiveInstructionTest {

    /** pause ; wbinvd ; invd ; rdpmc ; mov eax,dr7 ; mov eax,cr3 ; mov cr3,eax ; sgdt [3000h] ; hlt */
    private static final int[] PROGRAM = {
        0xF3, 0x90, 0x0F, 0x09, 0x0F, 0x08, 0x0F, 0x33, 0x0F, 0x21, 0xF8, 0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8,
        0x0F, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00, 0xF4};

    private record Seen(long rip, long exitCode, long exitInfo1, long nextRip) {
    }

    private static List<Seen> run(Set<SensitiveInstruction> instructions) {
        GuestHarness g = new GuestHarness(PROGRAM);
        g.intercepts(InterceptConfig.monitorDefaults().withInstructions(false, false, instructions));
        List<Seen> seen = new ArrayList<>();
        g.vcpu.setInternalExitListener((vcpu, rip, record) -> seen.add(new Seen(rip, record.reason(),
            record.fields().get("exitinfo1"), record.fields().get("next_rip"))));
        assertInstanceOf(VmExit.Hlt.class, g.vcpu.run(100), "the monitor sees only the HLT");
        assertEquals(CODE + 24, g.rip());
        assertEquals(23, g.vm.memory().readValue(DATA, 2), "SGDT was carried out: the GDT limit");
        assertEquals(9, g.vcpu.retiredInstructions() + 1, "every instruction before the HLT retired");
        return seen;
    }

    @Test
    void eachInterceptedInstructionIsReportedAndCarriedOut() {
        List<Seen> seen = run(EnumSet.allOf(SensitiveInstruction.class));
        assertEquals(List.of(
            new Seen(CODE, SvmExitCode.VMEXIT_PAUSE, 0, CODE + 2),
            new Seen(CODE + 2, SvmExitCode.VMEXIT_WBINVD, 0, CODE + 4),
            new Seen(CODE + 4, SvmExitCode.VMEXIT_INVD, 0, CODE + 6),
            new Seen(CODE + 6, SvmExitCode.VMEXIT_RDPMC, 0, CODE + 8),
            new Seen(CODE + 8, SvmExitCode.drRead(7), 0, CODE + 11), // decode assist: GPR 0
            new Seen(CODE + 11, SvmExitCode.crRead(3), 1L << 63, CODE + 14),
            new Seen(CODE + 14, SvmExitCode.crWrite(3), 1L << 63, CODE + 17),
            new Seen(CODE + 17, SvmExitCode.VMEXIT_GDTR_READ, 0, CODE + 24)), seen);
    }

    @Test
    void withoutThemNothingIsIntercepted() {
        assertEquals(List.of(), run(Set.of()));
    }

    @Test
    void onlyTheAskedForOnes() {
        List<Seen> seen = run(EnumSet.of(SensitiveInstruction.INVD, SensitiveInstruction.DESCRIPTOR_TABLE));
        assertEquals(List.of(SvmExitCode.VMEXIT_INVD, SvmExitCode.VMEXIT_GDTR_READ),
            seen.stream().map(Seen::exitCode).toList());
    }
}
