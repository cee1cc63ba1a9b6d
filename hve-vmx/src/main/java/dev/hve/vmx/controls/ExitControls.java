package dev.hve.vmx.controls;

/** Primary VM-exit controls (Intel SDM Vol. 3C §25.7.1). */
public final class ExitControls {

    public static final int SAVE_DEBUG_CONTROLS = 1 << 2;
    public static final int HOST_ADDRESS_SPACE_SIZE = 1 << 9;
    public static final int LOAD_IA32_PERF_GLOBAL_CTRL = 1 << 12;
    public static final int ACKNOWLEDGE_INTERRUPT_ON_EXIT = 1 << 15;
    public static final int SAVE_IA32_PAT = 1 << 18;
    public static final int LOAD_IA32_PAT = 1 << 19;
    public static final int SAVE_IA32_EFER = 1 << 20;
    public static final int LOAD_IA32_EFER = 1 << 21;
    public static final int SAVE_VMX_PREEMPTION_TIMER = 1 << 22;

    /** Bits 0-8, 10, 11, 13, 14, 16 and 17: the default1 class (Appendix A.4). */
    public static final int DEFAULT1 = 0x0003_6DFF;

    private ExitControls() {
    }
}
