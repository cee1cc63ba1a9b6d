package dev.hve.vmx.exit;

/**
 * The layout shared by the VM-entry interruption-information field, the VM-exit
 * interruption-information field and the IDT-vectoring information field (Intel SDM Vol. 3C
 * §25.8.3, "VM-Entry Controls for Event Injection"; §25.9.2 and §25.9.3): vector in bits 7:0, type in 10:8, bit 11
 * error code valid/deliver, bit 12 NMI unblocking due to IRET, bit 31 valid.
 */
public final class InterruptionInfo {

    public static final int TYPE_EXTERNAL_INTERRUPT = 0;
    public static final int TYPE_NMI = 2;
    public static final int TYPE_HARDWARE_EXCEPTION = 3;
    public static final int TYPE_SOFTWARE_INTERRUPT = 4;
    public static final int TYPE_PRIVILEGED_SOFTWARE_EXCEPTION = 5;
    public static final int TYPE_SOFTWARE_EXCEPTION = 6;
    public static final int TYPE_OTHER_EVENT = 7;

    public static final int ERROR_CODE_VALID = 1 << 11;
    public static final int NMI_UNBLOCKING_DUE_TO_IRET = 1 << 12;
    public static final int VALID = 1 << 31;

    private InterruptionInfo() {
    }

    public static int encode(int vector, int type, boolean errorCode) {
        return VALID | (vector & 0xFF) | (type << 8) | (errorCode ? ERROR_CODE_VALID : 0);
    }

    public static boolean valid(int info) {
        return (info & VALID) != 0;
    }

    public static int vector(int info) {
        return info & 0xFF;
    }

    public static int type(int info) {
        return (info >>> 8) & 7;
    }

    public static boolean hasErrorCode(int info) {
        return (info & ERROR_CODE_VALID) != 0;
    }

    /** Exceptions that push an error code in protected mode (Vol. 3A §6.15): #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP. */
    public static boolean exceptionHasErrorCode(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
    }
}
