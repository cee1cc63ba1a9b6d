package dev.hve.api;

/**
 * Sensitive instructions that both VT-x and SVM can be told to exit on, beyond those with a
 * common exit kind. The monitor asks for them in {@link InterceptConfig#instructions()}; the
 * backend then programs its own controls (a VMCS execution control or a VMCB intercept bit),
 * takes the exit, carries the instruction out itself, and reports the exit through
 * {@link InternalExitListener}. Each constant names the controls it maps to on both vendors.
 */
public enum SensitiveInstruction {
    /** VT-x "PAUSE exiting" (reason 40); SVM PAUSE intercept (EXITCODE 0x77). */
    PAUSE,
    /** VT-x "WBINVD exiting" (reason 54); SVM WBINVD intercept (0x89). */
    WBINVD,
    /** VT-x exits on INVD unconditionally (reason 13); SVM INVD intercept (0x76). */
    INVD,
    /** VT-x "RDPMC exiting" (reason 15); SVM RDPMC intercept (0x6F). */
    RDPMC,
    /** VT-x exits on XSETBV unconditionally (reason 55); SVM XSETBV intercept (0x8D). */
    XSETBV,
    /** MOV to or from DR0-DR7: VT-x "MOV-DR exiting" (reason 29); SVM DR read/write intercepts (0x20-0x3F). */
    MOV_DR,
    /**
     * Writes to CR0, CR3, CR4 and CR8 and reads of CR3 and CR8, the accesses both vendors can
     * intercept: VT-x CR0/CR4 guest/host masks of all ones, CR3-load/store and CR8-load/store
     * exiting (reason 28); SVM CR read/write intercepts (0x00-0x1F).
     */
    MOV_CR,
    /**
     * LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT and STR: VT-x "descriptor-table exiting" (reasons 46
     * and 47); SVM's eight descriptor-table read/write intercepts (0x66-0x6D).
     */
    DESCRIPTOR_TABLE
}
