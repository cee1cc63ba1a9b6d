package dev.hve.vmx.entry;

import static dev.hve.vmx.vmcs.GuestSegmentFields.ACCESS_RIGHTS;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_DB;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_G;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_L;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_P;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_RESERVED;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_S;
import static dev.hve.vmx.vmcs.GuestSegmentFields.AR_UNUSABLE;
import static dev.hve.vmx.vmcs.GuestSegmentFields.BASE;
import static dev.hve.vmx.vmcs.GuestSegmentFields.LIMIT;
import static dev.hve.vmx.vmcs.GuestSegmentFields.SELECTOR;

import dev.hve.emulator.memory.HostMemory;
import dev.hve.vmx.capability.VmxCapabilities;
import dev.hve.vmx.controls.EntryControls;
import dev.hve.vmx.controls.PinBasedControls;
import dev.hve.vmx.controls.SecondaryControls;
import dev.hve.vmx.exit.InterruptionInfo;
import dev.hve.vmx.vmcs.GuestSegmentFields;
import dev.hve.vmx.vmcs.Vmcs;
import dev.hve.vmx.vmcs.VmcsField;

/**
 * The checks on the guest-state area (Intel SDM Vol. 3C §27.3.1, "Checks on the Guest State
 * Area"). A failure is not a VMfail: the processor performs a VM exit with basic reason 33 and
 * bit 31 of the exit reason set ("VM-entry failure"), with exit qualification 0 except for the
 * cases of §27.8 (2 PDPTE loading, 3 NMI injection while blocked by STI, 4 VMCS link pointer).
 */
public final class GuestStateChecks {

    /** Exit qualifications of a VM-entry failure due to invalid guest state. */
    public static final int QUALIFICATION_DEFAULT = 0;
    public static final int QUALIFICATION_PDPTE = 2;
    public static final int QUALIFICATION_NMI_BLOCKED_BY_STI = 3;
    public static final int QUALIFICATION_VMCS_LINK_POINTER = 4;

    private static final long CR0_PE = 1L;
    private static final long CR0_PG = 1L << 31;
    private static final long CR4_PAE = 1L << 5;
    private static final long CR4_PCIDE = 1L << 17;
    private static final long EFER_LME = 1L << 8;
    private static final long EFER_LMA = 1L << 10;
    private static final long EFER_RESERVED = ~((1L) | (1L << 8) | (1L << 10) | (1L << 11));
    private static final long RFLAGS_RESERVED = ~0x3F_FFFFL | (1L << 15) | (1L << 5) | (1L << 3);
    private static final long RFLAGS_IF = 1L << 9;
    private static final long RFLAGS_TF = 1L << 8;
    private static final long RFLAGS_VM = 1L << 17;
    private static final long DEBUGCTL_BTF = 1L << 1;
    private static final long PENDING_DBG_RESERVED = ~0x1_500FL; // B3-B0, enabled breakpoint, BS, RTM
    private static final long PENDING_DBG_BS = 1L << 14;

    private static final int BLOCKING_BY_STI = 1;
    private static final int BLOCKING_BY_MOV_SS = 1 << 1;
    private static final int BLOCKING_BY_SMI = 1 << 2;
    private static final int BLOCKING_BY_NMI = 1 << 3;
    private static final int ENCLAVE_INTERRUPTION = 1 << 4;

    private static final int ACTIVITY_HLT = 1;
    private static final int ACTIVITY_SHUTDOWN = 2;
    private static final int ACTIVITY_WAIT_FOR_SIPI = 3;

    private final VmxCapabilities caps;
    private final HostMemory memory;
    private int qualification;
    /** The VMCS whose settled state last passed the settled-state checks, and when. */
    private Vmcs verifiedVmcs;
    private long verifiedSettledChanges;
    private boolean verifiedV86;
    private final int[] accessRights = new int[8];
    private static final int[] BASE_HIGH_CHECKED = {GuestSegmentFields.SS, GuestSegmentFields.DS, GuestSegmentFields.ES};
    private static final int[] DATA_SEGMENTS = {GuestSegmentFields.DS, GuestSegmentFields.ES, GuestSegmentFields.FS,
        GuestSegmentFields.GS};

