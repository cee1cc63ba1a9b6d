package dev.hve.api.spi;

import dev.hve.api.HostCpu;
import java.util.List;

/**
 * Contributes modeled host CPUs that {@code --host-cpu NAME} can choose, discovered with
 * {@link java.util.ServiceLoader}. A vendor backend plug-in ships the CPU its backend is for.
 */
public interface HostCpuModelProvider {

    List<HostCpu> models();
}
