package dev.hve.difftests.records;

import dev.hve.api.SegmentRegister;
import dev.hve.api.VendorRecord;
import dev.hve.difftests.asm.Mode;

/**
 * An independent reading of an SVM exit record, written from the AMD APM Vol. 2: EXITCODEs
 * (Appendix C, numbers from asm/svm.h), IOIO EXITINFO1 (§15.10.2, figure 15-2: bit 0 TYPE 1=IN,
 * bit 2 STR, bit 3 REP, bits 6:4 SZ8/SZ16/SZ32, bits 9:7 A16/A32/A64, bits 12:10 SEG, bits 31:16
 * PORT) with EXITINFO2 the next RIP, exception intercepts (§15.12: EXITCODE 0x40+vector,
 * EXITINFO1 the error code, EXITINFO2 the #PF address), the MSR intercept (EXITINFO1 0 read, 1
 * write) and the nested page fault (§15.25.6: EXITINFO1 the #PF-style error code, bit 1 write,
 * bit 4 fetch; EXITINFO2 the guest-physical address). With NRIPS, next_rip is the address after
 * the intercepted instruction (§15.7.1).
 */
public final class SvmRecordDecoder {

    private SvmRecordDecoder() {
    }

    public static String decode(VendorRecord r, ExitContext ctx) {
        long code = r.reason();
        long info1 = field(r, "exitinfo1");
        long info2 = field(r, "exitinfo2");
        if (code == UapiHeaders.value("SVM_EXIT_IOIO")) {
            if (ctx.instructionLength() > 0 && info2 != ctx.rip() + ctx.instructionLength()) {
                return String.format("IOIO EXITINFO2 0x%x is not the next RIP 0x%x", info2, ctx.rip() + ctx.instructionLength());
            }
            boolean string = (info1 >>> 2 & 1) != 0;
            int size = oneHot(info1 >>> 4 & 7, 1);
            int addressSize = oneHot(info1 >>> 7 & 7, 2);
            return CommonView.portIo((int) (info1 >>> 16 & 0xFFFF), size, (info1 & 1) != 0, string, (info1 >>> 3 & 1) != 0,
                string ? addressSize : 0, string ? SegmentRegister.values()[(int) (info1 >>> 10 & 7)].name() : "-");
        }
        long base = UapiHeaders.value("SVM_EXIT_EXCP_BASE");
        if (code >= base && code < base + 32) {
            int vector = (int) (code - base);
            boolean hasError = ctx.mode() != Mode.BITS16 && pushesErrorCode(vector);
            return CommonView.exception(vector, (int) info1, hasError, vector == 14 ? info2 : 0);
        }
        if (code == UapiHeaders.value("SVM_EXIT_NPF")) {
            return CommonView.mmio(info2, (info1 >>> 1 & 1) != 0, (info1 >>> 4 & 1) != 0);
        }
        if (code == UapiHeaders.value("SVM_EXIT_MSR")) {
            return "msr write=" + (info1 == 1);
        }
        if (code == UapiHeaders.value("SVM_EXIT_CPUID")) {
            return "cpuid";
        }
        if (code == UapiHeaders.value("SVM_EXIT_HLT")) {
            return "hlt";
        }
        if (code == UapiHeaders.value("SVM_EXIT_VMMCALL")) {
            long next = field(r, "next_rip");
            if (ctx.instructionLength() > 0 && next != ctx.rip() + ctx.instructionLength()) {
                return String.format("VMMCALL next_rip 0x%x is not 0x%x", next, ctx.rip() + ctx.instructionLength());
            }
            return "hypercall";
        }
        if (code == UapiHeaders.value("SVM_EXIT_VINTR")) {
            return "interrupt-window";
        }
        if (code == UapiHeaders.value("SVM_EXIT_INTR")) {
            return "preempted";
        }
        if (code == UapiHeaders.value("SVM_EXIT_SHUTDOWN")) {
            return "shutdown";
        }
        return "unknown SVM EXITCODE 0x" + Long.toHexString(code);
    }

    /** Decodes a one-hot field whose lowest bit stands for {@code unit} bytes (SZ8: 1, A16: 2); 0 if not one-hot. */
    private static int oneHot(long bits, int unit) {
        return Long.bitCount(bits) == 1 ? unit << Long.numberOfTrailingZeros(bits) : 0;
    }

    /** Vectors that push an error code in protected mode (APM Vol. 2 §8.2). */
    static boolean pushesErrorCode(int vector) {
        return vector == 8 || vector >= 10 && vector <= 14 || vector == 17 || vector == 21 || vector == 29 || vector == 30;
    }

    static long field(VendorRecord r, String name) {
        Long v = r.fields().get(name);
        if (v == null) {
            throw new AssertionError("SVM record lacks field " + name + ": " + r);
        }
        return v;
    }
}