    public GuestStateChecks(VmxCapabilities caps, HostMemory memory) {
        this.caps = caps;
        this.memory = memory;
    }

    /** The exit qualification for the last failed check. */
    public int qualification() {
        return qualification;
    }

    /**
     * @return {@code null} when every check passes, else the rule that failed. The checks of
     * control registers, MSRs, segments and descriptor tables read only settled fields (and
     * RFLAGS.VM): when none has changed since they last passed on this VMCS, their outcome is
     * known and they are not run again. The rest run at every entry. Which checks these are, and
     * the order they are reported in, follow Intel SDM Vol. 3C §27.3.1.1-27.3.1.5.
     */
    public String check(Vmcs vmcs) {
        qualification = QUALIFICATION_DEFAULT;
        boolean v86 = (vmcs.read(VmcsField.GUEST_RFLAGS) & RFLAGS_VM) != 0;
        long settled = vmcs.settledChanges();
        String failure = null;
        if (vmcs != verifiedVmcs || settled != verifiedSettledChanges || v86 != verifiedV86) {
            verifiedVmcs = null;
            failure = controlRegistersAndMsrs(vmcs);
            if (failure == null) {
                failure = segments(vmcs);
            }
            if (failure == null) {
                failure = descriptorTables(vmcs);
            }
            if (failure == null) {
                verifiedVmcs = vmcs;
                verifiedSettledChanges = settled;
                verifiedV86 = v86;
            }
        }
        if (failure == null) {
            failure = ripAndRflags(vmcs);
        }
        if (failure == null) {
            failure = nonRegisterState(vmcs);
        }
        if (failure == null) {
            failure = pdptes(vmcs);
        }
        return failure;
    }

    /** PAE paging: CR0.PG and CR4.PAE set outside IA-32e mode. */
    public static boolean paePaging(Vmcs vmcs) {
        return (vmcs.read(VmcsField.GUEST_CR0) & CR0_PG) != 0 && (vmcs.read(VmcsField.GUEST_CR4) & CR4_PAE) != 0
            && !ia32eGuest(vmcs);
    }

    private static final VmcsField[] PDPTES = {VmcsField.GUEST_PDPTE0, VmcsField.GUEST_PDPTE1, VmcsField.GUEST_PDPTE2,
        VmcsField.GUEST_PDPTE3};
    /** Reserved bits of a present PDPTE: 2:1, 8:5 and 63:MAXPHYADDR (Vol. 3A §4.4.1). */
    private static final long PDPTE_RESERVED = 0x1E6L | -(1L << VmxCapabilities.MAXPHYADDR);

    /**
     * §27.3.1.6, "Checks on Guest Page-Directory-Pointer-Table Entries": with EPT and PAE paging,
     * VM entry takes the PDPTEs from the guest-state area, and a present one may not set reserved bits.
     */
    private static String pdptes(Vmcs vmcs) {
        if ((ControlChecks.secondaryControls(vmcs) & SecondaryControls.ENABLE_EPT) == 0 || !paePaging(vmcs)) {
            return null;
        }
        for (int i = 0; i < 4; i++) {
            long pdpte = vmcs.read(PDPTES[i]);
            if ((pdpte & 1) != 0 && (pdpte & PDPTE_RESERVED) != 0) {
                return "guest PDPTE" + i + " sets reserved bits";
            }
        }
        return null;
    }

    /** The guest-state fields of the four PDPTEs. */
    public static VmcsField pdpteField(int index) {
        return PDPTES[index];
    }

    private static boolean ia32eGuest(Vmcs vmcs) {
        return (vmcs.read32(VmcsField.VM_ENTRY_CONTROLS) & EntryControls.IA32E_MODE_GUEST) != 0;
    }

    private static boolean unrestricted(Vmcs vmcs) {
        return (ControlChecks.secondaryControls(vmcs) & SecondaryControls.UNRESTRICTED_GUEST) != 0;
    }

