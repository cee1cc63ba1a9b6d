package dev.hve.api.extension;

/**
 * A platform extension, discovered with {@link java.util.ServiceLoader} from the runner's class
 * path and plug-in directories ({@code META-INF/services/dev.hve.api.extension.PlatformExtension}).
 * It adds devices, hypercall handlers and CPUID or MSR providers without touching HVE's code.
 */
public interface PlatformExtension {

    /** A short unique name for logs. */
    String name();

    /** Adds this extension's parts to the machine being built. */
    void install(ExtensionContext context);
}
