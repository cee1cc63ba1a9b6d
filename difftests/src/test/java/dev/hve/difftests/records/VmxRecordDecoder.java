package dev.hve.difftests.records;

import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;

/**
 * An independent reading of a VT-x exit record, written from the Intel SDM Vol. 3C: basic exit
 * reasons (Appendix C, numbers from asm/vmx.h), the I/O exit qualification (Table 28-5: bits 2:0
 * size-1, bit 3 direction 1=IN, bit 4 string, bit 5 REP, bits 31:16 port), the INS/OUTS
 * instruction-information field (Table 28-8: bits 9:7 address size, bits 17:15 segment), the
 * VM-exit interruption information (§25.9.2: bits 7:0 vector, bit 11 error code valid, bit 31
 * valid), the EPT-violation qualification (Table 28-7: bit 1 write, bit 2 fetch) and the
 * guest-physical address field.
 */
public final class VmxRecordDecoder {

    private VmxRecordDecoder() {
    }

    /** The common view the record implies, or a message naming what is wrong with the record itself. */
    public static String decode(VendorRecord r, ExitContext ctx) {
        long reason = r.reason();
        long q = field(r, "qualification");
        if (reason == UapiHeaders.value("EXIT_REASON_IO_INSTRUCTION")) {
            boolean string = (q >>> 4 & 1) != 0;
            long info = field(r, "instruction_info");
            String length = lengthCheck(r, ctx);
            if (length != null) {
                return length;
            }
            return CommonView.portIo((int) (q >>> 16 & 0xFFFF), (int) (q & 7) + 1, (q >>> 3 & 1) != 0, string, (q >>> 5 & 1) != 0,
                string ? 2 << (info >>> 7 & 7) : 0, string ? SegmentRegister.values()[(int) (info >>> 15 & 7)].name() : "-");
        }
        if (reason == UapiHeaders.value("EXIT_REASON_EXCEPTION_NMI")) {
            long info = field(r, "interruption_info");
            if ((info >>> 31 & 1) == 0) {
                return "exception exit with invalid interruption information 0x" + Long.toHexString(info);
            }
            int vector = (int) (info & 0xFF);
            boolean hasError = (info >>> 11 & 1) != 0;
            return CommonView.exception(vector, (int) field(r, "interruption_error_code"), hasError, vector == 14 ? q : 0);
        }
        if (reason == UapiHeaders.value("EXIT_REASON_EPT_VIOLATION")) {
            return CommonView.mmio(field(r, "guest_physical_address"), (q >>> 1 & 1) != 0, (q >>> 2 & 1) != 0);
        }
        if (reason == UapiHeaders.value("EXIT_REASON_MSR_READ") || reason == UapiHeaders.value("EXIT_REASON_MSR_WRITE")) {
            return "msr write=" + (reason == UapiHeaders.value("EXIT_REASON_MSR_WRITE"));
        }
        if (reason == UapiHeaders.value("EXIT_REASON_CPUID")) {
            return "cpuid";
        }
        if (reason == UapiHeaders.value("EXIT_REASON_HLT")) {
            return "hlt";
        }
        if (reason == UapiHeaders.value("EXIT_REASON_VMCALL")) {
            String length = lengthCheck(r, ctx);
            return length != null ? length : "hypercall";
        }
        if (reason == UapiHeaders.value("EXIT_REASON_INTERRUPT_WINDOW")) {
            return "interrupt-window";
        }
        if (reason == UapiHeaders.value("EXIT_REASON_PREEMPTION_TIMER") || reason == UapiHeaders.value("EXIT_REASON_EXTERNAL_INTERRUPT")) {
            return "preempted";
        }
        if (reason == UapiHeaders.value("EXIT_REASON_TRIPLE_FAULT")) {
            return "shutdown";
        }
        return "unknown VMX exit reason " + reason;
    }

    /** The VM-exit instruction length must be that of the exiting instruction (SDM §28.2.4). */
    private static String lengthCheck(VendorRecord r, ExitContext ctx) {
        long length = field(r, "instruction_length");
        if (ctx.instructionLength() > 0 && length != ctx.instructionLength()) {
            return "VM-exit instruction length " + length + ", but the instruction is " + ctx.instructionLength() + " bytes";
        }
        return null;
    }

    static long field(VendorRecord r, String name) {
        Long v = r.fields().get(name);
        if (v == null) {
            throw new AssertionError("VMX record lacks field " + name + ": " + r);
        }
        return v;
    }
}