    /** §27.3.1.1, "Checks on Guest Control Registers, Debug Registers, and MSRs". */
    private String controlRegistersAndMsrs(Vmcs vmcs) {
        long cr0 = vmcs.read(VmcsField.GUEST_CR0);
        long cr4 = vmcs.read(VmcsField.GUEST_CR4);
        int entry = vmcs.read32(VmcsField.VM_ENTRY_CONTROLS);
        boolean ia32e = ia32eGuest(vmcs);
        if (!VmxCapabilities.cr0Valid(cr0, unrestricted(vmcs))) {
            return "guest CR0 violates IA32_VMX_CR0_FIXED0/1";
        }
        if ((cr0 & CR0_PG) != 0 && (cr0 & CR0_PE) == 0) {
            return "guest CR0.PG set with CR0.PE clear";
        }
        if (!VmxCapabilities.cr4Valid(cr4)) {
            return "guest CR4 violates IA32_VMX_CR4_FIXED0/1";
        }
        if ((entry & EntryControls.LOAD_DEBUG_CONTROLS) != 0) {
            if ((vmcs.read(VmcsField.GUEST_IA32_DEBUGCTL) & ~0xDFC3L) != 0) {
                return "guest IA32_DEBUGCTL sets reserved bits";
            }
            if ((vmcs.read(VmcsField.GUEST_DR7) >>> 32) != 0) {
                return "guest DR7 bits 63:32 set";
            }
        }
        if (ia32e && ((cr0 & CR0_PG) == 0 || (cr4 & CR4_PAE) == 0)) {
            return "IA-32e mode guest without CR0.PG and CR4.PAE";
        }
        if (!ia32e && (cr4 & CR4_PCIDE) != 0) {
            return "guest CR4.PCIDE set outside IA-32e mode";
        }
        if (!Canonical.withinPhysicalWidth(vmcs.read(VmcsField.GUEST_CR3), VmxCapabilities.MAXPHYADDR)) {
            return "guest CR3 sets bits beyond the physical-address width";
        }
        if (!Canonical.canonical(vmcs.read(VmcsField.GUEST_SYSENTER_ESP))
            || !Canonical.canonical(vmcs.read(VmcsField.GUEST_SYSENTER_EIP))) {
            return "guest IA32_SYSENTER_ESP or IA32_SYSENTER_EIP not canonical";
        }
        if ((entry & EntryControls.LOAD_IA32_PAT) != 0 && !validPat(vmcs.read(VmcsField.GUEST_IA32_PAT))) {
            return "guest IA32_PAT holds an invalid memory type";
        }
        if ((entry & EntryControls.LOAD_IA32_EFER) != 0) {
            long efer = vmcs.read(VmcsField.GUEST_IA32_EFER);
            if ((efer & EFER_RESERVED) != 0) {
                return "guest IA32_EFER sets reserved bits";
            }
            if (((efer & EFER_LMA) != 0) != ia32e) {
                return "guest IA32_EFER.LMA differs from the IA-32e mode guest control";
            }
            if ((cr0 & CR0_PG) != 0 && ((efer & EFER_LME) != 0) != ia32e) {
                return "guest IA32_EFER.LME differs from the IA-32e mode guest control with paging on";
            }
        }
        return null;
    }

