package dev.hve.api.archfixture;

/**
 * A deliberate violation for the backend-naming rule: code outside the runner that names a
 * concrete backend class. It lives in test code only.
 */
public final class PlatformNamingVmx {

    public Class<?> backend() {
        return dev.hve.vmx.VmxBackendProvider.class;
    }
}
