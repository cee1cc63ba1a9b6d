package dev.hve.svm.exit;

/**
 * EXITINFO1 of #VMEXIT(IOIO) (AMD APM Vol. 2, §15.10.2, Figure 15-2): TYPE (bit 0, 1 = IN), STR
 * (bit 2), REP (bit 3), SZ8/SZ16/SZ32 (bits 4-6, one-hot), A16/A32/A64 (bits 7-9, one-hot), SEG
 * (bits 12:10, the effective segment of a string instruction, a decode assist) and the port
 * (bits 31:16). EXITINFO2 holds the next RIP.
 */
public final class IoioExitInfo {

    private IoioExitInfo() {
    }

    public static final long TYPE_IN = 1L;
    public static final long STR = 1L << 2;
    public static final long REP = 1L << 3;
    public static final long SZ8 = 1L << 4;
    public static final long SZ16 = 1L << 5;
    public static final long SZ32 = 1L << 6;
    public static final long A16 = 1L << 7;
    public static final long A32 = 1L << 8;
    public static final long A64 = 1L << 9;
    public static final int SEG_SHIFT = 10;
    public static final long SEG_MASK = 7L << SEG_SHIFT;
    public static final int PORT_SHIFT = 16;

    /**
     * @param size        1, 2 or 4
     * @param addressSize 2, 4 or 8 (0 when unknown: no A bit is set)
     * @param segment     the segment-register number (ES = 0 ... GS = 5) of a string form
     */
    public static long encode(int port, int size, boolean in, boolean string, boolean rep, int addressSize,
                              int segment) {
        long info = ((long) (port & 0xFFFF) << PORT_SHIFT) | (in ? TYPE_IN : 0) | (string ? STR : 0) | (rep ? REP : 0);
        info |= switch (size) {
            case 1 -> SZ8;
            case 2 -> SZ16;
            case 4 -> SZ32;
            default -> throw new IllegalArgumentException("I/O size " + size);
        };
        info |= switch (addressSize) {
            case 2 -> A16;
            case 4 -> A32;
            case 8 -> A64;
            default -> 0;
        };
        if (string) {
            info |= ((long) segment << SEG_SHIFT) & SEG_MASK;
        }
        return info;
    }

    public static int port(long info) {
        return (int) (info >>> PORT_SHIFT) & 0xFFFF;
    }

    public static boolean in(long info) {
        return (info & TYPE_IN) != 0;
    }

    public static boolean string(long info) {
        return (info & STR) != 0;
    }

    public static boolean rep(long info) {
        return (info & REP) != 0;
    }

    /** The access size in bytes, from the one-hot SZ bits. */
    public static int size(long info) {
        if ((info & SZ32) != 0) {
            return 4;
        }
        return (info & SZ16) != 0 ? 2 : 1;
    }

    /** The address size in bytes, from the one-hot A bits; 0 if none is set. */
    public static int addressSize(long info) {
        if ((info & A64) != 0) {
            return 8;
        }
        if ((info & A32) != 0) {
            return 4;
        }
        return (info & A16) != 0 ? 2 : 0;
    }

    public static int segment(long info) {
        return (int) ((info & SEG_MASK) >>> SEG_SHIFT);
    }
}
