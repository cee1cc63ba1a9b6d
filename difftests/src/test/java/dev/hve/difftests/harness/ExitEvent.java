package dev.hve.difftests.harness;

import dev.hve.api.VmExit;

/**
 * A common exit as the comparison sees it: when (retired instructions), where (RIP) and what
 * (kind and payload). MMIO instruction bytes are left out of the payload: SVM's decode assists
 * supply them and VT-x does not, a difference the API documents; the harness checks them
 * separately against the program.
 */
public record ExitEvent(long retired, long rip, String kind, String payload) {

    public static ExitEvent of(long retired, long rip, VmExit exit) {
        return new ExitEvent(retired, rip, exit.kind().label(), payload(exit));
    }

    static String payload(VmExit exit) {
        if (exit instanceof VmExit.MmioAccess m) {
            return String.format("gpa=0x%x write=%s fetch=%s", m.guestPhysicalAddress(), m.write(), m.fetch());
        }
        if (exit instanceof VmExit.PortIo p) {
            return String.format("port=0x%x size=%d in=%s string=%s rep=%s addressSize=%d segment=%s value=0x%x",
                p.port(), p.size(), p.in(), p.string(), p.rep(), p.addressSize(), p.segment(), p.value());
        }
        if (exit instanceof VmExit.Exception e) {
            return String.format("vector=%d error=0x%x hasError=%s address=0x%x", e.vector(), e.errorCode(), e.hasErrorCode(),
                e.faultAddress());
        }
        if (exit instanceof VmExit.MsrAccess m) {
            return String.format("msr=0x%x write=%s value=0x%x", m.msr(), m.write(), m.value());
        }
        if (exit instanceof VmExit.Shutdown || exit instanceof VmExit.EntryFailure) {
            return ""; // reason texts are vendor prose; the kind says enough
        }
        return exit.toString();
    }

    @Override
    public String toString() {
        return String.format("#%d rip=0x%x %s %s", retired, rip, kind, payload);
    }
}
