package com.example.hygon;

import dev.hve.api.HostCpu;
import dev.hve.api.spi.HostCpuModelProvider;
import java.util.List;

/** Makes {@code --host-cpu hygon} available. */
public final class HygonCpuModels implements HostCpuModelProvider {

    @Override
    public List<HostCpu> models() {
        return List.of(new HygonDhyanaCpu());
    }
}
