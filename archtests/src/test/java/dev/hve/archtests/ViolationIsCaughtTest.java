package dev.hve.archtests;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.hve.api.archfixture.ApiReachingIntoPlatform;
import dev.hve.api.archfixture.PlatformNamingVmx;
import org.junit.jupiter.api.Test;

/** Proves the rules have teeth: the deliberate violations in test code are rejected. */
class ViolationIsCaughtTest {

    @Test
    void apiDependingOnThePlatformIsCaught() {
        JavaClasses fixture = new ClassFileImporter().importClasses(ApiReachingIntoPlatform.class);
        AssertionError error = assertThrows(AssertionError.class,
            () -> LayeringRules.API_DEPENDS_ON_NOTHING.check(fixture));
        assertTrue(error.getMessage().contains("dev.hve.platform.RunOutcome"), error.getMessage());
    }

    @Test
    void namingABackendOutsideTheRunnerIsCaught() {
        JavaClasses fixture = new ClassFileImporter().importClasses(PlatformNamingVmx.class);
        AssertionError error = assertThrows(AssertionError.class,
            () -> LayeringRules.ONLY_THE_RUNNER_NAMES_BACKENDS.check(fixture));
        assertTrue(error.getMessage().contains("VmxBackendProvider"), error.getMessage());
    }
}
