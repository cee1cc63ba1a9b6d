package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guest's vendor-specific MSRs follow the CPU model it is shown (--cpu), on either backend:
 * an AMD guest reads SYSCFG, HWCR, NB_CFG and LS_CFG and gets #GP from Intel's MISC_ENABLE,
 * FEATURE_CONTROL and PLATFORM_INFO on VT-x too, and an Intel guest the reverse on SVM. Linux
 * reads several of them, so without this its output differs between the backends.
 */
class GuestCpuMsrTest {

    private static final int ALL_CHECKS_PASSED = (0x2A << 1) | 1;
    private static final String AMD =
        "msrs: +SYSCFG +HWCR +NB_CFG +LS_CFG -MISC_ENABLE -FEATURE_CONTROL -PLATFORM_INFO +MTRRCAP\n";
    private static final String INTEL =
        "msrs: -SYSCFG -HWCR -NB_CFG -LS_CFG +MISC_ENABLE +FEATURE_CONTROL +PLATFORM_INFO +MTRRCAP\n";

    @ParameterizedTest(name = "--cpu {1} on {0}")
    @CsvSource({"vmx, amd", "svm, amd", "vmx, intel", "svm, intel"})
    void vendorMsrsFollowTheGuestCpuModel(String backend, String cpu) {
        RunnerHarness.Result result = RunnerHarness.run("run", "-q", "--backend", backend, "--cpu", cpu,
            TestGuests.path("vendormsrs").toString());
        assertEquals(cpu.equals("amd") ? AMD : INTEL, result.out(), result.err());
        assertEquals(ALL_CHECKS_PASSED, result.status(), "EFER round trip; stderr: " + result.err());
    }
}
