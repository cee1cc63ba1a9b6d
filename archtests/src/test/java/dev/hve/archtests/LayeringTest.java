package dev.hve.archtests;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks HVE's production classes against every layering rule. */
class LayeringTest {

    private static JavaClasses hve;

    @BeforeAll
    static void importProductionClasses() {
        hve = new ClassFileImporter()
            .withImportOption(ProductionCode.ONLY)
            .importPackages("dev.hve");
        // Guard against a vacuous pass: every module's classes must really be on the class path.
        for (String module : new String[] {"api", "emulator", "vmx", "svm", "platform", "cli"}) {
            assertFalse(hve.that(com.tngtech.archunit.base.DescribedPredicate.describe("in " + module,
                c -> c.getPackageName().startsWith("dev.hve." + module))).isEmpty(), "no classes of hve-" + module);
        }
    }

    private static void check(ArchRule rule) {
        rule.check(hve);
    }

    @Test
    void apiDependsOnNothing() {
        check(LayeringRules.API_DEPENDS_ON_NOTHING);
    }

    @Test
    void emulatorDependsOnNothing() {
        check(LayeringRules.EMULATOR_DEPENDS_ON_NOTHING);
    }

    @Test
    void onlyTheTranslatorUsesAsm() {
        check(LayeringRules.ONLY_THE_TRANSLATOR_USES_ASM);
    }

    @Test
    void emulatorNamesNoVendor() {
        check(LayeringRules.EMULATOR_NAMES_NO_VENDOR);
    }

    @Test
    void vmxUsesOnlyApiAndCore() {
        check(LayeringRules.VMX_USES_ONLY_API_AND_CORE);
    }

    @Test
    void svmUsesOnlyApiAndCore() {
        check(LayeringRules.SVM_USES_ONLY_API_AND_CORE);
    }

    @Test
    void platformNeverNamesABackend() {
        check(LayeringRules.PLATFORM_NEVER_NAMES_A_BACKEND);
    }

    @Test
    void onlyTheRunnerNamesBackends() {
        check(LayeringRules.ONLY_THE_RUNNER_NAMES_BACKENDS);
    }

    @Test
    void noModuleCycles() {
        check(LayeringRules.NO_MODULE_CYCLES);
    }

    @Test
    void noPackageCycles() {
        check(LayeringRules.NO_PACKAGE_CYCLES);
    }

    @Test
    void logbackOnlyInRunner() {
        check(LayeringRules.LOGBACK_ONLY_IN_RUNNER);
    }

    @Test
    void daggerOnlyInRunner() {
        check(LayeringRules.DAGGER_ONLY_IN_RUNNER);
    }
}
