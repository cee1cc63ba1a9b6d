package dev.hve.vmx.exit;

/**
 * Builders and decoders for exit qualifications, bit for bit as Intel SDM Vol. 3C §28.2.1
 * defines them (Tables 28-3 control-register accesses, 28-4 MOV DR, 28-5 I/O instructions,
 * 28-7 EPT violations).
 */
public final class ExitQualification {

    // Table 28-5: I/O instructions.
    public static final long IO_DIRECTION_IN = 1L << 3;
    public static final long IO_STRING = 1L << 4;
    public static final long IO_REP = 1L << 5;
    public static final long IO_IMMEDIATE = 1L << 6;

    // Table 28-3: control-register accesses, bits 5:4.
    public static final int CR_MOV_TO = 0;
    public static final int CR_MOV_FROM = 1;
    public static final int CR_CLTS = 2;
    public static final int CR_LMSW = 3;

    // Table 28-7: EPT violations.
    public static final long EPT_READ = 1L;
    public static final long EPT_WRITE = 1L << 1;
    public static final long EPT_FETCH = 1L << 2;
    public static final long EPT_READABLE = 1L << 3;
    public static final long EPT_WRITABLE = 1L << 4;
    public static final long EPT_EXECUTABLE = 1L << 5;
    public static final long EPT_LINEAR_VALID = 1L << 7;
    /** With bit 7: the access was to the final translation, not to a guest paging-structure entry. */
    public static final long EPT_FINAL_TRANSLATION = 1L << 8;
    public static final long EPT_NMI_UNBLOCKING = 1L << 12;

    private ExitQualification() {
    }

    /** Table 28-5: size-1 in bits 2:0, direction 3, string 4, REP 5, operand encoding 6, port 31:16. */
    public static long io(int port, int size, boolean in, boolean string, boolean rep, boolean immediate) {
        return (size - 1) | (in ? IO_DIRECTION_IN : 0) | (string ? IO_STRING : 0) | (rep ? IO_REP : 0)
            | (immediate ? IO_IMMEDIATE : 0) | ((long) (port & 0xFFFF) << 16);
    }

    public static int ioSize(long q) {
        return (int) (q & 7) + 1;
    }

    public static boolean ioIn(long q) {
        return (q & IO_DIRECTION_IN) != 0;
    }

    public static boolean ioString(long q) {
        return (q & IO_STRING) != 0;
    }

    public static boolean ioRep(long q) {
        return (q & IO_REP) != 0;
    }

    public static boolean ioImmediate(long q) {
        return (q & IO_IMMEDIATE) != 0;
    }

    public static int ioPort(long q) {
        return (int) (q >>> 16) & 0xFFFF;
    }

    /**
     * Table 28-3: CR number in 3:0, access type in 5:4, LMSW operand type (1 = memory) in 6,
     * GPR in 11:8 (MOV CR only), LMSW source data in 31:16 (LMSW only).
     */
    public static long crAccess(int cr, int accessType, int gpr, boolean lmswMemory, int lmswSource) {
        long q = (cr & 0xF) | ((long) accessType << 4);
        if (accessType == CR_MOV_TO || accessType == CR_MOV_FROM) {
            q |= (long) (gpr & 0xF) << 8;
        }
        if (accessType == CR_LMSW) {
            q |= (lmswMemory ? 1L << 6 : 0) | ((long) (lmswSource & 0xFFFF) << 16);
        }
        return q;
    }

    public static int crNumber(long q) {
        return (int) (q & 0xF);
    }

    public static int crAccessType(long q) {
        return (int) (q >>> 4) & 3;
    }

    public static int crGpr(long q) {
        return (int) (q >>> 8) & 0xF;
    }

    /** The LMSW source data, bits 31:16 (for an LMSW access). */
    public static int lmswSource(long q) {
        return (int) (q >>> 16) & 0xFFFF;
    }

    /** Table 28-4: DR number in 2:0, direction in 4 (1 = MOV from DR), GPR in 11:8. */
    public static long drAccess(int dr, boolean fromDr, int gpr) {
        return (dr & 7) | (fromDr ? 1L << 4 : 0) | ((long) (gpr & 0xF) << 8);
    }
}
