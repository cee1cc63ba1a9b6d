package dev.hve.svm.event;

/**
 * The event format shared by EVENTINJ and EXITINTINFO (AMD APM Vol. 2, §15.20 "Event Injection"
 * and §15.7.2 "Intercepts During IDT Interrupt Delivery"): VECTOR 7:0, TYPE 10:8, EV 11, V 31,
 * ERRORCODE 63:32.
 */
public final class EventInj {

    private EventInj() {
    }

    public static final long VECTOR_MASK = 0xFFL;
    public static final int TYPE_SHIFT = 8;
    public static final long TYPE_MASK = 7L << TYPE_SHIFT;
    /** External or virtual interrupt (INTR). */
    public static final int TYPE_INTR = 0;
    public static final int TYPE_NMI = 2;
    /** Exception (fault or trap). */
    public static final int TYPE_EXCEPTION = 3;
    /** Software interrupt (INTn). */
    public static final int TYPE_SOFTWARE_INTERRUPT = 4;
    /** EV: the error code in bits 63:32 is pushed. */
    public static final long EV = 1L << 11;
    public static final long V = 1L << 31;
    public static final int ERRORCODE_SHIFT = 32;

    public static long encode(int type, int vector, boolean hasErrorCode, int errorCode) {
        long value = V | ((long) type << TYPE_SHIFT) | (vector & VECTOR_MASK);
        if (hasErrorCode) {
            value |= EV | ((errorCode & 0xFFFF_FFFFL) << ERRORCODE_SHIFT);
        }
        return value;
    }

    public static boolean valid(long event) {
        return (event & V) != 0;
    }

    public static int vector(long event) {
        return (int) (event & VECTOR_MASK);
    }

    public static int type(long event) {
        return (int) ((event & TYPE_MASK) >>> TYPE_SHIFT);
    }

    public static boolean hasErrorCode(long event) {
        return (event & EV) != 0;
    }

    public static int errorCode(long event) {
        return (int) (event >>> ERRORCODE_SHIFT);
    }

    /**
     * Why VMRUN would refuse to inject {@code event}, or null when it is legal (§15.20): TYPE 1
     * and 5-7 are reserved, an exception cannot use vector 2 (NMI has its own TYPE), and only
     * vectors 0-31 are exceptions.
     */
    public static String illegalReason(long event) {
        if (!valid(event)) {
            return null;
        }
        int type = type(event);
        if (type != TYPE_INTR && type != TYPE_NMI && type != TYPE_EXCEPTION && type != TYPE_SOFTWARE_INTERRUPT) {
            return "EVENTINJ.TYPE " + type + " is reserved";
        }
        if (type == TYPE_EXCEPTION && vector(event) == 2) {
            return "EVENTINJ injects vector 2 as an exception (NMI must use TYPE 2)";
        }
        if (type == TYPE_EXCEPTION && vector(event) > 31) {
            return "EVENTINJ injects exception vector " + vector(event) + " above 31";
        }
        return null;
    }
}
