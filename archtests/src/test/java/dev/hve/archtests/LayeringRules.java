package dev.hve.archtests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of ../shared/DESIGN.md ("The house") as ArchUnit rules. Each rule is a constant
 * so that both the real code and the deliberate-violation fixtures are checked by the very same
 * rule.
 */
final class LayeringRules {

    private static final String JAVA = "java..";
    private static final String JAVAX_INJECT = "javax.inject..";
    private static final String SLF4J = "org.slf4j..";
    private static final String ASM = "org.objectweb.asm..";

    /** hve-api depends on no other module: it is the contract, and the plug-in SDK. */
    static final ArchRule API_DEPENDS_ON_NOTHING = classes().that().resideInAPackage("dev.hve.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.hve.api..", JAVA)
        .because("hve-api depends on no other module (DESIGN.md, The house)");

    /** hve-emulator depends on no other module; it may log, and its block translator uses ASM. */
    static final ArchRule EMULATOR_DEPENDS_ON_NOTHING = classes().that().resideInAPackage("dev.hve.emulator..")
        .and().resideOutsideOfPackage("dev.hve.emulator.translate..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.hve.emulator..", JAVA, SLF4J)
        .because("hve-emulator depends on no other module and knows nothing of VMX or SVM");

    /** Only the block translator generates bytecode, and it knows only the core and ASM. */
    static final ArchRule ONLY_THE_TRANSLATOR_USES_ASM = classes().that().resideInAPackage("dev.hve.emulator.translate..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.hve.emulator..", JAVA, ASM)
        .because("the translator turns decoded blocks into JVM bytecode with ASM, and nothing else does");

    /** The core knows nothing of VMX or SVM, not even by name. */
    static final ArchRule EMULATOR_NAMES_NO_VENDOR = noClasses().that().resideInAPackage("dev.hve.emulator..")
        .should().haveSimpleNameContaining("Vmcs").orShould().haveSimpleNameContaining("Vmcb")
        .orShould().haveSimpleNameContaining("Vmx").orShould().haveSimpleNameContaining("Svm")
        .orShould().haveSimpleNameContaining("Ept").orShould().haveSimpleNameContaining("Npt")
        .because("the core consults only its own narrow GuestControls interface");

    static final ArchRule VMX_USES_ONLY_API_AND_CORE = classes().that().resideInAPackage("dev.hve.vmx..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.hve.vmx..", "dev.hve.api..",
            "dev.hve.emulator..", JAVA, SLF4J)
        .because("hve-vmx depends on hve-api and hve-emulator only, never on SVM or the platform");

    static final ArchRule SVM_USES_ONLY_API_AND_CORE = classes().that().resideInAPackage("dev.hve.svm..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.hve.svm..", "dev.hve.api..",
            "dev.hve.emulator..", JAVA, SLF4J)
        .because("hve-svm depends on hve-api and hve-emulator only, never on VMX or the platform");

    static final ArchRule PLATFORM_NEVER_NAMES_A_BACKEND = noClasses().that().resideInAPackage("dev.hve.platform..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.hve.vmx..", "dev.hve.svm..", "dev.hve.cli..")
        .because("the platform is common monitor code that sees only the common API");

    static final ArchRule ONLY_THE_RUNNER_NAMES_BACKENDS = noClasses().that()
        .resideOutsideOfPackages("dev.hve.cli..", "dev.hve.vmx..", "dev.hve.svm..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.hve.vmx..", "dev.hve.svm..")
        .because("only hve-cli, the composition root, may name concrete backends");

    static final ArchRule NO_MODULE_CYCLES = slices().matching("dev.hve.(*)..").should().beFreeOfCycles()
        .because("modules form a layered house (DESIGN.md)");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.hve.(**)").should().beFreeOfCycles()
        .because("no package cycles (DESIGN.md)");

    /** Logback is bound in the runner only; every other module logs through the SLF4J API. */
    static final ArchRule LOGBACK_ONLY_IN_RUNNER = noClasses().that().resideOutsideOfPackage("dev.hve.cli..")
        .should().dependOnClassesThat().resideInAPackage("ch.qos.logback..")
        .because("SLF4J for logging, with Logback bound only in the runner");

    /** Dagger wiring belongs to the composition root. */
    static final ArchRule DAGGER_ONLY_IN_RUNNER = noClasses().that().resideOutsideOfPackage("dev.hve.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("dagger..", JAVAX_INJECT)
        .because("Dagger is the runner's composition root; the modules stay framework-free");

    /**
     * Plug-ins see the SDK only: the public packages of hve-api. Anything else of HVE is internal
     * and may change without notice (issue 7, "What counts as the SDK").
     */
    static final ArchRule PLUGINS_USE_ONLY_THE_SDK = classes().that().resideOutsideOfPackage("dev.hve..")
        .and().resideInAPackage("com.example..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.hve.api..", JAVA, "com.example..")
        .because("plug-ins are written against the SDK, never against HVE's internals");

    private LayeringRules() {
    }
}
