package dev.hve.difftests.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import dev.hve.difftests.asm.Mode;
import dev.hve.difftests.gen.ConfigGen;
import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.guest.Layout;
import dev.hve.difftests.guest.SensitiveSteps;
import dev.hve.difftests.harness.Backend;
import dev.hve.difftests.harness.Monitor;
import dev.hve.difftests.harness.RunResult;
import dev.hve.difftests.harness.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Worked examples of the two vendors' port-I/O records, bit by bit, for the same guest
 * instruction: what the round-trip property checks in general, spelled out once.
 */
class ExitRecordExamplesTest {

    /** {@code out 0x80, al} in flat 32-bit mode, at 0x4003 (after CLD and MOV AL, imm8). */
    @Test
    void outImm8OnBothVendors() {
        RunResult vmx = firstExit(Backend.VMX, Mode.BITS32, new SensitiveSteps.PortIo(false, false, 1, 0x80, 0x5A));
        VendorRecord v = vmx.records().get(0);
        assertEquals(30, v.reason(), "EXIT_REASON_IO_INSTRUCTION");
        // port 0x80 in bits 31:16, bit 6 = immediate operand, size-1 = 0, direction 0 = OUT.
        assertEquals(0x0080_0040L, v.fields().get("qualification"));
        assertEquals(2L, v.fields().get("instruction_length"));

        RunResult svm = firstExit(Backend.SVM, Mode.BITS32, new SensitiveSteps.PortIo(false, false, 1, 0x80, 0x5A));
        VendorRecord s = svm.records().get(0);
        assertEquals(0x7B, s.reason(), "SVM_EXIT_IOIO");
        // port 0x80 in bits 31:16, A32 (bit 8), SZ8 (bit 4), TYPE 0 = OUT.
        assertEquals(0x0080_0110L, s.fields().get("exitinfo1"));
        assertEquals(Layout.CODE + 3 + 2, s.fields().get("exitinfo2"), "EXITINFO2 = next RIP");

        assertEquals(new VmExit.PortIo(0x80, 1, false, false, false, 4, dev.hve.api.SegmentRegister.DS, 0x5A), vmx.raw().get(0));
        assertEquals(vmx.raw().get(0), svm.raw().get(0));
    }

    /** {@code rep ins word es:[di], dx} in real mode. */
    @Test
    void repInswInRealModeOnBothVendors() {
        SensitiveSteps.StringIo insw = new SensitiveSteps.StringIo(true, 2, true, 0x3F8, 2, 0);
        VendorRecord v = firstExit(Backend.VMX, Mode.BITS16, insw).records().get(0);
        // port 0x3F8, REP (bit 5), string (bit 4), IN (bit 3), size-1 = 1; DX operand (bit 6 clear).
        assertEquals(0x03F8_0039L, v.fields().get("qualification"));
        // Instruction information: address size 0 (16-bit) in bits 9:7, segment ES (0) in bits 17:15.
        assertEquals(0L, v.fields().get("instruction_info") & (7 << 7 | 7 << 15));

        VendorRecord s = firstExit(Backend.SVM, Mode.BITS16, insw).records().get(0);
        // port 0x3F8, SEG ES (0), A16 (bit 7), SZ16 (bit 5), REP (bit 3), STR (bit 2), TYPE 1 = IN.
        assertEquals(0x03F8_00ADL, s.fields().get("exitinfo1"));
    }

    /**
     * A triple fault: with the stack pointer in unmapped memory, #UD cannot be delivered (#PF),
     * nor can the #PF (#DF), nor the #DF: SHUTDOWN on both vendors.
     */
    @Test
    void tripleFaultOnBothVendors() {
        dev.hve.difftests.guest.Step unmappedStackThenUd2 = g -> {
            g.asm().movImm(dev.hve.difftests.asm.Gpr.of(dev.hve.difftests.asm.Gpr.SP, 8), Layout.UNMAPPED + 0x1000);
            g.asm().ud2();
        };
        var noExceptions = new dev.hve.api.InterceptConfig(ConfigGen.everything().ports(), null, 0, true, true, false, false);
        for (Backend backend : Backend.values()) {
            GuestProgram program = new GuestProgram(Mode.BITS64, List.of(unmappedStackThenUd2), null);
            RunResult run = Monitor.run(backend, new Scenario(program, noExceptions, List.of()));
            assertEquals("shutdown", run.end(), backend + " " + run.exits());
            VendorRecord r = run.records().get(run.records().size() - 1);
            assertEquals(backend == Backend.VMX ? UapiHeaders.value("EXIT_REASON_TRIPLE_FAULT") : UapiHeaders.value("SVM_EXIT_SHUTDOWN"),
                r.reason(), backend + " " + r);
        }
    }

    /**
     * EFER.LME with CR0.PG but without CR0.PE is invalid guest state on both vendors (SDM §27.3.1.1
     * "PG requires PE"; APM §15.5.1 lists EFER.LME and CR0.PG with CR0.PE clear among VMRUN's
     * consistency checks). Plain PG-without-PE alone is not enough: VMRUN does not check it.
     */
    @Test
    void entryFailureOnBothVendors() {
        for (Backend backend : Backend.values()) {
            dev.hve.api.Vm vm = backend.createVm(java.util.function.UnaryOperator.identity());
            vm.setMemoryMap(Layout.memoryMap());
            dev.hve.api.Vcpu vcpu = vm.createVcpu();
            dev.hve.difftests.guest.InitialState.apply(vcpu, Mode.BITS32);
            vcpu.setRegister(dev.hve.api.Register.EFER, 0x100);
            vcpu.setRegister(dev.hve.api.Register.CR0, 0x8000_0030L);
            VmExit exit = vcpu.run(10);
            assertEquals(dev.hve.api.ExitKind.ENTRY_FAILURE, exit.kind(), backend + ": " + exit);
            VendorRecord r = vcpu.lastExitRecord();
            if (backend == Backend.VMX) {
                // A VM-entry failure is reported either as VMfailValid (record reason 0 with the
                // VM-instruction error) or as an exit with reason 33 and bit 31 of the reason field.
                boolean failValid = r.fields().containsKey("vm_instruction_error");
                boolean invalidState = r.reason() == UapiHeaders.value("EXIT_REASON_INVALID_STATE")
                    && (r.fields().get("exit_reason") >>> 31 & 1) == 1;
                assertEquals(true, failValid || invalidState, "VMX record " + r);
            } else {
                assertEquals(UapiHeaders.value("SVM_EXIT_ERR"), r.reason(), "SVM record " + r);
            }
        }
    }

    private static RunResult firstExit(Backend backend, Mode mode, dev.hve.difftests.guest.Step step) {
        GuestProgram program = new GuestProgram(mode, List.of(step), null);
        return Monitor.run(backend, new Scenario(program, ConfigGen.everything(), List.of()));
    }
}
