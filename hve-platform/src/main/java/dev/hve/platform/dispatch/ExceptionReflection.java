package dev.hve.platform.dispatch;

import dev.hve.api.Event;
import dev.hve.api.Register;
import dev.hve.api.Vcpu;
import dev.hve.api.VmExit;

/**
 * Gives an intercepted exception back to the guest, as a monitor that only watches exceptions
 * does (KVM reflects the exceptions it intercepts for its own reasons the same way). The guest
 * then sees the exception it would have taken without the intercept.
 */
public final class ExceptionReflection {

    private static final int DB = 1;
    private static final int NMI = 2;
    private static final int BP = 3;
    private static final int OF = 4;
    private static final int PF = 14;

    private ExceptionReflection() {
    }

    /**
     * Vectors whose exits {@link #reflect} can give back faithfully. #DB is not among them: its
     * exit leaves DR6 unwritten on VT-x (the bits travel in the exit qualification, Intel SDM
     * Vol. 3C §28.2.1), which the common exit does not carry. Vector 2 is the NMI, not an
     * exception the bitmap or the intercept vector selects.
     */
    public static final int REFLECTABLE = 0xFFFF_FFFF & ~(1 << DB) & ~(1 << NMI);

    static void reflect(Vcpu vcpu, VmExit.Exception exception) {
        int vector = exception.vector();
        if ((REFLECTABLE & (1 << vector)) == 0) {
            throw new IllegalStateException("exception " + vector + " cannot be reflected to the guest");
        }
        if (vector == PF) {
            // Neither processor writes CR2 when a #PF exits (SDM Vol. 3C §28.1; AMD APM Vol. 2
            // §15.12: the address is in EXITINFO2); delivering it is the monitor's job.
            vcpu.setRegister(Register.CR2, exception.faultAddress());
        }
        if (vector == BP || vector == OF) {
            // INT3 and INTO are traps: the exit reports the instruction itself, and the handler
            // must return past it. Completing the instruction first gives that return address.
            vcpu.completeInstruction();
        }
        vcpu.inject(new Event.HardwareException(vector, exception.hasErrorCode() ? exception.errorCode() : null));
    }
}