    /** §27.3.1.2, "Checks on Guest Segment Registers". */
    private String segments(Vmcs vmcs) {
        boolean v86 = (vmcs.read(VmcsField.GUEST_RFLAGS) & RFLAGS_VM) != 0;
        boolean ia32e = ia32eGuest(vmcs);
        boolean unrestricted = unrestricted(vmcs);
        int[] ar = accessRights;
        for (int s = 0; s < 8; s++) {
            ar[s] = vmcs.read32(ACCESS_RIGHTS[s]);
        }
        int trSelector = (int) vmcs.read(SELECTOR[GuestSegmentFields.TR]);
        if ((trSelector & 4) != 0) {
            return "guest TR selector has TI set";
        }
        if (usable(ar[GuestSegmentFields.LDTR]) && (vmcs.read(SELECTOR[GuestSegmentFields.LDTR]) & 4) != 0) {
            return "guest LDTR selector has TI set";
        }
        int csRpl = (int) vmcs.read(SELECTOR[GuestSegmentFields.CS]) & 3;
        int ssRpl = (int) vmcs.read(SELECTOR[GuestSegmentFields.SS]) & 3;
        if (!v86 && !unrestricted && csRpl != ssRpl) {
            return "guest SS.RPL differs from CS.RPL";
        }
        if (v86) {
            for (int s = GuestSegmentFields.ES; s <= GuestSegmentFields.GS; s++) {
                long selector = vmcs.read(SELECTOR[s]);
                if (vmcs.read(BASE[s]) != selector << 4 || vmcs.read(LIMIT[s]) != 0xFFFF || ar[s] != 0xF3) {
                    return "virtual-8086 guest segment " + s + " not base = selector * 16, limit FFFFH, AR F3H";
                }
            }
        }
        // Bases.
        if (!Canonical.canonical(vmcs.read(BASE[GuestSegmentFields.TR]))
            || !Canonical.canonical(vmcs.read(BASE[GuestSegmentFields.FS]))
            || !Canonical.canonical(vmcs.read(BASE[GuestSegmentFields.GS]))) {
            return "guest TR, FS or GS base not canonical";
        }
        if (usable(ar[GuestSegmentFields.LDTR]) && !Canonical.canonical(vmcs.read(BASE[GuestSegmentFields.LDTR]))) {
            return "guest LDTR base not canonical";
        }
        if ((vmcs.read(BASE[GuestSegmentFields.CS]) >>> 32) != 0) {
            return "guest CS base bits 63:32 set";
        }
        for (int s : BASE_HIGH_CHECKED) {
            if (usable(ar[s]) && (vmcs.read(BASE[s]) >>> 32) != 0) {
                return "guest segment " + s + " base bits 63:32 set";
            }
        }
        if (v86) {
            return trAndLdtr(vmcs, ar, ia32e);
        }
        String failure = codeSegment(vmcs, ar, ia32e, unrestricted);
        if (failure != null) {
            return failure;
        }
        failure = stackSegment(vmcs, ar, ssRpl, unrestricted);
        if (failure != null) {
            return failure;
        }
        for (int s : DATA_SEGMENTS) {
            failure = dataSegment(vmcs, s, ar[s], unrestricted);
            if (failure != null) {
                return failure;
            }
        }
        return trAndLdtr(vmcs, ar, ia32e);
    }

    private String codeSegment(Vmcs vmcs, int[] ar, boolean ia32e, boolean unrestricted) {
        int cs = ar[GuestSegmentFields.CS];
        int type = cs & 0xF;
        boolean typeOk = type == 9 || type == 11 || type == 13 || type == 15 || (unrestricted && type == 3);
        if (!typeOk) {
            return "guest CS type not an accessed code segment";
        }
        if ((cs & AR_S) == 0) {
            return "guest CS access rights S = 0";
        }
        int dpl = dpl(cs);
        int ssDpl = dpl(ar[GuestSegmentFields.SS]);
        if (type == 3 && dpl != 0) {
            return "guest CS type 3 with DPL not 0";
        }
        if ((type == 9 || type == 11) && dpl != ssDpl) {
            return "guest non-conforming CS DPL differs from SS DPL";
        }
        if ((type == 13 || type == 15) && dpl > ssDpl) {
            return "guest conforming CS DPL above SS DPL";
        }
        if ((cs & AR_P) == 0) {
            return "guest CS not present";
        }
        if ((cs & AR_RESERVED) != 0) {
            return "guest CS access rights reserved bits set";
        }
        if (ia32e && (cs & AR_L) != 0 && (cs & AR_DB) != 0) {
            return "guest CS.L and CS.D both set in IA-32e mode";
        }
        return granularity(vmcs, GuestSegmentFields.CS, cs);
    }

