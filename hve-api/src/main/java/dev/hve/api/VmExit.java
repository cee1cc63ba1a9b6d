package dev.hve.api;

/**
 * The common exits: what monitor code sees after a backend's first-level exit handler has read
 * its own vendor record (VMX exit reason and qualification, or SVM EXITCODE and EXITINFO) and
 * translated it. The vendor record itself stays available through {@link Vcpu#lastExitRecord()}
 * for tracing, but nothing in the platform depends on it.
 *
 * <p>Every exit leaves the guest at the start of the exiting instruction. After handling one, the
 * monitor either calls {@link Vcpu#completeInstruction()} or injects an event.
 */
public sealed interface VmExit {

    /** The common kind, stable across backends; used in traces and statistics. */
    ExitKind kind();

    /** IN, OUT, INS or OUTS. */
    record PortIo(int port, int size, boolean in, boolean string, boolean rep,
                  int addressSize, SegmentRegister segment, long value) implements VmExit {
        public PortIo {
            if (size != 1 && size != 2 && size != 4) {
                throw new IllegalArgumentException("port I/O size " + size);
            }
            if ((port & ~0xFFFF) != 0) {
                throw new IllegalArgumentException("port " + Integer.toHexString(port));
            }
        }

        @Override
        public ExitKind kind() {
            return ExitKind.PORT_IO;
        }
    }

    /** CPUID, with the leaf (EAX) and subleaf (ECX) the guest asked for. */
    record Cpuid(int leaf, int subleaf) implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.CPUID;
        }
    }

    /** HLT. */
    record Hlt() implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.HLT;
        }
    }

    /**
     * A guest-physical access that no RAM backs: an EPT violation or a nested page fault.
     *
     * @param instructionBytes the faulting instruction's bytes when the hardware supplies them (SVM
     *                         decode assists); empty when the monitor must fetch them itself
     */
    record MmioAccess(long guestPhysicalAddress, boolean write, boolean fetch,
                      byte[] instructionBytes) implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.MMIO;
        }
    }

    /** RDMSR or WRMSR. For a write, {@code value} is EDX:EAX. */
    record MsrAccess(int msr, boolean write, long value) implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.MSR;
        }
    }

    /** The vendor's hypercall instruction (VMCALL or VMMCALL); arguments are in the registers. */
    record Hypercall() implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.HYPERCALL;
        }
    }

    /** An intercepted exception, before the guest sees it. */
    record Exception(int vector, int errorCode, boolean hasErrorCode, long faultAddress) implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.EXCEPTION;
        }
    }

    /** The guest became able to take a maskable interrupt, as the monitor asked. */
    record InterruptWindow() implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.INTERRUPT_WINDOW;
        }
    }

    /** The run's instruction budget ran out; the host took the CPU back. */
    record Preempted() implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.PREEMPTED;
        }
    }

    /** A triple fault (or another shutdown condition): the guest cannot continue. */
    record Shutdown(String reason) implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.SHUTDOWN;
        }
    }

    /**
     * The backend refused to enter the guest: its entry checks failed.
     *
     * @param vendorError the vendor's own error number (VM-instruction error or 0 for an
     *                    invalid-guest-state exit on VMX; the EXITCODE on SVM)
     */
    record EntryFailure(String reason, long vendorError) implements VmExit {
        @Override
        public ExitKind kind() {
            return ExitKind.ENTRY_FAILURE;
        }
    }
}
