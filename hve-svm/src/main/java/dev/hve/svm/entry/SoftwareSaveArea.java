package dev.hve.svm.entry;

/**
 * Guest state the VMCB does not hold, which a hypervisor saves and restores itself around VMRUN:
 * the GPRs other than RAX and RSP, DR0-DR3, and whether the guest is halted. SVM has no
 * activity-state field; a halted guest that is preempted resumes after its HLT on real hardware,
 * so the backend, like a hypervisor emulating the halt, remembers it and re-enters it halted.
 */
public final class SoftwareSaveArea {

    /** By x86 encoding; slots 0 (RAX) and 4 (RSP) are unused, those live in the VMCB. */
    public final long[] gpr = new long[16];
    public final long[] dr = new long[4];
    /** XCR0 and TSC_AUX: not in the VMCB; a hypervisor switches them itself. */
    public long xcr0 = 1;
    public long tscAux;
    public boolean halted;
}