    private String stackSegment(Vmcs vmcs, int[] ar, int ssRpl, boolean unrestricted) {
        int ss = ar[GuestSegmentFields.SS];
        if (!usable(ss)) {
            return null;
        }
        int type = ss & 0xF;
        if (type != 3 && type != 7) {
            return "guest SS type not a read/write accessed data segment";
        }
        if ((ss & AR_S) == 0) {
            return "guest SS access rights S = 0";
        }
        if (!unrestricted && dpl(ss) != ssRpl) {
            return "guest SS DPL differs from SS RPL";
        }
        int csType = ar[GuestSegmentFields.CS] & 0xF;
        if ((csType == 3 || (vmcs.read(VmcsField.GUEST_CR0) & CR0_PE) == 0) && dpl(ss) != 0) {
            return "guest SS DPL not 0 in real-address mode or with CS type 3";
        }
        if ((ss & AR_P) == 0) {
            return "guest SS not present";
        }
        if ((ss & AR_RESERVED) != 0) {
            return "guest SS access rights reserved bits set";
        }
        return granularity(vmcs, GuestSegmentFields.SS, ss);
    }

    private String dataSegment(Vmcs vmcs, int s, int value, boolean unrestricted) {
        if (!usable(value)) {
            return null;
        }
        int type = value & 0xF;
        if ((type & 1) == 0) {
            return "guest segment " + s + " type not accessed";
        }
        if ((type & 8) != 0 && (type & 2) == 0) {
            return "guest segment " + s + " is an execute-only code segment";
        }
        if ((value & AR_S) == 0) {
            return "guest segment " + s + " access rights S = 0";
        }
        int rpl = (int) vmcs.read(SELECTOR[s]) & 3;
        if (!unrestricted && type <= 11 && dpl(value) < rpl) {
            return "guest segment " + s + " DPL below its RPL";
        }
        if ((value & AR_P) == 0) {
            return "guest segment " + s + " not present";
        }
        if ((value & AR_RESERVED) != 0) {
            return "guest segment " + s + " access rights reserved bits set";
        }
        return granularity(vmcs, s, value);
    }

    private String trAndLdtr(Vmcs vmcs, int[] ar, boolean ia32e) {
        int tr = ar[GuestSegmentFields.TR];
        int type = tr & 0xF;
        if (!(type == 11 || (!ia32e && type == 3))) {
            return "guest TR type not a busy TSS";
        }
        if ((tr & AR_S) != 0) {
            return "guest TR access rights S = 1";
        }
        if ((tr & AR_P) == 0) {
            return "guest TR not present";
        }
        if ((tr & AR_RESERVED) != 0) {
            return "guest TR access rights reserved bits set";
        }
        if (!usable(tr)) {
            return "guest TR unusable";
        }
        String failure = granularity(vmcs, GuestSegmentFields.TR, tr);
        if (failure != null) {
            return failure;
        }
        int ldtr = ar[GuestSegmentFields.LDTR];
        if (!usable(ldtr)) {
            return null;
        }
        if ((ldtr & 0xF) != 2) {
            return "guest LDTR type not LDT";
        }
        if ((ldtr & AR_S) != 0) {
            return "guest LDTR access rights S = 1";
        }
        if ((ldtr & AR_P) == 0) {
            return "guest LDTR not present";
        }
        if ((ldtr & AR_RESERVED) != 0) {
            return "guest LDTR access rights reserved bits set";
        }
        return granularity(vmcs, GuestSegmentFields.LDTR, ldtr);
    }

    /** If any of limit bits 11:0 is 0, G must be 0; if any of bits 31:20 is 1, G must be 1. */
    private static String granularity(Vmcs vmcs, int s, int ar) {
        long limit = vmcs.read(LIMIT[s]);
        if ((limit & 0xFFF) != 0xFFF && (ar & AR_G) != 0) {
            return "guest segment " + s + " limit bits 11:0 not all 1 with G = 1";
        }
        if ((limit & 0xFFF0_0000L) != 0 && (ar & AR_G) == 0) {
            return "guest segment " + s + " limit above 1 MByte with G = 0";
        }
        return null;
    }

    private static boolean usable(int ar) {
        return (ar & AR_UNUSABLE) == 0;
    }

