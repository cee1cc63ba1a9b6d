package dev.hve.emulator.exec;

/**
 * An architectural exception raised while executing or delivering: a fault, trap or abort with
 * its vector, error code and (for #PF) the faulting linear address. Each core preallocates one
 * instance and rethrows it, so raising an exception allocates nothing and records no stack trace.
 */
public final class Fault extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final int DE = 0;
    public static final int DB = 1;
    public static final int NMI = 2;
    public static final int BP = 3;
    public static final int OF = 4;
    public static final int BR = 5;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int DF = 8;
    public static final int TS = 10;
    public static final int NP = 11;
    public static final int SS = 12;
    public static final int GP = 13;
    public static final int PF = 14;
    public static final int MF = 16;
    public static final int AC = 17;
    public static final int MC = 18;
    public static final int XM = 19;

    public int vector;
    public boolean hasErrorCode;
    public int errorCode;
    /** CR2's new value for #PF. */
    public long faultAddress;

    public Fault() {
        super(null, null, false, false);
    }

    /** Fills this instance in and returns it for {@code throw}. */
    public Fault set(int vector, boolean hasErrorCode, int errorCode, long faultAddress) {
        this.vector = vector;
        this.hasErrorCode = hasErrorCode;
        this.errorCode = errorCode;
        this.faultAddress = faultAddress;
        return this;
    }

    /** Whether the vector pushes an error code when raised as a hardware exception (SDM Vol. 3A table 6-1). */
    public static boolean pushesErrorCode(int vector) {
        return vector == DF || vector == TS || vector == NP || vector == SS || vector == GP || vector == PF
            || vector == AC || vector == 21;
    }

    @Override
    public String getMessage() {
        return "exception " + vector + (hasErrorCode ? " error " + Integer.toHexString(errorCode) : "");
    }
}
