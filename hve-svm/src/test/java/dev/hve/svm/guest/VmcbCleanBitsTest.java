package dev.hve.svm.guest;

import static dev.hve.svm.guest.GuestHarness.CODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hve.api.CpuidLeaf;
import dev.hve.api.MemoryMap;
import dev.hve.api.Register;
import dev.hve.emulator.cpuid.CpuModels;
import dev.hve.svm.TestHosts;
import dev.hve.svm.exit.SvmExitCode;
import dev.hve.svm.intercept.InterceptBits;
import dev.hve.svm.vmcb.CleanBits;
import dev.hve.svm.vmcb.Vmcb;
import dev.hve.svm.vmcb.VmcbLayout;
import java.util.BitSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * VMRUN and the VMCB clean bits (AMD APM Vol. 2 §15.15.3): an area whose bit is set may be taken
 * from the processor's cache instead of the VMCB, from the second VMRUN of a VMCB on. The tests
 * change a field "behind the hypervisor's back" (a raw VMCB write that leaves the bit set) to see
 * which copy the guest ran on.
 */
class VmcbCleanBitsTest {

    private static final long DATA = GuestHarness.DATA;

    /**
     * One clean-bit area as a guest observes it: the guest code (ending in an intercepted HLT), a
     * change to the area's VMCB bytes, and what the guest sees afterwards with the cached copy and
     * with the changed one. {@code savedField} is a state-save field the following #VMEXIT writes
     * back (-1 for a control field, which #VMEXIT leaves alone).
     */
    record Area(String name, int bit, int[] code, Consumer<Vmcb> change, ToLongFunction<GuestHarness> observe,
                long cached, long changed, int savedField) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static long rax(GuestHarness g) {
        return g.vcpu.register(Register.RAX) & 0xFFFF_FFFFL;
    }

    static Stream<Area> areas() {
        return Stream.of(
            // mov eax, cr3 ; hlt
            new Area("CRx", CleanBits.CRX, new int[] {0x0F, 0x20, 0xD8, 0xF4},
                v -> v.write64(VmcbLayout.CR3, 0x5000), VmcbCleanBitsTest::rax, 0, 0x5000, VmcbLayout.CR3),
            // mov eax, dr7 ; hlt (DR7 resets to 0x400)
            new Area("DRx", CleanBits.DRX, new int[] {0x0F, 0x21, 0xF8, 0xF4},
                v -> v.write64(VmcbLayout.DR7, 0x401), VmcbCleanBitsTest::rax, 0x400, 0x401, VmcbLayout.DR7),
            // mov eax, cr2 ; hlt
            new Area("CR2", CleanBits.CR2, new int[] {0x0F, 0x20, 0xD0, 0xF4},
                v -> v.write64(VmcbLayout.CR2, 0x1234), VmcbCleanBitsTest::rax, 0, 0x1234, VmcbLayout.CR2),
            // mov eax, [DATA] ; hlt, with DS.base moved from 0 to 0x1000
            new Area("SEG", CleanBits.SEG, new int[] {0xA1, 0x00, 0x30, 0x00, 0x00, 0xF4},
                v -> v.write64(VmcbLayout.DS + VmcbLayout.SEGMENT_BASE, 0x1000), VmcbCleanBitsTest::rax,
                0x1111_1111L, 0x2222_2222L, VmcbLayout.DS + VmcbLayout.SEGMENT_BASE),
            // sgdt [DATA + 0x100] ; mov eax, [DATA + 0x102] ; hlt: the GDTR base the guest sees
            new Area("DT", CleanBits.DT, new int[] {0x0F, 0x01, 0x05, 0x00, 0x31, 0x00, 0x00,
                0xA1, 0x02, 0x31, 0x00, 0x00, 0xF4},
                v -> v.write64(VmcbLayout.GDTR + VmcbLayout.SEGMENT_BASE, 0x9000), VmcbCleanBitsTest::rax,
                GuestHarness.GDT, 0x9000, VmcbLayout.GDTR + VmcbLayout.SEGMENT_BASE),
            // cpuid ; hlt, with the CPUID intercept set: HLT or CPUID is the exit
            new Area("I", CleanBits.I, new int[] {0x0F, 0xA2, 0xF4},
                v -> v.setBit(VmcbLayout.INTERCEPT_VECTOR3, InterceptBits.CPUID, true),
                g -> g.vcpu.lastExitReason(), SvmExitCode.VMEXIT_HLT, SvmExitCode.VMEXIT_CPUID, -1));
    }

