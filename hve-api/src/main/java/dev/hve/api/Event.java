package dev.hve.api;

/**
 * An event the monitor injects into the guest on the next entry. VT-x delivers it through the
 * VM-entry interruption-information field, SVM through EVENTINJ; the monitor sees neither.
 */
public sealed interface Event {

    int vector();

    /**
     * A maskable external interrupt (the guest must be interruptible: see
     * {@link Vcpu#interruptible()}). Any vector is allowed, as VM entry allows it: a real-mode
     * guest whose 8259 keeps the BIOS base of 8 receives vectors 8-15.
     */
    record ExternalInterrupt(int vector) implements Event {
        public ExternalInterrupt {
            checkVector(vector);
        }
    }

    /** A non-maskable interrupt (vector 2). */
    record Nmi() implements Event {
        @Override
        public int vector() {
            return 2;
        }
    }

    /** A hardware exception, with an error code where the architecture defines one. */
    record HardwareException(int vector, Integer errorCode) implements Event {
        public HardwareException {
            checkVector(vector);
            if (vector >= 32) {
                throw new IllegalArgumentException("exception vector above 31: " + vector);
            }
        }
    }

    /** A software interrupt (INT n), delivered as if the guest had executed it. */
    record SoftwareInterrupt(int vector, int instructionLength) implements Event {
        public SoftwareInterrupt {
            checkVector(vector);
        }
    }

    private static void checkVector(int vector) {
        if (vector < 0 || vector > 255) {
            throw new IllegalArgumentException("vector out of range: " + vector);
        }
    }
}
