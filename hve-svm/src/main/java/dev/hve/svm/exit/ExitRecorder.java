package dev.hve.svm.exit;

import dev.hve.emulator.X86Core;
import dev.hve.svm.cpu.HostFeatures;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;

/**
 * Writes the #VMEXIT record into the VMCB control area, field by field as the processor does
 * (AMD APM Vol. 2, §15.6 and §15.7): EXITCODE, EXITINFO1, EXITINFO2, EXITINTINFO, nRIP and the
 * decode-assist instruction bytes.
 */
final class ExitRecorder {

    private final Vmcb vmcb;
    private final HostFeatures features;
    private final byte[] instructionBytes = new byte[VmcbLayout.GUEST_INSTRUCTION_BYTES_MAX];
    private X86Core core;
    private boolean exited;
    /** The exit recorded provides decode-assist bytes, still to be fetched. */
    private boolean instructionBytesPending;

    ExitRecorder(Vmcb vmcb, HostFeatures features) {
        this.vmcb = vmcb;
        this.features = features;
    }

    void attach(X86Core core) {
        this.core = core;
    }

    /** VMRUN: no exit recorded yet. */
    void reset() {
        exited = false;
        instructionBytesPending = false;
    }

    boolean exited() {
        return exited;
    }

    /**
     * Writes the record. nRIP is written only on a processor with NRIPS (0 for exits that are not
     * instruction intercepts); the decode-assist byte count is cleared and filled in only where
     * the manual provides bytes. EXITINTINFO is cleared here and completed by the world switch
     * once the core says whether the exit cut an event's delivery short.
     */
    void record(long exitCode, long exitInfo1, long exitInfo2, long nextRip) {
        vmcb.write64(VmcbLayout.EXITCODE, exitCode);
        vmcb.write64(VmcbLayout.EXITINFO1, exitInfo1);
        vmcb.write64(VmcbLayout.EXITINFO2, exitInfo2);
        vmcb.write64(VmcbLayout.EXITINTINFO, 0);
        vmcb.write64(VmcbLayout.NRIP, features.nrips() ? nextRip : 0);
        vmcb.write8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED, 0);
        exited = true;
        instructionBytesPending = false;
    }

    /**
     * The exit just recorded is one that reports the instruction's bytes (a nested page fault on
     * a data access, an intercepted #PF). They are fetched by {@link #complete} when the #VMEXIT
     * completes, not here, deep inside the core's faulting access: nothing executes between the
     * two points (the faulting instruction is abandoned with RIP at it), so CS:RIP, the guest's
     * paging and its memory are the same, and so are the bytes. Keeping the fetch (a second
     * guest page walk) off the core's memory path keeps that path small enough for the JIT to
     * compile the exit as a jump rather than an exception unwind.
     */
    void requestInstructionBytes() {
        instructionBytesPending = features.decodeAssists();
    }

    /** #VMEXIT: completes the record with the decode-assist bytes, if the exit provides them. */
    void complete() {
        if (instructionBytesPending) {
            instructionBytesPending = false;
            storeInstructionBytes();
        }
    }

    /**
     * Decode assists (§15.33): the processor places up to 15 bytes of the faulting instruction,
     * fetched from CS:RIP through the guest's paging, in the VMCB. Fewer bytes are reported when
     * the fetch runs into an unmapped page.
     */
    private void storeInstructionBytes() {
        int fetched = core.instructionBytes(instructionBytes);
        vmcb.write8(VmcbLayout.GUEST_INSTRUCTION_BYTES_FETCHED, fetched);
        vmcb.writeBytes(VmcbLayout.GUEST_INSTRUCTION_BYTES, instructionBytes, fetched);
    }
}
