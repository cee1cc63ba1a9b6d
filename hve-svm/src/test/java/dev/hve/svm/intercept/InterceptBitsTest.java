package dev.hve.svm.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hve.svm.exit.SvmExitCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The general intercept vectors at 0x00C and 0x010 (AMD APM Vol. 2, Table B-1) are laid out in
 * exit-code order: the intercept at bit n of vector 3 exits with code 0x60 + n, and bit n of
 * vector 4 with 0x80 + n (Appendix C). Checking each bit against its exit code ties the two tables
 * together, so a shifted bit would show up as a mismatched exit code.
 */
class InterceptBitsTest {

    @Test
    void vector3BitsMatchExitCodes0x60Up() {
        Map<Integer, Long> expected = new LinkedHashMap<>();
        expected.put(InterceptBits.INTR, SvmExitCode.VMEXIT_INTR);
        expected.put(InterceptBits.NMI, SvmExitCode.VMEXIT_NMI);
        expected.put(InterceptBits.SMI, SvmExitCode.VMEXIT_SMI);
        expected.put(InterceptBits.INIT, SvmExitCode.VMEXIT_INIT);
        expected.put(InterceptBits.VINTR, SvmExitCode.VMEXIT_VINTR);
        expected.put(InterceptBits.CR0_SELECTIVE_WRITE, SvmExitCode.VMEXIT_CR0_SEL_WRITE);
        expected.put(InterceptBits.IDTR_READ, SvmExitCode.VMEXIT_IDTR_READ);
        expected.put(InterceptBits.GDTR_READ, SvmExitCode.VMEXIT_GDTR_READ);
        expected.put(InterceptBits.LDTR_READ, SvmExitCode.VMEXIT_LDTR_READ);
        expected.put(InterceptBits.TR_READ, SvmExitCode.VMEXIT_TR_READ);
        expected.put(InterceptBits.IDTR_WRITE, SvmExitCode.VMEXIT_IDTR_WRITE);
        expected.put(InterceptBits.GDTR_WRITE, SvmExitCode.VMEXIT_GDTR_WRITE);
        expected.put(InterceptBits.LDTR_WRITE, SvmExitCode.VMEXIT_LDTR_WRITE);
        expected.put(InterceptBits.TR_WRITE, SvmExitCode.VMEXIT_TR_WRITE);
        expected.put(InterceptBits.RDTSC, SvmExitCode.VMEXIT_RDTSC);
        expected.put(InterceptBits.RDPMC, SvmExitCode.VMEXIT_RDPMC);
        expected.put(InterceptBits.PUSHF, SvmExitCode.VMEXIT_PUSHF);
        expected.put(InterceptBits.POPF, SvmExitCode.VMEXIT_POPF);
        expected.put(InterceptBits.CPUID, SvmExitCode.VMEXIT_CPUID);
        expected.put(InterceptBits.RSM, SvmExitCode.VMEXIT_RSM);
        expected.put(InterceptBits.IRET, SvmExitCode.VMEXIT_IRET);
        expected.put(InterceptBits.INTN, SvmExitCode.VMEXIT_SWINT);
        expected.put(InterceptBits.INVD, SvmExitCode.VMEXIT_INVD);
        expected.put(InterceptBits.PAUSE, SvmExitCode.VMEXIT_PAUSE);
        expected.put(InterceptBits.HLT, SvmExitCode.VMEXIT_HLT);
        expected.put(InterceptBits.INVLPG, SvmExitCode.VMEXIT_INVLPG);
        expected.put(InterceptBits.INVLPGA, SvmExitCode.VMEXIT_INVLPGA);
        expected.put(InterceptBits.IOIO_PROT, SvmExitCode.VMEXIT_IOIO);
        expected.put(InterceptBits.MSR_PROT, SvmExitCode.VMEXIT_MSR);
        expected.put(InterceptBits.TASK_SWITCH, SvmExitCode.VMEXIT_TASK_SWITCH);
        expected.put(InterceptBits.FERR_FREEZE, SvmExitCode.VMEXIT_FERR_FREEZE);
        expected.put(InterceptBits.SHUTDOWN, SvmExitCode.VMEXIT_SHUTDOWN);
        assertEquals(32, expected.size(), "all 32 bits named once");
        expected.forEach((bit, code) -> assertEquals(0x60L + bit, code.longValue(), "bit " + bit));
    }

    @Test
    void vector4BitsMatchExitCodes0x80Up() {
        Map<Integer, Long> expected = new LinkedHashMap<>();
        expected.put(InterceptBits.VMRUN, SvmExitCode.VMEXIT_VMRUN);
        expected.put(InterceptBits.VMMCALL, SvmExitCode.VMEXIT_VMMCALL);
        expected.put(InterceptBits.VMLOAD, SvmExitCode.VMEXIT_VMLOAD);
        expected.put(InterceptBits.VMSAVE, SvmExitCode.VMEXIT_VMSAVE);
        expected.put(InterceptBits.STGI, SvmExitCode.VMEXIT_STGI);
        expected.put(InterceptBits.CLGI, SvmExitCode.VMEXIT_CLGI);
        expected.put(InterceptBits.SKINIT, SvmExitCode.VMEXIT_SKINIT);
        expected.put(InterceptBits.RDTSCP, SvmExitCode.VMEXIT_RDTSCP);
        expected.put(InterceptBits.ICEBP, SvmExitCode.VMEXIT_ICEBP);
        expected.put(InterceptBits.WBINVD, SvmExitCode.VMEXIT_WBINVD);
        expected.put(InterceptBits.MONITOR, SvmExitCode.VMEXIT_MONITOR);
        expected.put(InterceptBits.MWAIT, SvmExitCode.VMEXIT_MWAIT);
        expected.put(InterceptBits.MWAIT_CONDITIONAL, SvmExitCode.VMEXIT_MWAIT_CONDITIONAL);
        expected.put(InterceptBits.XSETBV, SvmExitCode.VMEXIT_XSETBV);
        expected.put(InterceptBits.RDPRU, SvmExitCode.VMEXIT_RDPRU);
        expected.put(InterceptBits.EFER_WRITE_TRAP, SvmExitCode.VMEXIT_EFER_WRITE_TRAP);
        expected.forEach((bit, code) -> assertEquals(0x80L + bit, code.longValue(), "bit " + bit));
    }
}
