package dev.hve.archtests;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.example.bad.InternalsUsingPlugin;
import org.junit.jupiter.api.Test;

/** The sample plug-ins depend on the SDK only; a plug-in reaching into internals is caught. */
class PluginSdkTest {

    @Test
    void samplePluginsUseOnlyTheSdk() {
        JavaClasses plugins = new ClassFileImporter()
            .withImportOption(ProductionCode.ONLY)
            .importPackages("com.example");
        if (plugins.isEmpty()) {
            throw new AssertionError("the sample plug-ins are not on the test class path");
        }
        LayeringRules.PLUGINS_USE_ONLY_THE_SDK.check(plugins);
    }

    @Test
    void aPluginNamingAnInternalClassIsCaught() {
        JavaClasses fixture = new ClassFileImporter().importClasses(InternalsUsingPlugin.class);
        assertThrows(AssertionError.class, () -> LayeringRules.PLUGINS_USE_ONLY_THE_SDK.check(fixture));
    }
}