    private static GuestHarness guest(int[] code) {
        return guest(TestHosts.amd(), code);
    }

    private static GuestHarness guest(dev.hve.api.HostCpu host, int[] code) {
        GuestHarness g = new GuestHarness(host, code);
        g.intercepts(GuestHarness.config(new BitSet(), Set.of(), 0, false, true, false, false));
        g.vm.memory().writeValue(DATA, 4, 0x1111_1111L);
        g.vm.memory().writeValue(DATA + 0x1000, 4, 0x2222_2222L);
        return g;
    }

    /** Runs the guest to its HLT, puts RIP back at the start, and returns the VMCB. */
    private static Vmcb firstRun(GuestHarness g) {
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        g.vcpu.setRegister(Register.RIP, CODE);
        assertEquals(CleanBits.ALL, g.vcpu.vmcb().read32(VmcbLayout.VMCB_CLEAN),
            "after #VMEXIT the hypervisor declares every area clean; RIP is in none");
        return g.vcpu.vmcb();
    }

    /**
     * Changes the area's VMCB bytes behind the hypervisor's back, sets VMCB_CLEAN to {@code clean},
     * runs the guest to its next exit and returns what it observed.
     */
    private static long runChanged(GuestHarness g, Area area, int clean) {
        area.change().accept(g.vcpu.vmcb());
        g.vcpu.vmcb().write32(VmcbLayout.VMCB_CLEAN, clean);
        g.vcpu.vmrun(100);
        return area.observe().applyAsLong(g);
    }

    @ParameterizedTest
    @MethodSource("areas")
    void aCleanAreaKeepsTheCachedCopyAndTheExitSavesIt(Area area) {
        GuestHarness g = guest(area.code());
        Vmcb vmcb = firstRun(g);
        long before = area.savedField() >= 0 ? vmcb.read64(area.savedField()) : 0;
        assertEquals(area.cached(), runChanged(g, area, CleanBits.ALL),
            "the bit is set: VMRUN may use its cached copy");
        if (area.savedField() >= 0) {
            assertEquals(before, vmcb.read64(area.savedField()),
                "#VMEXIT saves the processor's value over the stale one");
        }
    }

    @ParameterizedTest
    @MethodSource("areas")
    void aDirtyAreaIsReadFromTheVmcb(Area area) {
        GuestHarness g = guest(area.code());
        firstRun(g);
        assertEquals(area.changed(), runChanged(g, area, CleanBits.ALL & ~area.bit()),
            "the bit is clear: VMRUN reads the VMCB");
    }

    @ParameterizedTest
    @MethodSource("areas")
    void theFirstVmrunOfAVmcbIgnoresTheCleanBits(Area area) {
        GuestHarness g = guest(area.code());
        assertEquals(area.changed(), runChanged(g, area, CleanBits.ALL), "nothing is cached yet");
    }

    @ParameterizedTest
    @MethodSource("areas")
    void aVmrunAfterOneThatFailedReadsEveryArea(Area area) {
        GuestHarness g = guest(area.code());
        Vmcb vmcb = firstRun(g);
        // An event type of 1 is reserved: VMRUN fails its checks (§15.20) without loading anything.
        vmcb.write64(VmcbLayout.EVENTINJ, 1L << 31 | 1 << 8);
        assertEquals(SvmExitCode.VMEXIT_INVALID, g.vcpu.vmrun(100));
        vmcb.write64(VmcbLayout.EVENTINJ, 0);
        assertEquals(area.changed(), runChanged(g, area, CleanBits.ALL));
    }

    @ParameterizedTest
    @MethodSource("areas")
    void aHostWithoutCleanBitsReloadsEverything(Area area) {
        dev.hve.api.HostCpu host = TestHosts.of(CpuModels.amd(), (leaf, v) -> leaf == 0x8000_000A
            ? new CpuidLeaf(v.eax(), v.ebx(), v.ecx(), v.edx() & ~(1 << 5)) : v);
        GuestHarness g = guest(host, area.code());
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(0, g.vcpu.vmcb().read32(VmcbLayout.VMCB_CLEAN), "the hypervisor sets no clean bit");
        g.vcpu.setRegister(Register.RIP, CODE);
        assertEquals(area.changed(), runChanged(g, area, CleanBits.ALL), "the processor ignores the field");
    }