    private static int dpl(int ar) {
        return (ar >>> 5) & 3;
    }

    /** §27.3.1.3, "Checks on Guest Descriptor-Table Registers". */
    private static String descriptorTables(Vmcs vmcs) {
        if (!Canonical.canonical(vmcs.read(VmcsField.GUEST_GDTR_BASE))
            || !Canonical.canonical(vmcs.read(VmcsField.GUEST_IDTR_BASE))) {
            return "guest GDTR or IDTR base not canonical";
        }
        if ((vmcs.read(VmcsField.GUEST_GDTR_LIMIT) & ~0xFFFFL) != 0 || (vmcs.read(VmcsField.GUEST_IDTR_LIMIT) & ~0xFFFFL) != 0) {
            return "guest GDTR or IDTR limit bits 31:16 set";
        }
        return null;
    }

    /** §27.3.1.4, "Checks on Guest RIP, RFLAGS, and SSP". */
    private static String ripAndRflags(Vmcs vmcs) {
        long rip = vmcs.read(VmcsField.GUEST_RIP);
        boolean ia32e = ia32eGuest(vmcs);
        boolean csL = (vmcs.read32(VmcsField.GUEST_CS_AR_BYTES) & AR_L) != 0;
        if ((!ia32e || !csL) && (rip >>> 32) != 0) {
            return "guest RIP bits 63:32 set outside 64-bit mode";
        }
        if (ia32e && csL && !Canonical.canonical(rip)) {
            return "guest RIP not canonical in 64-bit mode";
        }
        long rflags = vmcs.read(VmcsField.GUEST_RFLAGS);
        if ((rflags & RFLAGS_RESERVED) != 0 || (rflags & 2) == 0) {
            return "guest RFLAGS reserved bits wrong";
        }
        if ((ia32e || (vmcs.read(VmcsField.GUEST_CR0) & CR0_PE) == 0) && (rflags & RFLAGS_VM) != 0) {
            return "guest RFLAGS.VM set in IA-32e mode or real-address mode";
        }
        int info = vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD);
        if (InterruptionInfo.valid(info) && InterruptionInfo.type(info) == InterruptionInfo.TYPE_EXTERNAL_INTERRUPT
            && (rflags & RFLAGS_IF) == 0) {
            return "external-interrupt injection with RFLAGS.IF = 0";
        }
        return null;
    }

    /** §27.3.1.5, "Checks on Guest Non-Register State". */
    private String nonRegisterState(Vmcs vmcs) {
        int activity = vmcs.read32(VmcsField.GUEST_ACTIVITY_STATE);
        int interruptibility = vmcs.read32(VmcsField.GUEST_INTERRUPTIBILITY_INFO);
        int info = vmcs.read32(VmcsField.VM_ENTRY_INTR_INFO_FIELD);
        boolean injecting = InterruptionInfo.valid(info);
        int type = InterruptionInfo.type(info);
        int vector = InterruptionInfo.vector(info);
        long rflags = vmcs.read(VmcsField.GUEST_RFLAGS);

        if (!caps.supportsActivityState(activity)) {
            return "guest activity state unsupported";
        }
        if (activity == ACTIVITY_HLT && ((vmcs.read32(VmcsField.GUEST_SS_AR_BYTES) >>> 5) & 3) != 0) {
            return "HLT activity state with SS.DPL not 0";
        }
        if (activity != 0 && (interruptibility & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)) != 0) {
            return "non-active activity state with blocking by STI or MOV SS";
        }
        if (injecting && activity == ACTIVITY_HLT) {
            boolean allowed = type == InterruptionInfo.TYPE_EXTERNAL_INTERRUPT || type == InterruptionInfo.TYPE_NMI
                || (type == InterruptionInfo.TYPE_HARDWARE_EXCEPTION && (vector == 1 || vector == 18));
            if (!allowed) {
                return "event injected into HLT activity state is not an interrupt, NMI, #DB or #MC";
            }
        }
        if (injecting && activity == ACTIVITY_SHUTDOWN
            && !(type == InterruptionInfo.TYPE_NMI || (type == InterruptionInfo.TYPE_HARDWARE_EXCEPTION && vector == 18))) {
            return "event injected into shutdown activity state is not an NMI or #MC";
        }
        if (injecting && activity == ACTIVITY_WAIT_FOR_SIPI) {
            return "event injected into wait-for-SIPI activity state";
        }

        if ((interruptibility & 0xFFFF_FFE0) != 0) {
            return "guest interruptibility state reserved bits 31:5 set";
        }
        if ((interruptibility & ENCLAVE_INTERRUPTION) != 0) {
            return "enclave interruption set on a processor without SGX";
        }
        if ((interruptibility & BLOCKING_BY_STI) != 0 && (interruptibility & BLOCKING_BY_MOV_SS) != 0) {
            return "blocking by STI and by MOV SS both set";
        }
        if ((interruptibility & BLOCKING_BY_STI) != 0 && (rflags & RFLAGS_IF) == 0) {
            return "blocking by STI with RFLAGS.IF = 0";
        }
        if (injecting && type == InterruptionInfo.TYPE_EXTERNAL_INTERRUPT
            && (interruptibility & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)) != 0) {
            return "external-interrupt injection with blocking by STI or MOV SS";
        }
        if (injecting && type == InterruptionInfo.TYPE_NMI && (interruptibility & BLOCKING_BY_MOV_SS) != 0) {
            return "NMI injection with blocking by MOV SS";
        }
        if ((interruptibility & BLOCKING_BY_SMI) != 0) {
            return "blocking by SMI outside SMM";
        }
        int pin = vmcs.read32(VmcsField.PIN_BASED_VM_EXEC_CONTROL);
        if (injecting && type == InterruptionInfo.TYPE_NMI && (pin & PinBasedControls.VIRTUAL_NMIS) != 0
            && (interruptibility & BLOCKING_BY_NMI) != 0) {
            return "virtual-NMI injection with blocking by NMI";
        }
        if (injecting && type == InterruptionInfo.TYPE_NMI && (interruptibility & BLOCKING_BY_STI) != 0) {
            // This model is one of the processors that refuse NMI injection in an STI shadow.
            qualification = QUALIFICATION_NMI_BLOCKED_BY_STI;
            return "NMI injection with blocking by STI";
        }

        long pending = vmcs.read(VmcsField.GUEST_PENDING_DBG_EXCEPTIONS);
        if ((pending & PENDING_DBG_RESERVED) != 0) {
            return "guest pending debug exceptions reserved bits set";
        }
        boolean blocked = (interruptibility & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)) != 0 || activity == ACTIVITY_HLT;
        boolean singleStepping = (rflags & RFLAGS_TF) != 0 && (vmcs.read(VmcsField.GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF) == 0;
        if (blocked && singleStepping && (pending & PENDING_DBG_BS) == 0) {
            return "pending debug exception BS clear while single-stepping";
        }
        if (blocked && !singleStepping && (pending & PENDING_DBG_BS) != 0) {
            return "pending debug exception BS set while not single-stepping";
        }

        long link = vmcs.read(VmcsField.VMCS_LINK_POINTER);
        if (link != -1L) {
            boolean valid = (link & 0xFFF) == 0 && Canonical.withinPhysicalWidth(link, VmxCapabilities.MAXPHYADDR)
                && memory.contains(link, 4) && (memory.read32(link) & 0x7FFF_FFFF) == VmxCapabilities.VMCS_REVISION_ID
                && (memory.read32(link) & 0x8000_0000) == 0;
            if (!valid) {
                qualification = QUALIFICATION_VMCS_LINK_POINTER;
                return "invalid VMCS link pointer";
            }
        }
        return null;
    }

    /** Every byte of a PAT value must be 0, 1, 4, 5, 6 or 7 (Vol. 3A §12.12.2). */
    static boolean validPat(long pat) {
        for (int i = 0; i < 8; i++) {
            int type = (int) (pat >>> (8 * i)) & 0xFF;
            if (type == 2 || type == 3 || type > 7) {
                return false;
            }
        }
        return true;
    }
}
