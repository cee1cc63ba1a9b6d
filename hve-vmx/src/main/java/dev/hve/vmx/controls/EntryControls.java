package dev.hve.vmx.controls;

/** VM-entry controls (Intel SDM Vol. 3C §25.8.1). */
public final class EntryControls {

    public static final int LOAD_DEBUG_CONTROLS = 1 << 2;
    public static final int IA32E_MODE_GUEST = 1 << 9;
    public static final int ENTRY_TO_SMM = 1 << 10;
    public static final int DEACTIVATE_DUAL_MONITOR = 1 << 11;
    public static final int LOAD_IA32_PERF_GLOBAL_CTRL = 1 << 13;
    public static final int LOAD_IA32_PAT = 1 << 14;
    public static final int LOAD_IA32_EFER = 1 << 15;

    /** Bits 0-8 and 12: the default1 class (Appendix A.5). */
    public static final int DEFAULT1 = 0x0000_11FF;

    private EntryControls() {
    }
}
