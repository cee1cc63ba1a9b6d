package dev.hve.emulator.msr;

import dev.hve.emulator.cpu.CpuState;

/**
 * The model-specific registers an operating system touches (Intel SDM Vol. 4; AMD APM Vol. 2
 * appendix A). MSRs that both vendors' guest-state areas carry live in {@link CpuState}; the rest
 * are kept here, and those only one vendor has are in {@link VendorMsrs}. Unknown MSRs,
 * reserved-bit writes and writes to read-only MSRs are refused, which the executor turns into
 * #GP(0).
 *
 * <p>The TSC is virtual: the caller passes the core's base count (retired instructions plus the
 * backend's TSC offset) and a write to IA32_TSC adjusts {@link #tscBias}.
 */
public final class MsrModel {

    public static final int IA32_TSC = 0x10;
    public static final int IA32_APIC_BASE = 0x1B;
    public static final int IA32_TSC_ADJUST = 0x3B;
    public static final int IA32_SPEC_CTRL = 0x48;
    public static final int IA32_PRED_CMD = 0x49;
    public static final int IA32_BIOS_SIGN_ID = 0x8B;
    public static final int IA32_MTRRCAP = 0xFE;
    public static final int IA32_SYSENTER_CS = 0x174;
    public static final int IA32_SYSENTER_ESP = 0x175;
    public static final int IA32_SYSENTER_EIP = 0x176;
    public static final int IA32_MCG_CAP = 0x179;
    public static final int IA32_MCG_STATUS = 0x17A;
    public static final int IA32_MTRR_PHYSBASE0 = 0x200;
    public static final int IA32_MTRR_FIX64K_00000 = 0x250;
    public static final int IA32_MTRR_FIX16K_80000 = 0x258;
    public static final int IA32_MTRR_FIX16K_A0000 = 0x259;
    public static final int IA32_MTRR_FIX4K_C0000 = 0x268;
    public static final int IA32_PAT = 0x277;
    public static final int IA32_MTRR_DEF_TYPE = 0x2FF;
    public static final int IA32_MC0_CTL = 0x400;
    public static final int IA32_TSC_DEADLINE = 0x6E0;
    public static final int IA32_EFER = 0xC000_0080;
    public static final int IA32_STAR = 0xC000_0081;
    public static final int IA32_LSTAR = 0xC000_0082;
    public static final int IA32_CSTAR = 0xC000_0083;
    public static final int IA32_FMASK = 0xC000_0084;
    public static final int IA32_FS_BASE = 0xC000_0100;
    public static final int IA32_GS_BASE = 0xC000_0101;
    public static final int IA32_KERNEL_GS_BASE = 0xC000_0102;
    public static final int IA32_TSC_AUX = 0xC000_0103;

    private static final int VARIABLE_MTRRS = 8;

    /** The MSRs only this vendor has (MISC_ENABLE, SYSCFG, HWCR, ...). */
    private final VendorMsrs vendor;
    /** Physical-address width of both models (CPUID 8000_0008h). */
    private final long physicalMask;

    private final CpuState s;
    private final boolean amd;

    public long apicBase = 0xFEE0_0000L | (1L << 11) | (1L << 8); // enabled, BSP
    public long mtrrDefType;
    public final long[] mtrrVariable = new long[2 * VARIABLE_MTRRS];
    public final long[] mtrrFixed = new long[11];
    public long tscDeadline;
    public long specCtrl;
    public long mcgStatus;
    public final long[] mcBanks = new long[4 * 4];
    /** Added to the core's base TSC count; a WRMSR to IA32_TSC moves it. */
    public long tscBias;

    /** The value the last successful {@link #read} produced. */
    private long value;

    public MsrModel(CpuState state, boolean amd) {
        this.s = state;
        this.amd = amd;
        this.physicalMask = ((1L << (amd ? 48 : 39)) - 1) & ~0xFFFL;
        this.vendor = new VendorMsrs(amd);
    }

    /** The value of the last successful read. */
    public long value() {
        return value;
    }

    /**
     * Reads an MSR into {@link #value()}.
     *
     * @param baseTsc the core's TSC before {@link #tscBias}
     * @return false when the MSR does not exist (#GP(0))
     */
    public boolean read(int index, long baseTsc) {
        long v;
        switch (index) {
            case IA32_TSC: v = baseTsc + tscBias; break;
            case IA32_APIC_BASE: v = apicBase; break;
            case IA32_TSC_ADJUST: v = tscBias; break;
            case IA32_SPEC_CTRL: v = specCtrl; break;
            case IA32_BIOS_SIGN_ID: v = 0; break;
            case IA32_MTRRCAP: v = VARIABLE_MTRRS | (1 << 8) | (1 << 10); break; // VCNT, FIX, WC
            case IA32_SYSENTER_CS: v = s.sysenterCs; break;
            case IA32_SYSENTER_ESP: v = s.sysenterEsp; break;
            case IA32_SYSENTER_EIP: v = s.sysenterEip; break;
            case IA32_MCG_CAP: v = 4; break; // four banks, no extended features
            case IA32_MCG_STATUS: v = mcgStatus; break;
            case IA32_PAT: v = s.pat; break;
            case IA32_MTRR_DEF_TYPE: v = mtrrDefType; break;
            case IA32_TSC_DEADLINE: v = tscDeadline; break;
            case IA32_EFER: v = s.efer; break;
            case IA32_STAR: v = s.star; break;
            case IA32_LSTAR: v = s.lstar; break;
            case IA32_CSTAR: v = s.cstar; break;
            case IA32_FMASK: v = s.sfmask; break;
            case IA32_FS_BASE: v = s.segmentBase[CpuState.FS]; break;
            case IA32_GS_BASE: v = s.segmentBase[CpuState.GS]; break;
            case IA32_KERNEL_GS_BASE: v = s.kernelGsBase; break;
            case IA32_TSC_AUX: v = s.tscAux; break;
            default: {
                int fixed = fixedMtrrIndex(index);
                if (fixed >= 0) {
                    v = mtrrFixed[fixed];
                } else if (index >= IA32_MTRR_PHYSBASE0 && index < IA32_MTRR_PHYSBASE0 + 2 * VARIABLE_MTRRS) {
                    v = mtrrVariable[index - IA32_MTRR_PHYSBASE0];
                } else if (index >= IA32_MC0_CTL && index < IA32_MC0_CTL + mcBanks.length) {
                    v = mcBanks[index - IA32_MC0_CTL];
                } else if (vendor.read(index)) {
                    v = vendor.value();
                } else {
                    return false;
                }
            }
        }
        value = v;
        return true;
    }

