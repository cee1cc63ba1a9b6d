package dev.hve.svm.exit;

import dev.hve.svm.intercept.InterceptBits;

/**
 * Physical events that reach the processor while it runs a guest, each with its intercept bit in
 * vector 3 and its EXITCODE (AMD APM Vol. 2 §15.13, Table B-1, Appendix C), listed in the order
 * the processor recognizes them when several are pending: SMI and INIT (external hardware
 * interventions) before NMI before INTR (Intel SDM Vol. 3A Table 7-2; APM Vol. 2 §8.5).
 */
public enum HostEvent {
    SMI(InterceptBits.SMI, SvmExitCode.VMEXIT_SMI),
    INIT(InterceptBits.INIT, SvmExitCode.VMEXIT_INIT),
    NMI(InterceptBits.NMI, SvmExitCode.VMEXIT_NMI),
    INTR(InterceptBits.INTR, SvmExitCode.VMEXIT_INTR);

    private final int interceptBit;
    private final long exitCode;

    HostEvent(int interceptBit, long exitCode) {
        this.interceptBit = interceptBit;
        this.exitCode = exitCode;
    }

    public int interceptBit() {
        return interceptBit;
    }

    public long exitCode() {
        return exitCode;
    }
}
