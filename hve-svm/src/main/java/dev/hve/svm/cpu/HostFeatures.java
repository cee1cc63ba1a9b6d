package dev.hve.svm.cpu;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.HostCpu;

/**
 * What the modeled AMD host supports, read once from its CPUID: the SVM features of leaf
 * 8000_000Ah (AMD APM Vol. 3, Appendix E "CPUID Fn8000_000A"), the physical-address width, and
 * the CR4 and EFER bits that exist (every other bit is MBZ for VMRUN's consistency checks,
 * AMD APM Vol. 2, §15.5.1).
 */
public final class HostFeatures {

    // CPUID Fn8000_000A_EDX.
    public static final int NP = 0;
    public static final int LBR_VIRT = 1;
    public static final int SVM_LOCK = 2;
    public static final int NRIPS = 3;
    public static final int TSC_RATE_MSR = 4;
    public static final int VMCB_CLEAN = 5;
    public static final int FLUSH_BY_ASID = 6;
    public static final int DECODE_ASSISTS = 7;
    public static final int PAUSE_FILTER = 10;

    private final int svmFeatures;
    private final int asidCount;
    private final int svmRevision;
    private final boolean longMode;
    private final int maxPhysicalAddressBits;
    private final long cr4Supported;
    private final long eferSupported;

    public HostFeatures(HostCpu host) {
        CpuidLeaf svm = leaf(host, 0x8000_000A);
        this.svmFeatures = svm.edx();
        this.asidCount = svm.ebx();
        this.svmRevision = svm.eax() & 0xFF;
        CpuidLeaf ext1 = leaf(host, 0x8000_0001);
        this.longMode = (ext1.edx() >>> 29 & 1) != 0;
        int width = leaf(host, 0x8000_0008).eax() & 0xFF;
        this.maxPhysicalAddressBits = width == 0 ? 36 : width;
        CpuidLeaf basic1 = host.cpuid(1, 0);
        CpuidLeaf ext7 = host.cpuid(0, 0).eax() >= 7 ? host.cpuid(7, 0) : CpuidLeaf.ZERO;
        // VME, PVI, TSD, DE, PSE, PAE, MCE, PGE, PCE, OSFXSR, OSXMMEXCPT: present on every AMD64 part.
        long cr4 = 0x7FF;
        cr4 |= bit(ext7.ecx(), 2) << 11;   // UMIP
        cr4 |= bit(ext7.ecx(), 16) << 12;  // LA57
        cr4 |= bit(ext7.ebx(), 0) << 16;   // FSGSBASE
        cr4 |= bit(basic1.ecx(), 17) << 17; // PCIDE
        cr4 |= bit(basic1.ecx(), 26) << 18; // OSXSAVE
        cr4 |= bit(ext7.ebx(), 7) << 20;   // SMEP
        cr4 |= bit(ext7.ebx(), 20) << 21;  // SMAP
        cr4 |= bit(ext7.ecx(), 3) << 22;   // PKE
        this.cr4Supported = cr4;
        // SCE, LME, LMA, SVME always; NXE, FFXSR and TCE as CPUID reports them (APM Vol. 2 §3.1.7).
        long efer = 1L | 1L << 8 | 1L << 10 | 1L << 12;
        efer |= bit(ext1.edx(), 20) << 11;
        efer |= bit(ext1.edx(), 25) << 14;
        efer |= bit(ext1.ecx(), 17) << 15;
        this.eferSupported = efer;
    }

    private static CpuidLeaf leaf(HostCpu host, int leaf) {
        int max = host.cpuid(0x8000_0000, 0).eax();
        return Integer.compareUnsigned(leaf, max) <= 0 ? host.cpuid(leaf, 0) : CpuidLeaf.ZERO;
    }

    private static long bit(int word, int bit) {
        return word >>> bit & 1;
    }

    private boolean svm(int bit) {
        return (svmFeatures >>> bit & 1) != 0;
    }

    public boolean nestedPaging() {
        return svm(NP);
    }

    public boolean nrips() {
        return svm(NRIPS);
    }

    public boolean vmcbClean() {
        return svm(VMCB_CLEAN);
    }

    public boolean flushByAsid() {
        return svm(FLUSH_BY_ASID);
    }

    public boolean decodeAssists() {
        return svm(DECODE_ASSISTS);
    }

    public boolean pauseFilter() {
        return svm(PAUSE_FILTER);
    }

    public int asidCount() {
        return asidCount;
    }

    public int svmRevision() {
        return svmRevision;
    }

    public boolean longMode() {
        return longMode;
    }

    public int maxPhysicalAddressBits() {
        return maxPhysicalAddressBits;
    }

    /** CR4 bits this host implements; the rest are MBZ. */
    public long cr4Supported() {
        return cr4Supported;
    }

    /** EFER bits this host implements; the rest are MBZ. */
    public long eferSupported() {
        return eferSupported;
    }
}