    /**
     * Writes an MSR.
     *
     * @return false for #GP(0): unknown MSR, reserved bits, or a read-only MSR
     */
    public boolean write(int index, long v, long baseTsc) {
        switch (index) {
            case IA32_TSC: tscBias = v - baseTsc; return true;
            case IA32_APIC_BASE:
                if ((v & ~(physicalMask | (1L << 8) | (1L << 10) | (1L << 11))) != 0) {
                    return false;
                }
                apicBase = v;
                return true;
            case IA32_TSC_ADJUST: tscBias = v; return true;
            case IA32_SPEC_CTRL: specCtrl = v & 7; return (v & ~7L) == 0;
            case IA32_PRED_CMD: return (v & ~1L) == 0;
            case IA32_BIOS_SIGN_ID: return true;
            case IA32_SYSENTER_CS: s.sysenterCs = v & 0xFFFF_FFFFL; return true;
            case IA32_SYSENTER_ESP: if (!canonical(v)) { return false; } s.sysenterEsp = v; return true;
            case IA32_SYSENTER_EIP: if (!canonical(v)) { return false; } s.sysenterEip = v; return true;
            case IA32_MCG_STATUS: mcgStatus = v; return true;
            case IA32_PAT:
                for (int i = 0; i < 8; i++) {
                    int type = (int) ((v >>> (8 * i)) & 0xFF);
                    if (type == 2 || type == 3 || type > 7) {
                        return false; // reserved memory types (SDM Vol. 3A §13.12.2)
                    }
                }
                s.pat = v;
                return true;
            case IA32_MTRR_DEF_TYPE:
                if ((v & ~0xCFFL) != 0) {
                    return false;
                }
                mtrrDefType = v;
                return true;
            case IA32_TSC_DEADLINE: tscDeadline = v; return true;
            case IA32_EFER: return writeEfer(v);
            case IA32_STAR: s.star = v; return true;
            case IA32_LSTAR: if (!canonical(v)) { return false; } s.lstar = v; return true;
            case IA32_CSTAR: if (!canonical(v)) { return false; } s.cstar = v; return true;
            case IA32_FMASK: s.sfmask = v & 0xFFFF_FFFFL; return true;
            case IA32_FS_BASE: if (!canonical(v)) { return false; } s.segmentBase[CpuState.FS] = v; return true;
            case IA32_GS_BASE: if (!canonical(v)) { return false; } s.segmentBase[CpuState.GS] = v; return true;
            case IA32_KERNEL_GS_BASE: if (!canonical(v)) { return false; } s.kernelGsBase = v; return true;
            case IA32_TSC_AUX: if ((v >>> 32) != 0) { return false; } s.tscAux = v; return true;
            default: {
                int fixed = fixedMtrrIndex(index);
                if (fixed >= 0) {
                    mtrrFixed[fixed] = v;
                    return true;
                }
                if (index >= IA32_MTRR_PHYSBASE0 && index < IA32_MTRR_PHYSBASE0 + 2 * VARIABLE_MTRRS) {
                    mtrrVariable[index - IA32_MTRR_PHYSBASE0] = v;
                    return true;
                }
                if (index >= IA32_MC0_CTL && index < IA32_MC0_CTL + mcBanks.length) {
                    mcBanks[index - IA32_MC0_CTL] = v;
                    return true;
                }
                return vendor.write(index, v);
            }
        }
    }

    /**
     * EFER (SDM Vol. 3A §2.2.1, APM Vol. 2 §3.1.7): SCE, LME, NXE (and SVME on AMD) are writable;
     * LMA is read-only and kept; changing LME while paging is on is #GP.
     */
    private boolean writeEfer(long v) {
        long writable = CpuState.EFER_SCE | CpuState.EFER_LME | CpuState.EFER_NXE | (amd ? CpuState.EFER_SVME : 0);
        if ((v & ~(writable | CpuState.EFER_LMA)) != 0) {
            return false;
        }
        if (s.pagingEnabled() && ((v ^ s.efer) & CpuState.EFER_LME) != 0) {
            return false;
        }
        s.efer = (v & writable) | (s.efer & CpuState.EFER_LMA);
        return true;
    }

    private static int fixedMtrrIndex(int index) {
        if (index == IA32_MTRR_FIX64K_00000) {
            return 0;
        }
        if (index == IA32_MTRR_FIX16K_80000) {
            return 1;
        }
        if (index == IA32_MTRR_FIX16K_A0000) {
            return 2;
        }
        if (index >= IA32_MTRR_FIX4K_C0000 && index <= IA32_MTRR_FIX4K_C0000 + 7) {
            return 3 + index - IA32_MTRR_FIX4K_C0000;
        }
        return -1;
    }

    private static boolean canonical(long v) {
        return (v >> 47) == 0 || (v >> 47) == -1;
    }
}