    @Test
    void theHypervisorsOwnChangesReachTheGuest() {
        // The same changes made through the common API clear their bits and take effect.
        GuestHarness g = guest(new int[] {0x0F, 0x20, 0xD8, 0xF4});
        firstRun(g);
        g.vcpu.setRegister(Register.CR3, 0x5000);
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(0x5000, rax(g));
    }

    // ---- TLB flushes on a dirty CR3, N_CR3 or ASID ----

    /** 64-bit: mov eax, [DATA] ; hlt. */
    private static GuestHarness longModeReader() {
        return guest(new int[] {0x8B, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00, 0xF4}).longMode();
    }

    /**
     * Four-level tables at 0x14000 that identity-map the first 2 MiB with 4 KiB pages, except
     * that linear DATA maps to DATA + 0x1000. Returns the PML4's address.
     */
    private static long remappingTables(GuestHarness g) {
        long pml4 = 0x14000;
        long pdpt = 0x15000;
        long pd = 0x16000;
        long pt = 0x17000;
        g.vm.memory().writeValue(pml4, 8, pdpt | 3);
        g.vm.memory().writeValue(pdpt, 8, pd | 3);
        g.vm.memory().writeValue(pd, 8, pt | 3);
        for (int i = 0; i < 512; i++) {
            long page = i == (int) (DATA >>> 12) ? DATA + 0x1000 : (long) i << 12;
            g.vm.memory().writeValue(pt + 8L * i, 8, page | 3);
        }
        return pml4;
    }

    /**
     * The core also drops its guest translations when it sees CR0/CR3/CR4/EFER change; this
     * checks the end result of a dirty CR3 through the whole VMRUN.
     */
    @Test
    void aNewCr3FlushesTheTlb() {
        GuestHarness g = longModeReader();
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(0x1111_1111L, rax(g));
        g.vcpu.setRegister(Register.RIP, CODE);
        g.vcpu.setRegister(Register.CR3, remappingTables(g));
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(0x2222_2222L, rax(g), "the translation through the old CR3 is gone");
    }

    @Test
    void theMonitorsTranslationsFollowTheHypervisorsPagingChanges() {
        GuestHarness g = longModeReader();
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(DATA, g.vcpu.translateLinear(DATA, false), "the paging state of the last #VMEXIT");
        g.vcpu.setRegister(Register.CR3, remappingTables(g));
        assertEquals(DATA + 0x1000, g.vcpu.translateLinear(DATA, false), "the CR3 the hypervisor just wrote");
    }

    @Test
    void aNewAsidFlushesTheTlb() {
        GuestHarness g = longModeReader();
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        g.vcpu.setRegister(Register.RIP, CODE);
        // The guest's PD now points at the remapping page table; no INVLPG, so a TLB may keep the
        // old translation for this ASID (APM Vol. 2 §5.5.2) ...
        g.vm.memory().writeValue(0x12000, 8, 0x17000 | 3);
        remappingTables(g);
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(0x1111_1111L, rax(g), "the stale translation is still cached");
        // ... but under a new ASID nothing cached for the old one applies (§15.16).
        g.vcpu.setRegister(Register.RIP, CODE);
        g.hypervisor().write32(VmcbLayout.GUEST_ASID, 7);
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        assertEquals(0x2222_2222L, rax(g));
    }

    @Test
    void aNewNcr3FlushesTheTlb() {
        // mov eax, [DATA] ; hlt, paging off: only the nested translation is cached.
        GuestHarness g = guest(new int[] {0xA1, 0x00, 0x30, 0x00, 0x00, 0xF4});
        assertEquals(SvmExitCode.VMEXIT_HLT, g.vcpu.vmrun(100));
        long nCr3 = g.vcpu.vmcb().read64(VmcbLayout.N_CR3);
        g.vcpu.setRegister(Register.RIP, CODE);
        // The new layout has no RAM at DATA: the new nested tables fault where the old mapped.
        g.vm.setMemoryMap(MemoryMap.ram(DATA));
        assertEquals(SvmExitCode.VMEXIT_NPF, g.vcpu.vmrun(100));
        assertNotEquals(nCr3, g.vcpu.vmcb().read64(VmcbLayout.N_CR3));
        assertEquals(DATA, g.vcpu.vmcb().read64(VmcbLayout.EXITINFO2));
    }
}
